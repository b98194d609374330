"""Writes for municipalities, units, users and leaders."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
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


@transaction.atomic
def user_reset_two_factor(*, user: User, actor: User) -> int:
    """Remove a colleague's two-factor authenticators (app and recovery codes) after a lost
    phone; returns how many went. Their next sign-in asks them to set one up again
    (O&F and superusers must have one), and they are told by email at once.

    Guarantees: only O&F of the user's municipality or a superuser resets
    (PermissionDenied); a superuser's only by a superuser (``superuser_target``); never
    one's own (``own_account``: one who is signed in can manage their own); a user
    without an authenticator is refused (``nothing_to_reset``).
    """
    from allauth.mfa.models import Authenticator

    from lib.audit import audit_log
    from lib.emails import absolute_url, queue_email

    from ..access import is_oaf_for

    if not is_oaf_for(actor, user.organisation_id):
        raise PermissionDenied(_("Only O&F of the person's municipality can do this."))
    if user.is_superuser and not actor.is_superuser:
        raise ValidationError(_("Only a system administrator can reset another system "
                                "administrator's two-factor sign-in."), code="superuser_target")
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot reset your own two-factor sign-in here; manage it "
                                "under your account's security settings."), code="own_account")
    removed, _by_model = Authenticator.objects.filter(user=user).delete()
    if not removed:
        raise ValidationError(_("%(name)s has no two-factor sign-in to reset.")
                              % {"name": user.full_name}, code="nothing_to_reset")
    organisation = user.organisation or actor.organisation
    if organisation is not None:
        audit_log(organisation=organisation, actor=actor, action="accounts.two_factor_reset",
                  obj=user, summary=user.full_name, data={"removed": removed})
    if user.email:
        queue_email(to=user.email, template_base="emails/accounts/two_factor_reset",
                    context={"recipient": user, "actor_name": actor.full_name,
                             "url": absolute_url(reverse("login"))},
                    language=user.language)
    return removed
