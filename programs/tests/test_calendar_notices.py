"""Change notices for sessions, gatherings and modules: an updated .ics with the feed's UID,
SEQUENCE raised, METHOD REQUEST / CANCEL, VTIMEZONE, TENTATIVE for the waiting list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar

from lib.dates import format_date
from lib.models import CalendarSequence, SentReminder
from lib.tasks import reminder_send
from lib.testing import assert_queries_stable, assert_refused
from programs.models import EnrollmentStatus, ModuleStatus
from programs.selectors import session_event
from programs.services import calendar as calendar_services
from tests.factories import LeaderFactory, UserFactory

from .factories import (
    EnrollmentFactory,
    GatheringFactory,
    ModuleSessionFactory,
    ProgrammeParticipantFactory,
    today,
)

pytestmark = pytest.mark.django_db


def _calendar(content: bytes | str) -> Calendar:
    return Calendar.from_ical(content)


def _event(content: bytes | str):
    (event,) = _calendar(content).walk("VEVENT")
    return event


def _next_monday(days_ahead: int) -> dt.date:
    day = today() + dt.timedelta(days=days_ahead)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


@pytest.fixture
def people(personas, module, facilitator):
    """Bob seated, Nora (nynorsk) on the waiting list, Frode facilitating every session."""
    EnrollmentFactory(module=module, leader=personas.bob_leader, status=EnrollmentStatus.SEATED,
                      decided_at=timezone.now(), seated_at=timezone.now())
    nora = LeaderFactory(organisation=personas.org_a, user__full_name="Nora Venteliste",
                         user__email="nora@askvik.example", user__language="nn")
    EnrollmentFactory(module=module, leader=nora, status=EnrollmentStatus.WAITING,
                      decided_at=timezone.now())
    for session in module.sessions.all():
        session.facilitators.add(facilitator)
    return nora.user


def _move(session, *, actor, date, place="Kulturhuset"):
    before = session_event(session)
    session.date, session.place = date, place
    session.save()
    return calendar_services.session_moved(session=session, before=before, actor=actor)


def _mail_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_moved_session_sends_an_update_with_the_feeds_uid(client, personas, module, people,
                                                          facilitator, committed):
    session = module.sessions.order_by("date").first()
    client.force_login(personas.bob)
    download = _event(client.get(reverse("programs:session_ics", args=[session.uuid])).content)
    assert download["SEQUENCE"] == 0
    with committed():
        assert _move(session, actor=personas.alice, date=_next_monday(40)) == 3
    assert len(mail.outbox) == 3
    (message,) = _mail_to(personas.bob)
    (attachment,) = message.attachments
    assert attachment.mimetype == "text/calendar; method=REQUEST"
    assert b'text/calendar; method="REQUEST"' in message.message().as_bytes()
    calendar = _calendar(attachment.content)
    assert calendar["METHOD"] == "REQUEST"
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Oslo" and zone.walk("DAYLIGHT") and zone.walk("STANDARD")
    event = _event(attachment.content)
    assert event["UID"] == download["UID"]
    assert event["SEQUENCE"] == 1
    assert event["STATUS"] == "CONFIRMED"
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert event.decoded("DTSTART") == session.start
    assert str(event["LOCATION"]) == "Kulturhuset"
    # The facilitator is certain too; the waiting list is tentative.
    assert _event(_mail_to(facilitator)[0].attachments[0].content)["STATUS"] == "CONFIRMED"
    assert _event(_mail_to(people)[0].attachments[0].content)["STATUS"] == "TENTATIVE"
    # The feed and the download now carry the same, raised SEQUENCE.
    again = _event(client.get(reverse("programs:session_ics", args=[session.uuid])).content)
    assert (again["UID"], again["SEQUENCE"]) == (download["UID"], 1)
    feed = client.get(reverse("accounts:calendar_feed",
                              kwargs={"token": personas.bob.calendar_token})).content
    (in_feed,) = [e for e in _calendar(feed).walk("VEVENT") if e["UID"] == download["UID"]]
    assert in_feed["SEQUENCE"] == 1 and in_feed.decoded("DTSTART") == session.start
    assert _calendar(feed).walk("VTIMEZONE")


def test_each_change_raises_the_sequence_once(personas, module, people, committed):
    session = module.sessions.order_by("date").first()
    with committed():
        _move(session, actor=personas.alice, date=_next_monday(40))
        _move(session, actor=personas.alice, date=_next_monday(50))
    assert CalendarSequence.objects.get(uid=f"programs-session-{session.uuid}").sequence == 2
    sequences = sorted(_event(m.attachments[0].content)["SEQUENCE"] for m in
                       _mail_to(personas.bob))
    assert sequences == [1, 2]


def test_nynorsk_reader_gets_nynorsk(personas, module, people, committed):
    session = module.sessions.order_by("date").first()
    monday = _next_monday(40)
    with committed():
        _move(session, actor=personas.alice, date=monday)
    (message,) = _mail_to(people)
    with translation.override("nn"):
        weekday = format_date(monday, "WEEKDAY_DATE_FORMAT")
        subject = gettext("Changed: %(title)s") % {"title": session_event(session).summary}
    with translation.override("nb"):
        bokmal = format_date(monday, "WEEKDAY_DATE_FORMAT")
    assert weekday != bokmal  # måndag / mandag
    assert weekday in message.body and weekday in message.alternatives[0][0]
    assert message.subject == subject


def test_a_notice_sent_twice_by_the_task_goes_once(personas, module, people, committed):
    session = module.sessions.order_by("date").first()
    with committed():
        _move(session, actor=personas.alice, date=_next_monday(40))
    row = SentReminder.objects.get(recipient=personas.bob, kind="calendar_notice")
    assert len(_mail_to(personas.bob)) == 1  # sent by the job queued at commit
    mail.outbox.clear()
    assert reminder_send.apply(args=[row.pk]).get() == "sent"
    assert mail.outbox == []  # a redelivered job finds the row sent
    # A job that finds the row still pending sends it; the second run does not.
    SentReminder.objects.filter(pk=row.pk).update(status="pending", sent_at=None)
    reminder_send.apply(args=[row.pk])
    reminder_send.apply(args=[row.pk])
    assert len(_mail_to(personas.bob)) == 1


def test_the_same_change_is_announced_once(personas, module, people, committed):
    """Queueing the same (uid, sequence) again hits the once-only log."""
    from lib.calendar_notices import CalendarChange, NoticeRecipient, calendar_change_notify

    session = module.sessions.order_by("date").first()
    with committed():
        _move(session, actor=personas.alice, date=_next_monday(40))
    CalendarSequence.objects.filter(uid=f"programs-session-{session.uuid}").update(sequence=0)
    change = CalendarChange(organisation=personas.org_a, key=f"programs-session-{session.uuid}",
                            events=lambda: [session_event(session)],
                            recipients=[NoticeRecipient(personas.bob)])
    with committed():
        assert calendar_change_notify(change) == 0
    assert len(_mail_to(personas.bob)) == 1


def test_a_past_session_is_not_announced(personas, module, people, committed):
    session = module.sessions.order_by("date").first()
    session.date = today() - dt.timedelta(days=10)
    session.save()
    with committed():
        assert _move(session, actor=personas.alice, date=today() - dt.timedelta(days=9)) == 0
    assert mail.outbox == []
    assert CalendarSequence.objects.get(uid=f"programs-session-{session.uuid}").sequence == 1


def test_a_change_the_calendar_would_not_show_tells_nobody(personas, module, people,
                                                           committed):
    session = module.sessions.order_by("date").first()
    before = session_event(session)
    session.theme = "Ny tittel på innhold"
    session.save()
    with committed():
        assert calendar_services.session_moved(session=session, before=before,
                                               actor=personas.alice) == 0
    assert mail.outbox == [] and not CalendarSequence.objects.exists()


def test_cancelled_module_cancels_every_session_ahead(client, personas, module, people,
                                                      committed):
    with committed():
        assert calendar_services.module_cancel(module=module, actor=personas.alice) == 3
    module.refresh_from_db()
    assert module.status == ModuleStatus.CANCELLED
    (message,) = _mail_to(personas.bob)
    assert len(message.attachments) == 3  # one iTIP calendar per session
    uids = set()
    for attachment in message.attachments:
        assert attachment.mimetype == "text/calendar; method=CANCEL"
        assert _calendar(attachment.content)["METHOD"] == "CANCEL"
        event = _event(attachment.content)
        assert (event["STATUS"], event["SEQUENCE"]) == ("CANCELLED", 1)
        uids.add(str(event["UID"]))
    # The feed keeps the sessions, cancelled, with the same UID and SEQUENCE.
    feed = client.get(reverse("accounts:calendar_feed",
                              kwargs={"token": personas.bob.calendar_token})).content
    in_feed = {str(e["UID"]): e for e in _calendar(feed).walk("VEVENT")}
    assert uids <= set(in_feed)
    assert {(in_feed[u]["STATUS"], in_feed[u]["SEQUENCE"]) for u in uids} == {("CANCELLED", 1)}
    assert_refused("already_cancelled",
                   lambda: calendar_services.module_cancel(module=module, actor=personas.alice))


def test_waiting_list_sessions_are_tentative_in_the_feed(client, people, module):
    feed = client.get(reverse("accounts:calendar_feed",
                              kwargs={"token": people.calendar_token})).content
    statuses = {str(e["STATUS"]) for e in _calendar(feed).walk("VEVENT")}
    assert statuses == {"TENTATIVE"}


def test_draft_module_tells_nobody(personas, module, people, committed):
    module.status = ModuleStatus.DRAFT
    module.save()
    session = module.sessions.order_by("date").first()
    with committed():
        assert _move(session, actor=personas.alice, date=_next_monday(40)) == 0
    assert mail.outbox == []


def test_admin_change_form_announces_a_moved_session(client, personas, module, people,
                                                     committed):
    session = module.sessions.order_by("date").first()
    client.force_login(personas.alice)
    url = reverse("admin:programs_modulesession_change", args=[session.pk])
    new_date = _next_monday(40)
    data = {"module": module.pk, "theme": session.theme, "date": new_date.isoformat(),
            "starts_at": "10:00", "ends_at": "13:00", "place": session.place,
            "video_url": "", "facilitators": [u.pk for u in session.facilitators.all()]}
    with committed():
        response = client.post(url, data)
    assert response.status_code == 302, getattr(response, "context_data", {}).get(
        "adminform") and response.context_data["adminform"].form.errors
    event = _event(_mail_to(personas.bob)[0].attachments[0].content)
    assert event.decoded("DTSTART").hour == 10 and event["SEQUENCE"] == 1


def test_admin_deleting_a_gathering_cancels_it(client, personas, committed, facilitator):
    participation = ProgrammeParticipantFactory(programme__organisation=personas.org_a,
                                                leader=personas.bob_leader)
    gathering = GatheringFactory(programme=participation.programme, theme="Relasjonsledelse")
    gathering.advisers.add(facilitator)
    client.force_login(personas.alice)
    url = reverse("admin:programs_gathering_delete", args=[gathering.pk])
    with committed():
        assert client.post(url, {"post": "yes"}).status_code == 302
    for user in (personas.bob, facilitator):
        (message,) = _mail_to(user)
        event = _event(message.attachments[0].content)
        assert event["STATUS"] == "CANCELLED"
        assert str(event["UID"]).startswith(f"programs-gathering-{gathering.uuid}@")


def test_moved_gathering_tells_participants(personas, committed):
    from programs.selectors import gathering_event

    participation = ProgrammeParticipantFactory(programme__organisation=personas.org_a,
                                                leader=personas.bob_leader)
    gathering = GatheringFactory(programme=participation.programme)
    before = gathering_event(gathering)
    gathering.starts_at = dt.time(10)
    gathering.save()
    with committed():
        assert calendar_services.gathering_moved(gathering=gathering, before=before,
                                                 actor=personas.alice) == 1
    assert _event(_mail_to(personas.bob)[0].attachments[0].content)["SEQUENCE"] == 1


def test_feed_query_count_is_stable(client, personas, module, people, committed):
    """The feed: user, each source's query, and one for the SEQUENCEs of all its events."""
    def grow(n):
        for _ in range(n):
            extra = ModuleSessionFactory(module__programme__organisation=personas.org_a)
            EnrollmentFactory(module=extra.module, leader=personas.bob_leader,
                              status=EnrollmentStatus.SEATED, decided_at=timezone.now(),
                              seated_at=timezone.now())
            with committed():
                _move(extra, actor=personas.alice, date=_next_monday(45))

    url = reverse("accounts:calendar_feed", kwargs={"token": personas.bob.calendar_token})
    assert_queries_stable(lambda: client.get(url), grow=grow)


def test_a_module_with_enrolments_is_not_deleted_in_the_admin(client, personas, module, people):
    """Deleting would take Bob's seat and Nora's place in the queue without a word; the
    admin refuses and says to cancel instead (which tells them)."""
    client.force_login(personas.alice)
    url = reverse("admin:programs_module_delete", args=[module.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "En modul med påmeldinger kan ikke slettes." in page.content.decode()  # Alice: nb
    client.post(url, {"post": "yes"})
    changelist = reverse("admin:programs_module_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [module.pk],
                             "post": "yes"})
    assert module.enrollments.count() == 2 and module.sessions.count() == 3
    assert mail.outbox == []
    module.refresh_from_db()  # still there


def test_not_even_a_superuser_deletes_an_enrolled_module(client, personas, module, people):
    root = UserFactory(organisation=None, is_superuser=True, email="drift@example.no")
    client.force_login(root)
    url = reverse("admin:programs_module_delete", args=[module.pk])
    page = client.get(url).content.decode()
    assert "Nora Venteliste" in page  # the enrolments are listed as what stands in the way
    client.post(url, {"post": "yes"})
    assert module.enrollments.count() == 2
    assert mail.outbox == []


def test_deleting_a_module_nobody_enrolled_in_tells_its_facilitators(
        client, personas, module, facilitator, committed):
    for session in module.sessions.all():
        session.facilitators.add(facilitator)
    client.force_login(personas.alice)
    with committed():
        response = client.post(reverse("admin:programs_module_delete", args=[module.pk]),
                               {"post": "yes"})
    assert response.status_code == 302
    assert not type(module).objects.filter(pk=module.pk).exists()
    (message,) = _mail_to(facilitator)
    assert {a.mimetype for a in message.attachments} == {"text/calendar; method=CANCEL"}
    assert len(message.attachments) == 3


def test_the_database_refuses_to_delete_an_enrolled_module(personas, module, people):
    from django.db import IntegrityError, connection, transaction

    module.sessions.all().delete()  # only the enrolments are left pointing at it
    with pytest.raises(IntegrityError) as refused, transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("DELETE FROM programs_module WHERE id = %s", [module.pk])
        connection.check_constraints()
    assert "programs_enrollment" in str(refused.value)

