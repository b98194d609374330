"""A group session moved or cancelled: the members, the head and the facilitator get
a calendar update (``lib.calendar_notices``), in the transaction of the change."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from lib.audit import audit_log
from lib.calendar_notices import CalendarChange, NoticeRecipient, calendar_change_notify, is_moved
from lib.ical import CalendarEvent

from ..calendar import session_event
from ..models import ProcessSession


def _recipients(session: ProcessSession) -> list[NoticeRecipient]:
    group = session.process.group
    users = [m.leader.user for m in group.memberships.select_related("leader__user")
             .order_by("pk")]
    users.append(group.head.user)
    if session.process.facilitator is not None:
        users.append(session.process.facilitator)
    return [NoticeRecipient(u) for u in users]


def _notify(session: ProcessSession, *, cancelled: bool, before: CalendarEvent | None) -> int:
    if session.is_held:
        return 0
    return calendar_change_notify(CalendarChange(
        organisation=session.process.group.organisation, key=f"groups-session-{session.pk}",
        events=lambda: [session_event(session)], cancelled=cancelled, before=before,
        recipients=_recipients(session), url=session_event(session).url))


@transaction.atomic
def session_moved(*, session: ProcessSession, before: CalendarEvent, actor: User | None) -> int:
    """After a session's time, length or place changed: raise its SEQUENCE and tell the
    group. A held session, or one the calendar would not show differently, tells
    nobody. Returns the notices queued."""
    if not is_moved(before, session_event(session)):
        return 0
    audit_log(organisation=session.process.group.organisation, actor=actor,
              action="groups.session.moved", obj=session,
              summary=_("%(session)s moved") % {"session": session},
              data={"from": before.start.isoformat(), "to": session.planned_at.isoformat()})
    return _notify(session, cancelled=False, before=before)


@transaction.atomic
def session_cancel(*, session: ProcessSession, actor: User | None) -> int:
    """Before a session is deleted: tell the group it is cancelled."""
    audit_log(organisation=session.process.group.organisation, actor=actor,
              action="groups.session.cancelled", obj=session,
              summary=_("%(session)s cancelled") % {"session": session})
    return _notify(session, cancelled=True, before=None)
