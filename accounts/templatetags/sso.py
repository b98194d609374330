"""``{% sso_providers %}``: the municipalities' sign-in buttons on the login page."""

from __future__ import annotations

from typing import Any

from django import template

from lib.scoping import unscoped

from ..models import IdentityProvider

register = template.Library()


@register.simple_tag
def sso_providers() -> list[Any]:
    with unscoped():  # the login page acts for nobody yet
        return list(IdentityProvider.objects.filter(social_app__isnull=False)
                    .select_related("organisation").order_by("button_name"))
