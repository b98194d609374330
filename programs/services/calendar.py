"""Moving and cancelling sessions, gatherings and modules: the calendar side.

O&F edit dates, times and places in the admin; the admin calls these after its
save (moved) or before its delete (cancelled), inside the same transaction, so
the SEQUENCE, the audit entry and the notices stand or fall with the change.
Who is told: a module's seated leaders (CONFIRMED), its waiting list
(TENTATIVE) and the session's facilitators; a gathering's programme
participants and advisers. A draft module tells nobody. The plumbing is
``lib.calendar_notices``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from lib.audit import audit_log
from lib.calendar_notices import CalendarChange, NoticeRecipient, calendar_change_notify, is_moved
from lib.emails import absolute_url
from lib.ical import CalendarEvent

from ..models import Enrollment, EnrollmentStatus, Gathering, Module, ModuleSession, ModuleStatus
from ..selectors import gathering_event, module_key, session_event


def _module_recipients(module: Module, facilitators: list[User]) -> list[NoticeRecipient]:
    """Seated first, then facilitators, then the waiting list: a person is told once,
    and a seat or a facilitator's role outranks a waiting-list place."""
    rows = list(Enrollment.objects.filter(
        module=module, status__in=[EnrollmentStatus.SEATED, EnrollmentStatus.WAITING])
        .select_related("leader__user").order_by("decided_at", "pk"))
    return ([NoticeRecipient(e.leader.user) for e in rows if e.status == EnrollmentStatus.SEATED]
            + [NoticeRecipient(u) for u in facilitators]
            + [NoticeRecipient(e.leader.user, tentative=True)
               for e in rows if e.status == EnrollmentStatus.WAITING])


def _module_url(module: Module) -> str:
    return absolute_url(reverse("programs:module_detail", args=[module.uuid]))


def _session_change(session: ModuleSession, *, cancelled: bool,
                    before: CalendarEvent | None = None) -> int:
    module = session.module
    if module.status != ModuleStatus.PUBLISHED:
        return 0
    return calendar_change_notify(CalendarChange(
        organisation=module.programme.organisation, key=f"programs-session-{session.uuid}",
        events=lambda: [session_event(session)], cancelled=cancelled, before=before,
        recipients=_module_recipients(module, list(session.facilitators.all())),
        url=_module_url(module)))


@transaction.atomic
def session_moved(*, session: ModuleSession, before: CalendarEvent,
                  actor: User | None) -> int:
    """After a session's date, time or place was saved: raise its SEQUENCE and tell the
    module's leaders and facilitators. Nothing happens if the calendar would not
    change. Returns the notices queued."""
    if not is_moved(before, session_event(session)):
        return 0
    audit_log(organisation=session.module.programme.organisation, actor=actor,
              action="programs.session.moved", obj=session,
              summary=_("%(session)s moved") % {"session": session},
              data={"from": before.start.isoformat(), "to": session.start.isoformat()})
    return _session_change(session, cancelled=False, before=before)


@transaction.atomic
def session_cancel(*, session: ModuleSession, actor: User | None) -> int:
    """Before a session is deleted: tell everyone concerned it is cancelled."""
    audit_log(organisation=session.module.programme.organisation, actor=actor,
              action="programs.session.cancelled", obj=session,
              summary=_("%(session)s cancelled") % {"session": session})
    return _session_change(session, cancelled=True)


@transaction.atomic
def module_cancel(*, module: Module, actor: User | None) -> int:
    """Cancel a published module: its sessions stay in the feeds as CANCELLED and
    every seated, waiting and facilitating person gets one notice with a
    cancellation for each session still ahead. Refused for a module already
    cancelled (``already_cancelled``)."""
    module = (Module.objects.select_for_update(of=("self",))
              .select_related("programme__organisation").get(pk=module.pk))
    if module.status == ModuleStatus.CANCELLED:
        raise ValidationError(_("The module is already cancelled."), code="already_cancelled")
    was_published = module.status == ModuleStatus.PUBLISHED
    module.status = ModuleStatus.CANCELLED
    module.save(update_fields=["status"])
    audit_log(organisation=module.programme.organisation, actor=actor,
              action="programs.module.cancelled", obj=module,
              summary=_("%(module)s cancelled") % {"module": module.topic})
    if not was_published:
        return 0
    sessions = list(module.sessions.select_related("module__programme")
                    .prefetch_related("facilitators").order_by("date", "starts_at"))
    facilitators = {u.pk: u for s in sessions for u in s.facilitators.all()}
    return calendar_change_notify(CalendarChange(
        organisation=module.programme.organisation, key=module_key(module),
        events=lambda: [session_event(s) for s in sessions], cancelled=True,
        recipients=_module_recipients(module, list(facilitators.values())),
        title=module.topic, url=_module_url(module)))


def _gathering_change(gathering: Gathering, *, cancelled: bool,
                      before: CalendarEvent | None = None) -> int:
    programme = gathering.programme
    recipients = ([NoticeRecipient(leader.user) for leader in
                   programme.participants.select_related("user").order_by("pk")]
                  + [NoticeRecipient(u) for u in gathering.advisers.all()])
    return calendar_change_notify(CalendarChange(
        organisation=programme.organisation, key=f"programs-gathering-{gathering.uuid}",
        events=lambda: [gathering_event(gathering)], cancelled=cancelled, before=before,
        recipients=recipients,
        url=absolute_url(reverse("programs:programme_detail", args=[programme.slug]))))


@transaction.atomic
def gathering_moved(*, gathering: Gathering, before: CalendarEvent,
                    actor: User | None) -> int:
    """After a gathering's date, time or place was saved: tell participants and advisers."""
    if not is_moved(before, gathering_event(gathering)):
        return 0
    audit_log(organisation=gathering.programme.organisation, actor=actor,
              action="programs.gathering.moved", obj=gathering,
              summary=_("%(gathering)s moved") % {"gathering": gathering},
              data={"from": before.start.isoformat(), "to": gathering.start.isoformat()})
    return _gathering_change(gathering, cancelled=False, before=before)


@transaction.atomic
def gathering_cancel(*, gathering: Gathering, actor: User | None) -> int:
    """Before a gathering is deleted: tell participants and advisers it is cancelled."""
    audit_log(organisation=gathering.programme.organisation, actor=actor,
              action="programs.gathering.cancelled", obj=gathering,
              summary=_("%(gathering)s cancelled") % {"gathering": gathering})
    return _gathering_change(gathering, cancelled=True)
