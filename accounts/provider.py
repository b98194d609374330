"""allauth loads ``<app>.provider`` of every installed app: the municipalities' provider."""

from .sso.provider import provider_classes

__all__ = ["provider_classes"]
