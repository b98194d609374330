"""Issue 21, items 1–4 and 20: the enrolment journeys as a leader, an approver and O&F walk them.

Personas: Bob (leader in A) and his leader above Berit; Alice (O&F of A).
Texts are asserted in English (the reader's language set to ``en``) where a
new sentence is the point; everything else by code or outcome.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from lib.testing import assert_queries_stable, assert_refused
from programs import services
from programs.models import Audience, Enrollment, EnrollmentStatus, Term
from tests.factories import LeaderFactory

from .conftest import make_module
from .factories import EnrollmentFactory, ModuleSessionFactory, today

pytestmark = pytest.mark.django_db


def _english(*users):
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


def _detail(enrollment):
    return reverse("programs:enrollment_detail", args=[enrollment.uuid])


def _cancel(enrollment):
    return reverse("programs:enrollment_cancel", args=[enrollment.uuid])


# --- 1. the approver decides, never withdraws ----------------------------------------------

def test_approver_page_has_no_withdraw_control_before_or_after_approving(
        client, personas, request_of_bob):
    boss = personas.boss_leader.user
    client.force_login(boss)
    page = client.get(_detail(request_of_bob)).content.decode()
    assert reverse("programs:enrollment_approve", args=[request_of_bob.uuid]) in page
    assert reverse("programs:enrollment_decline", args=[request_of_bob.uuid]) in page
    assert _cancel(request_of_bob) not in page
    services.enrollment_approve(enrollment=request_of_bob, actor=boss)
    page = client.get(_detail(request_of_bob)).content.decode()
    assert _cancel(request_of_bob) not in page
    assert "Trekk søknaden" not in page and "Meld deg av" not in page


def test_approver_cannot_reach_or_post_the_withdrawal(client, personas, request_of_bob):
    boss = personas.boss_leader.user
    services.enrollment_approve(enrollment=request_of_bob, actor=boss)
    client.force_login(boss)
    assert client.get(_cancel(request_of_bob)).status_code == 403
    assert client.post(_cancel(request_of_bob), {"confirm": "1",
                                                 "reason": "Trengs på jobb"}).status_code == 403
    request_of_bob.refresh_from_db()
    assert request_of_bob.status == EnrollmentStatus.SEATED


def test_service_refuses_the_approver_and_needs_a_reason_from_oaf(personas, request_of_bob):
    assert_refused("permission_denied", lambda: services.enrollment_cancel(
        enrollment=request_of_bob, actor=personas.boss_leader.user))
    assert_refused("reason_required", lambda: services.enrollment_cancel(
        enrollment=request_of_bob, actor=personas.alice, reason="  \n "))
    assert Enrollment.objects.get(pk=request_of_bob.pk).status == EnrollmentStatus.REQUESTED


def test_leader_withdraws_after_a_confirmation_step(client, personas, request_of_bob):
    client.force_login(personas.bob)
    page = client.get(_detail(request_of_bob)).content.decode()
    assert _cancel(request_of_bob) in page
    confirm = client.get(_cancel(request_of_bob))
    assert confirm.status_code == 200
    assert Enrollment.objects.get(pk=request_of_bob.pk).status == EnrollmentStatus.REQUESTED
    response = client.post(_cancel(request_of_bob), {"confirm": "1"})
    assert response.status_code == 302
    assert Enrollment.objects.get(pk=request_of_bob.pk).status == EnrollmentStatus.CANCELLED


def test_oaf_cancels_on_behalf_with_a_reason_and_the_leader_is_told_who_and_why(
        client, personas, request_of_bob, committed):
    _english(personas.bob)
    client.force_login(personas.alice)
    refused = client.post(_cancel(request_of_bob), {"reason": ""})
    assert refused.status_code == 400
    assert Enrollment.objects.get(pk=request_of_bob.pk).status == EnrollmentStatus.REQUESTED
    mail.outbox.clear()
    with committed():
        response = client.post(_cancel(request_of_bob),
                               {"reason": "Modulen kolliderer med\nturnusplanen."})
    assert response.status_code == 302
    request_of_bob.refresh_from_db()
    assert request_of_bob.status == EnrollmentStatus.CANCELLED
    assert request_of_bob.cancel_reason == "Modulen kolliderer med\nturnusplanen."
    [message] = [m for m in mail.outbox if m.to == [personas.bob.email]]
    assert "Alice Admin" in message.body and "turnusplanen" in message.body
    assert "turnusplanen" in message.alternatives[0][0]


def test_admin_cancel_action_asks_for_the_reason_first(client, personas, request_of_bob):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    client.force_login(personas.alice)
    url = reverse("admin:programs_enrollment_changelist")
    page = client.post(url, {"action": "cancel", ACTION_CHECKBOX_NAME: [request_of_bob.pk]})
    assert page.status_code == 200 and b'name="reason"' in page.content
    assert Enrollment.objects.get(pk=request_of_bob.pk).status == EnrollmentStatus.REQUESTED
    client.post(url, {"action": "cancel", ACTION_CHECKBOX_NAME: [request_of_bob.pk],
                      "reason": "Sluttet i kommunen"})
    request_of_bob.refresh_from_db()
    assert request_of_bob.status == EnrollmentStatus.CANCELLED
    assert request_of_bob.cancel_reason == "Sluttet i kommunen"


# --- 2. declining with a reason, confirmed; facts; several at once -------------------------

def test_decline_asks_for_confirmation_then_sends_the_reason(client, personas, request_of_bob,
                                                             committed):
    boss = personas.boss_leader.user
    client.force_login(boss)
    url = reverse("programs:enrollment_decline", args=[request_of_bob.uuid])
    first = client.post(url, {"reason": "Ikke i år – vi har\nturnusbytte."})
    assert first.status_code == 200 and b'name="confirm"' in first.content
    assert Enrollment.objects.get(pk=request_of_bob.pk).status == EnrollmentStatus.REQUESTED
    mail.outbox.clear()
    with committed():
        client.post(url, {"reason": "Ikke i år – vi har\nturnusbytte.", "confirm": "1"})
    request_of_bob.refresh_from_db()
    assert request_of_bob.status == EnrollmentStatus.DECLINED
    assert request_of_bob.decision_note == "Ikke i år – vi har\nturnusbytte."
    [message] = [m for m in mail.outbox if m.to == [personas.bob.email]]
    assert "turnusbytte" in message.body


def test_approver_sees_seats_waiting_list_and_other_modules(client, personas, request_of_bob):
    boss = personas.boss_leader.user
    _english(boss)
    earlier = make_module(personas.org_a, topic="Kommunikasjon å lære", year=today().year + 1)
    services.enrollment_enrol(module=earlier, leader=personas.bob_leader, actor=personas.alice)
    client.force_login(boss)
    page = client.get(_detail(request_of_bob)).content.decode()
    assert "Seats left now" in page and "20 of 20" in page
    assert "On the waiting list" in page
    assert "Kommunikasjon å lære" in page


def _value(enrollment, step=1):
    """The approver's list names the kind, the request and the step seen."""
    return f"programs.enrollment:{enrollment.pk}:{step}"


def _pending_requests(personas, n, module=None):
    module = module or make_module(personas.org_a, topic="Relasjonsledelse")
    area = personas.boss_leader.unit
    return [EnrollmentFactory(module=module, leader=LeaderFactory(
        organisation=personas.org_a, unit=area, leader_above=personas.boss_leader))
        for _ in range(n)]


def test_approver_approves_several_at_once_through_the_seat_rules(client, personas):
    module = make_module(personas.org_a, topic="Strategisk ledelse", capacity=2)
    rows = _pending_requests(personas, 3, module)
    client.force_login(personas.boss_leader.user)
    response = client.post(reverse("programs:approvals"),
                           {"requests": [_value(r) for r in rows], "decision": "approve"})
    assert response.status_code == 302
    statuses = sorted(Enrollment.objects.filter(pk__in=[r.pk for r in rows])
                      .values_list("status", flat=True))
    assert statuses == [EnrollmentStatus.SEATED, EnrollmentStatus.SEATED,
                        EnrollmentStatus.WAITING]


def test_bulk_decline_needs_confirmation_and_gives_each_the_reason(client, personas):
    rows = _pending_requests(personas, 2)
    client.force_login(personas.boss_leader.user)
    url = reverse("programs:approvals")
    data = {"requests": [_value(r) for r in rows], "decision": "decline",
            "reason": "Budsjettet"}
    assert client.post(url, data).status_code == 200
    assert set(Enrollment.objects.filter(pk__in=[r.pk for r in rows])
               .values_list("status", flat=True)) == {EnrollmentStatus.REQUESTED}
    client.post(url, {**data, "confirm": "1"})
    assert set(Enrollment.objects.filter(pk__in=[r.pk for r in rows])
               .values_list("status", "decision_note")) == {
        (EnrollmentStatus.DECLINED, "Budsjettet")}


def test_bulk_form_refuses_a_request_that_is_not_the_users(client, personas, other_leader):
    stranger = EnrollmentFactory(module=make_module(personas.org_a), leader=other_leader)
    client.force_login(personas.boss_leader.user)
    response = client.post(reverse("programs:approvals"),
                           {"requests": [_value(stranger)], "decision": "approve"})
    assert response.status_code == 400
    assert Enrollment.objects.get(pk=stranger.pk).status == EnrollmentStatus.REQUESTED


def test_approvals_page_queries_do_not_grow_with_requests(client, personas):
    client.force_login(personas.boss_leader.user)
    url = reverse("programs:approvals")
    # session, user, pending requests with leaders and modules, modules with seat counts,
    # the leaders' other enrolments — whatever the number of requests.
    assert_queries_stable(lambda: client.get(url),
                          grow=lambda n: _pending_requests(personas, n))


# --- 3. enrolment opening later; the programme page's links -------------------------------

def test_module_opening_later_says_when(client, personas):
    opens = today() + dt.timedelta(days=85)
    module = make_module(personas.org_a, topic="Mangfoldsledelse", enrolment_opens_on=opens,
                         enrolment_closes_on=opens + dt.timedelta(days=20),
                         cancellation_cutoff_on=opens + dt.timedelta(days=30))
    _english(personas.bob)
    client.force_login(personas.bob)
    from django.utils import translation
    with translation.override("en"):
        from django.utils.formats import date_format
        written = date_format(opens, "DATE_FORMAT")
    for url in (reverse("programs:module_detail", args=[module.uuid]),
                reverse("programs:module_list")):
        page = client.get(url).content.decode()
        assert f"Enrolment opens {written}" in page
        assert "Enrolment closed" not in page


def test_module_opening_later_in_bokmaal_writes_the_month(client, personas):
    module = make_module(personas.org_a, topic="Konflikthåndtering",
                         enrolment_opens_on=dt.date(today().year + 1, 3, 1),
                         enrolment_closes_on=dt.date(today().year + 1, 3, 20),
                         cancellation_cutoff_on=dt.date(today().year + 1, 3, 25))
    client.force_login(personas.bob)
    page = client.get(reverse("programs:module_detail", args=[module.uuid])).content.decode()
    assert f"1. mars {today().year + 1}" in page


def test_programme_page_links_only_modules_open_to_the_reader(client, personas, other_leader):
    _english(other_leader.user)
    open_module = make_module(personas.org_a, topic="Teamledelse for alle")
    programme = open_module.programme
    closed = make_module(personas.org_a, topic="Bare for Helse", audience=Audience.UNITS,
                         programme=programme)
    closed.audience_units.set([personas.boss_leader.unit])
    client.force_login(other_leader.user)
    page = client.get(reverse("programs:programme_detail", args=[programme.slug])).content.decode()
    assert reverse("programs:module_detail", args=[open_module.uuid]) in page
    assert reverse("programs:module_detail", args=[closed.uuid]) not in page
    assert "Only for leaders in Helse og velferd." in page
    # The link it does show opens; the one it hides would have been refused.
    assert client.get(reverse("programs:module_detail",
                              args=[open_module.uuid])).status_code == 200
    assert client.get(reverse("programs:module_detail", args=[closed.uuid])).status_code == 403


# --- 4. held talent seats explained ---------------------------------------------------------

def test_held_talent_seats_are_explained_beside_the_waiting_list(client, personas):
    release = today() + dt.timedelta(days=45)
    module = make_module(personas.org_a, topic="Talentmodul", capacity=2, talent_seats=1,
                         talent_seats_release_on=release)
    first = LeaderFactory(organisation=personas.org_a)
    services.enrollment_enrol(module=module, leader=first, actor=personas.alice)
    services.enrollment_enrol(module=module, leader=personas.bob_leader, actor=personas.alice)
    assert Enrollment.objects.get(module=module, leader=personas.bob_leader).status \
        == EnrollmentStatus.WAITING
    _english(personas.bob)
    client.force_login(personas.bob)
    from django.utils import translation
    from django.utils.formats import date_format
    with translation.override("en"):
        written = date_format(release, "DATE_FORMAT")
    page = client.get(reverse("programs:module_detail", args=[module.uuid])).content.decode()
    assert "1 of 2 seats left" in page
    assert f"1 of the seats left is held for the talent programme until {written}" in page


# --- 20. module validation --------------------------------------------------------------

def _errors(module):
    with pytest.raises(ValidationError) as exc:
        module.full_clean()
    return {field: [e.code for e in errors] for field, errors in exc.value.error_dict.items()}


def test_session_outside_the_modules_semester_is_refused(personas):
    module = make_module(personas.org_a, term=Term.SPRING, year=2024,
                         enrolment_opens_on=dt.date(2023, 11, 1),
                         enrolment_closes_on=dt.date(2023, 12, 1),
                         cancellation_cutoff_on=dt.date(2024, 1, 10))
    module.sessions.all().delete()
    ModuleSessionFactory(module=module, date=dt.date(2024, 2, 12))
    ModuleSessionFactory(module=module, date=dt.date(2024, 3, 12))
    module.full_clean()
    late = ModuleSessionFactory.build(module=module, date=dt.date(2027, 3, 3))
    with pytest.raises(ValidationError) as exc:
        late.full_clean()
    assert [e.code for e in exc.value.error_dict["date"]] == ["session_outside_semester"]
    late.save()
    assert _errors(module) == {"year": ["session_outside_semester"]}


def test_cancellation_cutoff_before_enrolment_opens_is_refused(personas, module):
    module.cancellation_cutoff_on = module.enrolment_opens_on - dt.timedelta(days=1)
    assert _errors(module) == {"cancellation_cutoff_on": ["cutoff_before_enrolment"]}


def test_more_sessions_to_complete_than_sessions_is_refused(personas, module):
    module.min_sessions_attended = 4
    assert _errors(module) == {"min_sessions_attended": ["completion_over_sessions"]}
    module.min_sessions_attended = 3
    module.full_clean()


def test_admin_form_judges_the_sessions_being_entered(client, personas):
    module = make_module(personas.org_a, topic="Endringsledelse", min_sessions_attended=2)
    client.force_login(personas.alice)
    url = reverse("admin:programs_module_change", args=[module.pk])
    sessions = list(module.sessions.order_by("date"))
    data = {
        "programme": module.programme_id, "topic": module.topic, "description": "",
        "term": module.term, "year": module.year, "status": module.status,
        "audience": module.audience, "capacity": 20, "waiting_list_limit": "",
        "talent_seats": 0, "talent_seats_release_on": "",
        "enrolment_opens_on": module.enrolment_opens_on.isoformat(),
        "enrolment_closes_on": module.enrolment_closes_on.isoformat(),
        "cancellation_cutoff_on": module.cancellation_cutoff_on.isoformat(),
        "min_sessions_attended": 3,
        "sessions-TOTAL_FORMS": 3, "sessions-INITIAL_FORMS": 3,
        "sessions-MIN_NUM_FORMS": 0, "sessions-MAX_NUM_FORMS": 1000,
        "accounts-approvalstep-content_type-object_id-TOTAL_FORMS": 0,  # approval steps
        "accounts-approvalstep-content_type-object_id-INITIAL_FORMS": 0,
    }
    for n, session in enumerate(sessions):
        data.update({f"sessions-{n}-id": session.pk, f"sessions-{n}-module": module.pk,
                     f"sessions-{n}-date": session.date.isoformat(),
                     f"sessions-{n}-starts_at": "09:00", f"sessions-{n}-ends_at": "12:00",
                     f"sessions-{n}-theme": session.theme, f"sessions-{n}-place": "Rådhuset",
                     f"sessions-{n}-video_url": ""})
    # Three sessions, but one of them deleted in the same save: 3 to complete is too many.
    data["sessions-2-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "min_sessions_attended" in response.context["adminform"].form.errors
    module.refresh_from_db()
    assert module.min_sessions_attended == 2 and module.sessions.count() == 3
    del data["sessions-2-DELETE"]
    assert client.post(url, data).status_code == 302
    module.refresh_from_db()
    assert module.min_sessions_attended == 3


def test_after_the_cutoff_the_leader_is_told_instead_of_offered_a_button(client, personas,
                                                                         module, request_of_bob):
    services.enrollment_approve(enrollment=request_of_bob, actor=personas.alice)
    module.cancellation_cutoff_on = today() - dt.timedelta(days=1)
    module.enrolment_opens_on = today() - dt.timedelta(days=20)
    module.save()
    client.force_login(personas.bob)
    page = client.get(_detail(request_of_bob)).content.decode()
    assert _cancel(request_of_bob) not in page
    assert "Kontakt O&F hvis du ikke kan delta" in page
