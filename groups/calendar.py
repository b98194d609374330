"""The group's sessions in the personal calendar feed of its members and facilitator."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from lib.emails import absolute_url
from lib.ical import CalendarEvent

from .models import ProcessSession


def sessions_for_user(user: User) -> list[CalendarEvent]:
    sessions = (ProcessSession.objects.visible_to(user)
                .filter(Q(process__group__memberships__leader__user=user)
                        | Q(process__group__head__user=user) | Q(process__facilitator=user))
                .select_related("process__group").distinct().order_by("planned_at"))
    return [session_event(s) for s in sessions]


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
