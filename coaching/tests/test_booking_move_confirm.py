"""Moving a booked session asks first (issue 21): the chosen time opens "Move the session
from … to …?" (a GET that changes nothing); only the confirming POST moves it, through the
one service call; "Keep the current time" changes nothing. Who may: the leader who owns the
booking (the coach cancels but does not move: 403); anyone outside the course gets 404."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from coaching.models import Booking
from lib.dates import format_date
from tests.factories import LeaderFactory

from .factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(setup):
    return BookingFactory(course=setup.course, starts_at=setup.slot(10))


def _confirm_url(booking, starts_at) -> str:
    key = timezone.localtime(starts_at).isoformat()
    return (reverse("coaching:booking_reschedule", args=[booking.uuid])
            + "?" + f"starts_at={key.replace('+', '%2B')}")


def _unchanged(booking, setup) -> None:
    booking.refresh_from_db()
    assert booking.starts_at == setup.slot(10) and booking.times_moved == 0


def test_the_slot_page_asks_with_a_get(client, personas, setup, booking):
    client.force_login(personas.bob)
    page = client.get(reverse("coaching:booking_reschedule", args=[booking.uuid])
                      + f"?fra={setup.monday.isoformat()}").content.decode()
    slot_form = page.split('<form method="get"')[1].split("</form>")[0]
    assert "slot-button" in slot_form and "csrfmiddlewaretoken" not in slot_form
    assert setup.slot(14).isoformat() in page


def test_the_confirm_page_shows_both_times_and_changes_nothing(client, personas, setup,
                                                                booking):
    client.force_login(personas.bob)
    response = client.get(_confirm_url(booking, setup.slot(14, 2)))
    assert response.status_code == 200
    assert "coaching/booking_move_confirm.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert response.context["starts_at"] == setup.slot(14, 2)
    # Both times in words ("Move the session from Monday … 10:00 to Wednesday … 14:00?").
    with translation.override(personas.bob.language or "nb"):
        old = format_date(setup.slot(10), "WEEKDAY_DATETIME_FORMAT")
        new = format_date(setup.slot(14, 2), "WEEKDAY_DATETIME_FORMAT")
    assert old in body and new in body
    assert 'id="confirm-move"' in body
    assert reverse("coaching:course_detail", args=[setup.course.uuid]) in body
    _unchanged(booking, setup)


def test_confirming_moves_once(client, personas, setup, booking):
    client.force_login(personas.bob)
    response = client.post(reverse("coaching:booking_reschedule", args=[booking.uuid]),
                           {"starts_at": timezone.localtime(setup.slot(14, 2)).isoformat()})
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:course_detail", args=[setup.course.uuid])
    booking.refresh_from_db()
    assert booking.starts_at == setup.slot(14, 2) and booking.times_moved == 1


def test_keeping_the_current_time_changes_nothing(client, personas, setup, booking):
    client.force_login(personas.bob)
    client.get(_confirm_url(booking, setup.slot(14, 2)))
    # "Keep the current time" is a link back to the course: a GET, nothing posted.
    assert client.get(reverse("coaching:course_detail",
                              args=[setup.course.uuid])).status_code == 200
    _unchanged(booking, setup)


def test_a_time_no_longer_free_is_refused_before_the_question(client, personas, setup,
                                                                booking):
    BookingFactory(course__organisation=personas.org_a, course__agreement=setup.agreement,
                   course__coach=setup.coach, starts_at=setup.slot(14, 2))
    client.force_login(personas.bob)
    response = client.get(_confirm_url(booking, setup.slot(14, 2)))
    assert response.status_code == 200
    assert "coaching/slots.html" in [t.name for t in response.templates]
    assert response.context["form"].errors
    assert "move-from" not in response.content.decode()
    _unchanged(booking, setup)


def test_a_malformed_time_shows_the_slots_again(client, personas, setup, booking):
    client.force_login(personas.bob)
    response = client.get(reverse("coaching:booking_reschedule", args=[booking.uuid])
                          + "?starts_at=i+morgen")
    assert response.status_code == 200
    assert response.context["form"].has_error("starts_at")
    _unchanged(booking, setup)


def test_who_may_open_the_confirm_page(client, personas, setup, booking):
    stranger = LeaderFactory(organisation=personas.org_a).user
    url = _confirm_url(booking, setup.slot(14, 2))
    expected = {personas.bob: 200, setup.coach.user: 403, personas.alice: 403,
                stranger: 404, personas.charlie: 404, personas.dora_leader.user: 404}
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(url).status_code == status, user.email
        assert client.post(url.split("?")[0], {
            "starts_at": timezone.localtime(setup.slot(14, 2)).isoformat()}).status_code in (
            (302,) if user == personas.bob else (status,)), user.email
        if user == personas.bob:
            booking.refresh_from_db()
            Booking.objects.filter(pk=booking.pk).update(starts_at=setup.slot(10),
                                                         ends_at=setup.slot(11), times_moved=0)
    _unchanged(booking, setup)

