"""GDPR: a leader's own data as JSON, and anonymising a leader who has left.

Track apps plug in from ``AppConfig.ready()``:

* ``register_personal_data(key, fn(user) -> JSON-able)`` adds a section to the
  leader's own export;
* ``register_anonymiser(key, fn(leader) -> None)`` scrubs the app's free text
  written by or about the leader (names, notes) while keeping counts and
  anonymous survey answers, which never pointed at the person anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.audit import audit_log

from .models import Leader, User, new_calendar_token

PersonalData = Callable[[User], Any]
Anonymiser = Callable[[Leader], None]
_exporters: dict[str, PersonalData] = {}
_anonymisers: dict[str, Anonymiser] = {}


def register_personal_data(key: str, exporter: PersonalData) -> None:
    _exporters[key] = exporter


def register_anonymiser(key: str, anonymiser: Anonymiser) -> None:
    _anonymisers[key] = anonymiser


def _profile(user: User) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": user.full_name, "email": user.email, "language": user.language,
        "municipality": user.organisation.name if user.organisation else None,
        "roles": {"oaf_admin": user.is_oaf_admin, "facilitator": user.is_facilitator,
                  "coach": user.is_coach},
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }
    leader = Leader.objects.select_related("unit", "leader_above__user").filter(user=user).first()
    if leader is not None:
        data["leader"] = {
            "title": leader.title, "level": leader.level, "unit": leader.unit.name,
            "leader_above": leader.leader_above.user.full_name if leader.leader_above else None,
            "leader_since": leader.leader_since.isoformat(), "is_talent": leader.is_talent,
            "birth_year": leader.birth_year,
        }
    return data


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about ``user`` that the user may see."""
    export: dict[str, Any] = {"exported_at": timezone.now().isoformat(),
                              "profile": _profile(user)}
    for key in sorted(_exporters):
        export[key] = _exporters[key](user)
    return export


@transaction.atomic
def leader_anonymise(*, leader: Leader, actor: User | None) -> Leader:
    """Remove who a departed leader was, keep what they counted for.

    Name, email, title, year of birth, login and calendar address go; level,
    unit and leader-since stay so statistics still add up. The change history
    of the person is purged (it holds the old name); one audit entry records
    that it happened, without the name.
    """
    leader = Leader.objects.select_for_update().select_related("user").get(pk=leader.pk)
    user = leader.user
    user.full_name = _("Former leader %(number)s") % {"number": leader.pk}
    user.email = f"anonymisert-{user.pk}@invalid.example"
    user.set_unusable_password()
    user.is_active = False
    user.is_oaf_admin = user.is_facilitator = user.is_coach = False
    user.calendar_token = new_calendar_token()
    user.save()
    # The login goes, and with it its second factor (the authenticator app's key).
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=user).delete()
    leader.title = leader.get_level_display()
    leader.birth_year = None
    leader.is_talent = False
    leader.save()
    for key in sorted(_anonymisers):
        _anonymisers[key](leader)
    user.history.all().delete()
    leader.history.all().delete()
    audit_log(organisation=leader.organisation, actor=actor, action="accounts.leader.anonymised",
              obj=leader, summary=f"#{leader.pk}")
    return leader
