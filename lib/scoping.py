"""One rule, written once: a user sees only their own municipality's data.

Every model that belongs to an organisation names the lookup path to it in
``organisation_path`` (``"organisation"`` for a direct foreign key,
``"group__organisation"`` for something one hop away, ``""`` for the
Organisation itself). Querysets built on :class:`OrganisationQuerySet` can then
be narrowed with ``.visible_to(user)``; the admin mixin in
:mod:`lib.admin` and the leader-facing access helpers all go through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import models

if TYPE_CHECKING:
    from accounts.models import User


def organisation_lookup(model: type[models.Model]) -> str | None:
    """Return the ORM lookup that reaches the organisation's id, or None if unscoped."""
    path = getattr(model, "organisation_path", None)
    if path is None:
        return None
    return f"{path}__pk" if path else "pk"


def is_scoped(model: type[models.Model]) -> bool:
    return organisation_lookup(model) is not None


class OrganisationQuerySetMixin:
    def in_organisation(self, organisation_id: int | None) -> Self:
        lookup = organisation_lookup(self.model)  # type: ignore[attr-defined]
        assert lookup is not None, f"{self.model} has no organisation_path"  # type: ignore[attr-defined]
        if organisation_id is None:
            return self.none()  # type: ignore[attr-defined]
        return self.filter(**{lookup: organisation_id})  # type: ignore[attr-defined]

    def visible_to(self, user: User | Any) -> Self:
        """Superusers see every municipality; everyone else only their own."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()  # type: ignore[attr-defined]
        if user.is_superuser:
            return self  # type: ignore[return-value]
        return self.in_organisation(user.organisation_id)


class OrganisationQuerySet(OrganisationQuerySetMixin, models.QuerySet):
    pass


def scope_queryset(qs: models.QuerySet, user: Any) -> models.QuerySet:
    """Scope any queryset whose model has an ``organisation_path``."""
    lookup = organisation_lookup(qs.model)
    if lookup is None:
        return qs
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    if user.organisation_id is None:
        return qs.none()
    return qs.filter(**{lookup: user.organisation_id})
