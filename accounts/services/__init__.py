"""Writes for municipalities, units, users and leaders."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Leader, LeaderLevel, Organisation, Unit, UnitKind, User, new_calendar_token


@transaction.atomic
def unit_create(
    *, organisation: Organisation, name: str, kind: str = UnitKind.ENTERPRISE,
    parent: Unit | None = None, code: str = "",
) -> Unit:
    """Create a unit under ``parent`` (or as a tjenesteområde at the top).

    Guarantees the unit and its parent belong to the same municipality.
    """
    unit = Unit(organisation=organisation, name=name, kind=kind, code=code)
    if parent is None:
        return Unit.objects.add_root(instance=unit)
    if parent.organisation_id != organisation.pk:
        raise ValidationError({"parent": ValidationError(
            _("The parent unit belongs to another municipality."), code="other_municipality")})
    # Re-read the parent: treebeard needs its current path and child count.
    parent = Unit.objects.select_for_update().get(pk=parent.pk)
    return Unit.objects.add_child(parent, instance=unit)


@transaction.atomic
def unit_move(*, unit: Unit, parent: Unit | None) -> Unit:
    """Move ``unit`` (with everything under it) below ``parent``, or to the top."""
    unit = Unit.objects.get(pk=unit.pk)
    if parent is not None:
        parent = Unit.objects.get(pk=parent.pk)
        if parent.organisation_id != unit.organisation_id:
            raise ValidationError({"parent": ValidationError(
                _("The parent unit belongs to another municipality."),
                code="other_municipality")})
        if parent.pk == unit.pk or parent.is_descendant_of(unit):
            raise ValidationError({"parent": ValidationError(
                _("A unit cannot be moved below itself."), code="circular")})
        current = Unit.objects.get_parent(unit)
        if current is None or current.pk != parent.pk:
            Unit.objects.move(unit, parent, "last-child")
    elif not unit.is_root():
        Unit.objects.move(unit, Unit.objects.get_last_root_node(), "last-sibling")
    return Unit.objects.get(pk=unit.pk)


@transaction.atomic
def leader_create(
    *, organisation: Organisation, email: str, full_name: str, title: str, level: LeaderLevel | str,
    unit: Unit, leader_since: dt.date, leader_above: Leader | None = None,
    is_talent: bool = False, password: str | None = None, language: str = "nb",
) -> Leader:
    """Create a user with a leader profile in one municipality.

    Without a password the account cannot log in until its owner sets one
    through "forgot password".
    """
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, organisation=organisation,
        language=language,
    )
    leader = Leader(
        organisation=organisation, user=user, title=title, level=level, unit=unit,
        leader_above=leader_above, leader_since=leader_since, is_talent=is_talent,
    )
    leader.full_clean()
    leader.save()
    return leader


def user_set_language(*, user: User, language: str) -> None:
    """Remember the user's language; unknown codes are refused."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."), code="unknown_language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def user_reset_calendar_token(*, user: User) -> str:
    """Give the user a new calendar feed address; the old one stops working."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
