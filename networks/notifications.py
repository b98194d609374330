"""Emails of the network groups, each in its reader's language.

Called by the services inside their transaction; ``queue_email`` sends after
commit, so a refused or rolled-back change sends nothing.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.models import User
from lib.calendar_notices import CalendarChange, NoticeRecipient, calendar_change_notify
from lib.emails import absolute_url, queue_email
from lib.ical import CalendarEvent

from .models import NetworkGroup, NetworkMeeting


def _recipients(meeting: NetworkMeeting) -> list[User]:
    """Every member of the group and the meeting's facilitator, once each."""
    users = {u.pk: u for u in User.objects.filter(
        leader__network_memberships__group_id=meeting.group_id, is_active=True)}
    if meeting.facilitator_id and meeting.facilitator_id not in users:
        facilitator = User.objects.filter(pk=meeting.facilitator_id, is_active=True).first()
        if facilitator is not None:
            users[facilitator.pk] = facilitator
    return sorted(users.values(), key=lambda u: u.pk)


def _send(user: User, template: str, context: dict) -> None:
    queue_email(to=user.email, template_base=f"networks/emails/{template}",
                context={"recipient": user, **context}, language=user.language)


def _meeting_context(meeting: NetworkMeeting) -> dict:
    return {
        "meeting": meeting, "group": meeting.group,
        "meeting_url": absolute_url(reverse("networks:meeting_detail", args=[meeting.uuid])),
        "ics_url": absolute_url(reverse("networks:meeting_ics", args=[meeting.uuid])),
    }


def meeting_confirmed(*, meeting: NetworkMeeting, changed: bool = False) -> None:
    """Tell the group and the facilitator the decided (or changed) date."""
    context = {**_meeting_context(meeting), "changed": changed}
    for user in _recipients(meeting):
        _send(user, "meeting_confirmed", context)


def meeting_cancelled(*, meeting: NetworkMeeting) -> None:
    context = _meeting_context(meeting)
    for user in _recipients(meeting):
        _send(user, "meeting_cancelled", context)


def meeting_calendar_before(meeting: NetworkMeeting) -> CalendarEvent:
    """The meeting as calendars have it now: taken before a change, for the notice."""
    from .selectors import meeting_event  # selectors import the services, which import us

    return meeting_event(meeting)


def meeting_calendar_change(*, meeting: NetworkMeeting, cancelled: bool,
                            before: CalendarEvent | None = None) -> int:
    """A confirmed meeting moved or cancelled: the usual email, now through the
    once-only log with an updated .ics (same UID as the feed, SEQUENCE raised,
    METHOD REQUEST or CANCEL) — ``lib.calendar_notices``."""
    from .selectors import meeting_event

    template = "meeting_cancelled" if cancelled else "meeting_confirmed"
    return calendar_change_notify(CalendarChange(
        organisation=meeting.group.plan.programme.organisation,
        key=f"networks-meeting-{meeting.uuid}", events=lambda: [meeting_event(meeting)],
        cancelled=cancelled, before=before,
        recipients=[NoticeRecipient(u) for u in _recipients(meeting)],
        template_base=f"networks/emails/{template}",
        context={**_meeting_context(meeting), "changed": not cancelled}))


def poll_changed(*, meeting: NetworkMeeting) -> None:
    """Tell the members that a proposed meeting moved and their old answers are gone."""
    context = _meeting_context(meeting)
    for user in User.objects.filter(leader__network_memberships__group_id=meeting.group_id,
                                     is_active=True).order_by("pk"):
        _send(user, "poll_changed", context)


def poll_invitation(*, user: User, group: NetworkGroup, meetings: list[NetworkMeeting]) -> None:
    _send(user, "poll_invitation", {
        "group": group, "meetings": meetings,
        "group_url": absolute_url(reverse("networks:group_detail", args=[group.uuid])),
    })
