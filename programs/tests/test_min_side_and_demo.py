"""The Min side panel on the real page, and the demo data the README promises."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Leader
from programs import services
from programs.models import Enrollment, EnrollmentStatus, Gathering, Module
from programs.selectors import leader_enrollments, pending_approvals

pytestmark = pytest.mark.django_db


def test_min_side_shows_status_position_and_next_session(client, personas, module,
                                                         request_of_bob):
    client.force_login(personas.bob)
    text = client.get(reverse("accounts:min_side")).content.decode()
    assert "Ledelsesfordypning" in text and "Søkt, venter på godkjenning" in text
    module.capacity = 0
    module.save()
    services.enrollment_approve(enrollment=request_of_bob, actor=personas.alice)
    text = client.get(reverse("accounts:min_side")).content.decode()
    assert "Nr. 1 på ventelisten" in text
    first = module.sessions.order_by("date").first()
    assert "Neste samling:" in text and first.place in text


def test_min_side_names_each_programme_s_next_gathering_not_a_past_one(client, personas):
    """Two programmes: each shows its own next gathering (the earliest to come, whatever
    the order they were made in); a past gathering and another programme's never."""
    import datetime as dt

    from django.utils import timezone

    from .factories import GatheringFactory, ProgrammeParticipantFactory

    today = timezone.localdate()
    first = ProgrammeParticipantFactory(programme__organisation=personas.org_a,
                                        programme__name="Askvik-lederen",
                                        leader=personas.bob_leader).programme
    second = ProgrammeParticipantFactory(programme__organisation=personas.org_a,
                                         programme__name="Talent\nprogrammet",
                                         leader=personas.bob_leader).programme
    GatheringFactory(programme=first, theme="Seinere samling", date=today + dt.timedelta(40))
    GatheringFactory(programme=first, theme="Forrige samling", date=today - dt.timedelta(3))
    GatheringFactory(programme=first, theme="Neste «samling»", date=today + dt.timedelta(10))
    GatheringFactory(programme=second, theme="Talentsamling", date=today + dt.timedelta(5))
    client.force_login(personas.bob)
    text = client.get(reverse("accounts:min_side")).content.decode()
    assert "Neste «samling»" in text.replace("&laquo;", "«").replace("&raquo;", "»")
    assert "Talentsamling" in text
    assert "Forrige samling" not in text and "Seinere samling" not in text


def test_min_side_lists_requests_for_the_leader_above_only(client, personas, request_of_bob,
                                                           other_leader):
    client.force_login(personas.boss_leader.user)
    assert "Godkjenn Bob Leder" in client.get(reverse("accounts:min_side")).content.decode()
    client.force_login(other_leader.user)
    assert "Godkjenn Bob Leder" not in client.get(reverse("accounts:min_side")).content.decode()


def test_demo_data_gives_the_demo_accounts_something_real():
    call_command("seed_demo", verbosity=0)
    leader = Leader.objects.get(user__email="leder@fjordvik.example")
    statuses = {v.status for v in leader_enrollments(leader=leader)}
    assert {"fullfort", EnrollmentStatus.SEATED, EnrollmentStatus.WAITING} <= statuses
    above = Leader.objects.get(user__email="leders.leder@fjordvik.example")
    assert any(e.leader.user.email == "leder.gruppe@fjordvik.example"
               for e in pending_approvals(user=above.user))
    large = Module.objects.filter(programme__organisation__slug="fjordvik")
    assert large.count() >= 8 and large.filter(sessions__isnull=False).distinct().count() == \
        large.count()
    found = set(Enrollment.objects.filter(module__in=large).values_list("status", flat=True))
    assert found == {"sokt", "venteliste", "plass", "avslatt", "avmeldt"}
    gatherings = Gathering.objects.filter(programme__organisation__slug="lia")
    assert gatherings.count() == 4
    assert all(g.advisers.count() == 2 for g in gatherings)
    # Never overbooked, also in the demo.
    for module in large.with_seat_counts():
        assert module.seated_count <= module.capacity


def test_facilitator_sees_their_sessions_on_min_side_and_in_the_list(client, personas, module,
                                                                     facilitator):
    session = module.sessions.order_by("date").first()
    session.facilitators.add(facilitator)
    client.force_login(facilitator)
    text = client.get(reverse("accounts:min_side")).content.decode()
    assert "Samlinger du leder" in text
    # A coming session links to its module; attendance is kept once it has started.
    assert reverse("programs:module_detail", args=[module.uuid]) in text
    assert "Endringsledelse" in client.get(reverse("programs:module_list")).content.decode()
    page = client.get(reverse("programs:module_detail", args=[module.uuid])).content.decode()
    assert reverse("programs:session_register", args=[session.uuid]) in page
