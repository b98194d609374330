"""Every coaching page: the owner can, a read-only member gets 403, an outsider gets 404.

Personas: bob owns the course; berit (boss_leader) is his leader above; cora
is his coach; alice is O&F of his municipality; charlie (O&F) and dora
(leader) are of another municipality; "stranger" is a leader of Bob's own
municipality with no role on the course.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.models import (
    AvailabilityException,
    Booking,
    BookingStatus,
    CoachingCourse,
    CourseStatus,
    ReflectionNote,
)
from tests.factories import LeaderFactory, UnitFactory

from .factories import BookingFactory, CoachFactory, CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def who(personas, setup):
    stranger = LeaderFactory(organisation=personas.org_a, user__full_name="Sara Fremmed")
    return {"bob": personas.bob, "boss": personas.boss_leader.user, "coach": setup.coach.user,
            "alice": personas.alice, "charlie": personas.charlie,
            "dora": personas.dora_leader.user, "stranger": stranger.user}


def _status(client, user, method, url, data=None):
    client.force_login(user)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    client.logout()
    return response.status_code


def _check(client, who, method, url, expected, data=None):
    got = {name: _status(client, who[name], method, url, data) for name in expected}
    assert got == expected


@pytest.fixture
def booking(setup):
    return BookingFactory(course=setup.course, starts_at=setup.slot(10))


def test_overview_lists_only_the_users_own_courses(client, who, setup):
    client.force_login(who["bob"])
    text = client.get(reverse("coaching:overview")).content.decode()
    assert reverse("coaching:course_detail", args=[setup.course.uuid]) in text
    client.force_login(who["charlie"])
    text = client.get(reverse("coaching:overview")).content.decode()
    assert str(setup.course.uuid) not in text


def test_apply_is_for_leaders(client, who, setup):
    _check(client, who, "get", reverse("coaching:apply"),
           {"bob": 200, "alice": 403, "charlie": 403, "dora": 200})


def test_course_detail_roles(client, who, setup):
    url = reverse("coaching:course_detail", args=[setup.course.uuid])
    _check(client, who, "get", url, {"bob": 200, "boss": 200, "coach": 200, "alice": 200,
                                     "stranger": 404, "charlie": 404, "dora": 404})


@pytest.mark.parametrize("name, method, data", [
    ("project_edit", "get", None),
    ("reflection_add", "post", {"body": "Notat"}),
    ("coach_choose", "get", None),
    ("booking_create", "get", None),
])
def test_leader_only_pages(client, who, setup, name, method, data):
    url = reverse(f"coaching:{name}", args=[setup.course.uuid])
    expected_owner = 302 if method == "post" else 200
    _check(client, who, method, url, {"bob": expected_owner, "boss": 403, "coach": 403,
                                      "alice": 403, "stranger": 404, "charlie": 404,
                                      "dora": 404}, data)


def test_withdraw(client, who, personas, setup):
    setup.course.status = CourseStatus.SUBMITTED
    setup.course.coach = None
    setup.course.save()
    url = reverse("coaching:course_withdraw", args=[setup.course.uuid])
    _check(client, who, "post", url, {"boss": 403, "alice": 403, "stranger": 404,
                                      "charlie": 404, "bob": 302})
    setup.course.refresh_from_db()
    assert setup.course.status == CourseStatus.WITHDRAWN


def test_decide(client, who, setup):
    setup.course.status = CourseStatus.SUBMITTED
    setup.course.coach = None
    setup.course.save()
    url = reverse("coaching:course_decide", args=[setup.course.uuid])
    _check(client, who, "get", url, {"boss": 200, "bob": 403, "alice": 403, "coach": 404,
                                     "stranger": 404, "charlie": 404})
    assert _status(client, who["boss"], "post", url, {"decision": "approve"}) == 302
    setup.course.refresh_from_db()
    assert setup.course.status == CourseStatus.APPROVED


def test_booking_pages(client, who, setup, booking):
    move = reverse("coaching:booking_reschedule", args=[booking.uuid])
    _check(client, who, "get", move, {"bob": 200, "coach": 403, "alice": 403, "boss": 404,
                                      "stranger": 404, "charlie": 404})
    cancel = reverse("coaching:booking_cancel", args=[booking.uuid])
    _check(client, who, "get", cancel, {"bob": 200, "coach": 200, "alice": 403, "boss": 404,
                                        "stranger": 404, "charlie": 404})
    ics = reverse("coaching:booking_ics", args=[booking.uuid])
    _check(client, who, "get", ics, {"bob": 200, "coach": 200, "alice": 200, "boss": 404,
                                     "stranger": 404, "charlie": 404, "dora": 404})


def test_booking_ics_is_a_calendar_file(client, who, booking):
    client.force_login(who["bob"])
    response = client.get(reverse("coaching:booking_ics", args=[booking.uuid]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "Cora Coach" in body


def test_mark_is_for_the_coach(client, who, setup):
    booking = BookingFactory(course=setup.course, starts_at=setup.slot(10))
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=setup.slot(10).replace(year=2020), ends_at=setup.slot(11).replace(year=2020))
    url = reverse("coaching:booking_mark", args=[booking.uuid])
    _check(client, who, "post", url, {"bob": 403, "alice": 403, "boss": 404, "stranger": 404,
                                      "charlie": 404}, {"status": "holdt"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert _status(client, who["coach"], "post", url, {"status": "holdt"}) == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD


def test_coach_calendar_pages(client, who, personas, setup):
    assert _status(client, who["coach"], "get", reverse("coaching:coach_home")) == 302
    assert _status(client, who["bob"], "get", reverse("coaching:coach_home")) == 403
    url = reverse("coaching:coach_calendar", args=[setup.coach.uuid])
    who = {**who, "other_coach": CoachFactory(organisation=personas.org_a,
                                              supplier=setup.coach.supplier).user}
    _check(client, who, "get", url, {"coach": 200, "alice": 200, "bob": 403, "stranger": 403,
                                     "other_coach": 403, "charlie": 404, "dora": 404})
    block = reverse("coaching:block_create", args=[setup.coach.uuid])
    data = {"date": setup.monday.isoformat(), "starts_at": "12:00", "ends_at": "13:00"}
    _check(client, who, "post", block, {"alice": 403, "bob": 403, "charlie": 404}, data)
    assert not AvailabilityException.objects.exists()
    assert _status(client, who["coach"], "post", block, data) == 302
    exception = AvailabilityException.objects.get()
    delete = reverse("coaching:block_delete", args=[exception.uuid])
    _check(client, who, "post", delete, {"alice": 403, "bob": 403, "charlie": 404})
    assert _status(client, who["coach"], "post", delete) == 302
    assert not AvailabilityException.objects.exists()


def test_alice_reads_the_coach_calendar_without_buttons(client, who, setup):
    BookingFactory(course=setup.course, starts_at=setup.slot(10))
    client.force_login(who["alice"])
    text = client.get(reverse("coaching:coach_calendar", args=[setup.coach.uuid])
                      + f"?uke={setup.monday.isoformat()}").content.decode()
    assert "Bob Leder" in text
    assert reverse("coaching:block_create", args=[setup.coach.uuid]) not in text
    assert "booking_mark" not in text and "/merk/" not in text


def test_state_changes_need_post(client, who, setup, booking):
    client.force_login(who["bob"])
    for url in (reverse("coaching:reflection_add", args=[setup.course.uuid]),
                reverse("coaching:course_withdraw", args=[setup.course.uuid]),
                reverse("coaching:booking_mark", args=[booking.uuid])):
        assert client.get(url).status_code == 405


# --- bad input through the pages: a clear message, nothing saved --------------------------


def _book_via_page(client, setup, start, mode="video"):
    # "confirm": the second step; the first only asks (coaching/tests/test_journeys.py).
    return client.post(reverse("coaching:booking_create", args=[setup.course.uuid]),
                       {"starts_at": start, "mode": mode, "confirm": "1"})


def test_booking_page_books_and_refuses_with_a_clear_message(client, who, setup):
    client.force_login(who["bob"])
    response = _book_via_page(client, setup, setup.slot(10).isoformat())
    assert response.status_code == 302
    assert Booking.objects.count() == 1
    response = _book_via_page(client, setup, setup.slot(10).replace(year=2020).isoformat())
    assert response.status_code == 200 and "Det tidspunktet er passert" in response.content.decode()
    response = _book_via_page(client, setup, setup.slot(20).isoformat())
    assert "Coachen jobber ikke på det tidspunktet" in response.content.decode()
    response = _book_via_page(client, setup, "i morgen klokka ti")
    assert "Velg et av tidspunktene i lista" in response.content.decode()
    response = _book_via_page(client, setup, setup.slot(11).isoformat(), mode="brevdue")
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert Booking.objects.count() == 1


def test_booking_someone_elses_course_through_the_page(client, who, personas, setup):
    other = CourseFactory(organisation=personas.org_a, agreement=setup.agreement,
                          coach=setup.coach)
    client.force_login(who["bob"])
    response = client.post(reverse("coaching:booking_create", args=[other.uuid]),
                           {"starts_at": setup.slot(10).isoformat(), "mode": "video"})
    assert response.status_code == 404
    assert not Booking.objects.exists()


def test_cancelling_someone_elses_booking_through_the_page(client, who, personas, setup):
    other = CourseFactory(organisation=personas.org_a, agreement=setup.agreement,
                          coach=setup.coach)
    booking = BookingFactory(course=other, starts_at=setup.slot(11))
    client.force_login(who["bob"])
    response = client.post(reverse("coaching:booking_cancel", args=[booking.uuid]))
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_reschedule_and_cancel_through_the_pages(client, who, setup, booking):
    client.force_login(who["bob"])
    page = client.get(reverse("coaching:booking_reschedule", args=[booking.uuid])
                      + f"?fra={setup.monday.isoformat()}").content.decode()
    assert setup.slot(9).isoformat() in page  # the free slot before it is offered
    response = client.post(reverse("coaching:booking_reschedule", args=[booking.uuid]),
                           {"starts_at": setup.slot(14).isoformat()})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == setup.slot(14)
    response = client.post(reverse("coaching:booking_cancel", args=[booking.uuid]),
                           follow=True)
    assert "Samtalen er avbestilt" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_apply_through_the_page(client, who, personas, setup):
    client.force_login(who["dora"])
    assert "Ingen coachingavtale dekker" in client.get(reverse("coaching:apply")).content.decode()
    client.force_login(who["bob"])
    page = client.get(reverse("coaching:apply"))
    semester = page.context["form"].fields["semester"].choices[0][0]
    foreign_unit = UnitFactory(organisation=personas.org_b)
    data = {"semester": semester, "ordering_unit": foreign_unit.pk,
            "discovery_method": "belbin", "leadership": "Tydelig"}
    response = client.post(reverse("coaching:apply"), data)
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert CoachingCourse.objects.count() == 1
    data["ordering_unit"] = personas.bob_leader.unit.pk
    data["semester"] = "vinter-1999"
    response = client.post(reverse("coaching:apply"), data)
    assert "error-summary" in response.content.decode()
    data["semester"] = semester
    response = client.post(reverse("coaching:apply"), data)
    assert response.status_code == 302
    assert CoachingCourse.objects.count() == 2


def test_reflection_note_through_the_page(client, who, setup):
    client.force_login(who["bob"])
    page = client.get(reverse("coaching:course_detail", args=[setup.course.uuid]))
    text = page.content.decode()
    url = reverse("coaching:reflection_add", args=[setup.course.uuid])
    # The owner's blank note form (kept per language): its label, its field, its action.
    assert f'action="{url}"' in text and 'name="body"' in text
    assert 'for="id_body"' in text and "Nytt refleksjonsnotat" in text
    client.force_login(who["coach"])  # the coach reads the notes but writes none
    text = client.get(reverse("coaching:course_detail", args=[setup.course.uuid])).content
    assert url.encode() not in text and b'name="body"' not in text
    client.force_login(who["bob"])
    client.post(url, {"body": ""})
    assert not ReflectionNote.objects.exists()
    client.post(url, {"body": "Jeg lyttet mer i dag."})
    assert ReflectionNote.objects.get().body == "Jeg lyttet mer i dag."


@pytest.mark.parametrize("param", ["uke=9999-12-31", "uke=0001-01-01", "uke=mandag", "uke="])
def test_odd_week_parameters_show_this_week(client, who, setup, param):
    client.force_login(who["coach"])
    url = reverse("coaching:coach_calendar", args=[setup.coach.uuid])
    assert client.get(f"{url}?{param}").status_code == 200


@pytest.mark.parametrize("param", ["fra=9999-12-31", "fra=0001-01-01", "fra=i-morgen"])
def test_odd_start_parameters_stay_inside_the_window(client, who, setup, param):
    client.force_login(who["bob"])
    url = reverse("coaching:booking_create", args=[setup.course.uuid])
    response = client.get(f"{url}?{param}")
    assert response.status_code == 200
    page = response.context["page"]
    assert setup.semester.starts_on <= page.first_day <= setup.semester.ends_on
