"""The group's sessions in the personal calendar feed of its members and facilitator."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from lib.emails import absolute_url
from lib.ical import CalendarEvent
from lib.prepared import Prepared, narrowed

from .models import ProcessSession

_SESSIONS: Prepared[ProcessSession] = Prepared(lambda organisation_id, user_id: (
    narrowed(ProcessSession.objects.all(), organisation_id)
    .filter(Q(process__group__memberships__leader__user_id=user_id)
            | Q(process__group__head__user_id=user_id) | Q(process__facilitator_id=user_id))
    .select_related("process__group").distinct().order_by("planned_at")))


def sessions_for_user(user: User) -> list[CalendarEvent]:
    """The group sessions of the user's groups and processes (one query, compiled once)."""
    return [session_event(s) for s in _SESSIONS.visible_to(user, user_id=user.pk)]


def session_event(s: ProcessSession) -> CalendarEvent:
    """Needs ``process__group`` loaded. The UID is the one every .ics of it carries."""
    group = s.process.group
    return CalendarEvent(
        uid=f"groups-session-{s.pk}", start=s.planned_at, end=s.ends_at,
        summary=f"{s.get_kind_display().capitalize()}: {group.name}",
        location=s.location, description=s.topic or s.meeting,
        url=absolute_url(reverse("groups:progress", args=[group.public_id])))


def register() -> None:
    from accounts.calendar import register_calendar_source

    register_calendar_source("groups", sessions_for_user)
