"""Every view: the owner can, a read-only member gets 403, another municipality gets 404;
and list/report pages keep a fixed number of queries however much data there is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lib.testing import assert_queries_stable
from surveys import services
from surveys.models import Round
from surveys.reports.needs import needs_safety_store
from tests.factories import LeaderFactory, LeaderGroupMembershipFactory, UnitFactory

from .factories import bulk_responses, close, make_round, scale_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_team(team):
    bulk_responses(team.before, [{}] * 6, value=4)
    close(team.before)
    return team


def _outsider_in_a(personas):
    return LeaderFactory(organisation=personas.org_a, user__full_name="Ikke Medlem").user


REPORT_VIEWS = ["surveys:report", "surveys:report_csv"]


@pytest.mark.parametrize("name", REPORT_VIEWS)
def test_report_views_member_and_oaf_can(client, personas, closed_team, name):
    for user in (personas.bob, closed_team.head.user, personas.alice):
        client.force_login(user)
        assert client.get(reverse(name, args=[closed_team.before.pk])).status_code == 200


@pytest.mark.parametrize("name", REPORT_VIEWS)
def test_report_views_other_leader_gets_403(client, personas, closed_team, name):
    client.force_login(_outsider_in_a(personas))
    assert client.get(reverse(name, args=[closed_team.before.pk])).status_code == 403


@pytest.mark.parametrize("name", REPORT_VIEWS)
def test_report_views_other_municipality_gets_404(client, personas, closed_team, name):
    for user in (personas.charlie, personas.dora_leader.user):
        client.force_login(user)
        assert client.get(reverse(name, args=[closed_team.before.pk])).status_code == 404


def test_report_pdf_member_can_others_cannot(client, personas, closed_team):
    url = reverse("surveys:report_pdf", args=[closed_team.before.pk])
    client.force_login(personas.bob)
    assert client.get(url).status_code == 405  # a state change is a POST
    response = client.post(url)
    assert response.status_code == 302 and "/dokumenter/" in response.url
    client.force_login(_outsider_in_a(personas))
    assert client.post(url).status_code == 403
    client.force_login(personas.charlie)
    assert client.post(url).status_code == 404


def test_answer_view_member_can_oaf_without_profile_403_outsider_404(client, personas, team):
    url = reverse("surveys:answer", args=[team.before.pk])
    client.force_login(personas.bob)
    assert client.get(url).status_code == 200
    client.force_login(personas.alice)  # O&F, no leader profile: cannot answer
    assert client.get(url).status_code == 403
    client.force_login(personas.charlie)
    assert client.get(url).status_code == 404


def test_needs_report_is_for_oaf(client, personas, instruments):
    round = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    url = reverse("surveys:report", args=[round.pk])
    client.force_login(personas.alice)
    assert client.get(url).status_code == 200
    client.force_login(personas.bob)
    assert client.get(url).status_code == 403
    client.force_login(personas.charlie)
    assert client.get(url).status_code == 404


def test_evaluation_report_for_facilitator_and_oaf(client, personas, held_session):
    services.evaluations_open_due()
    round = Round.objects.get(module_session=held_session.session)
    url = reverse("surveys:report", args=[round.pk])
    for user in (held_session.facilitator, personas.alice):
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.force_login(personas.bob)  # a participant reads no report
    assert client.get(url).status_code == 403
    client.force_login(personas.charlie)
    assert client.get(url).status_code == 404


def test_evaluations_summary_roles(client, personas, held_session):
    services.evaluations_open_due()
    url = reverse("surveys:evaluations")
    client.force_login(personas.alice)
    assert "Endringsledelse" in client.get(url).content.decode()
    client.force_login(held_session.facilitator)
    assert "Endringsledelse" in client.get(url).content.decode()
    client.force_login(personas.bob)
    assert client.get(url).status_code == 403
    client.force_login(personas.charlie)  # another municipality's O&F sees nothing of A
    page = client.get(url)
    assert page.status_code == 200 and "Endringsledelse" not in page.content.decode()


def test_index_lists_only_ones_own(client, personas, closed_team, instruments):
    open_round = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    client.force_login(personas.bob)
    page = client.get(reverse("surveys:index")).content.decode()
    assert reverse("surveys:answer", args=[open_round.pk]) in page
    assert reverse("surveys:report", args=[closed_team.before.pk]) in page
    client.force_login(_outsider_in_a(personas))
    page = client.get(reverse("surveys:index")).content.decode()
    assert reverse("surveys:report", args=[closed_team.before.pk]) not in page
    client.force_login(personas.charlie)
    page = client.get(reverse("surveys:index")).content.decode()
    assert reverse("surveys:answer", args=[open_round.pk]) not in page
    assert reverse("surveys:report", args=[closed_team.before.pk]) not in page


def test_thanks_page_needs_no_login(client):
    assert client.get(reverse("surveys:thanks")).status_code == 200


# --- Query counts -------------------------------------------------------------------------

def test_group_report_queries_do_not_grow_with_answers(client, personas, instruments, team):
    after = make_round(organisation=personas.org_a, instrument=instruments["effect"],
                       group=team.group, phase="after", baseline=team.before)
    close(team.before)
    close(after)
    client.force_login(personas.bob)

    def grow(n: int) -> None:
        bulk_responses(team.before, [{}] * (10 * n), value=3, texts={"improve": "Mer tid"})
        bulk_responses(after, [{}] * (10 * n), value=5, texts={"improve": "Bedre møter"})

    # session, user, round (+instrument, group, pair, targets), leader-group head check,
    # membership check, invitation counts, response counts, dimensions, scale of the
    # instrument, dimension statistics, text items, then per round (2) comment counts and
    # comment texts.
    assert_queries_stable(lambda: client.get(reverse("surveys:report", args=[after.pk])),
                          grow=grow, factor=3, expected=15)


def test_needs_report_queries_do_not_grow_with_answers(client, personas, instruments):
    round = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    area = personas.boss_leader.unit
    other = UnitFactory(organisation=personas.org_a, kind="tjenesteomrade", name="Kultur")
    close(round)
    client.force_login(personas.alice)

    def grow(n: int) -> None:
        bands = [{"area": area, "level": "teamleder", "years_band": "1-3"},
                 {"area": other, "level": "avdelingsleder", "years_band": "4-9"}] * (6 * n)
        bulk_responses(round, bands, value=lambda i, item: 1 + i % 5)
        # The shown cells are worked out once after release (beat does it hourly).
        needs_safety_store(Round.objects.get(pk=round.pk))

    url = reverse("surveys:report", args=[round.pk])
    # session, user, round, areas, invitation counts, response counts, finest counts,
    # items, filter-cell statistics, breakdown statistics, comment counts (whole round
    # only).
    assert_queries_stable(lambda: client.get(url, {"by": "area"}), grow=grow, factor=3,
                          expected=11)


def test_evaluations_summary_queries_do_not_grow(client, personas, held_session):
    from programs.tests.factories import ModuleSessionFactory

    client.force_login(personas.alice)

    def grow(n: int) -> None:
        for _ in range(n):
            session = ModuleSessionFactory(module=held_session.module,
                                           date=timezone.localdate() - dt.timedelta(days=2))
            session.facilitators.add(held_session.facilitator)
            round = services.evaluation_open(module_session_id=session.pk)
            bulk_responses(round, [{}] * 5, value=4)
            close(round)

    # session, user with leader profile, rounds, invitation counts, response counts,
    # statistics per round, module, programme, facilitator and adviser, facilitator and
    # adviser round counts, people.
    assert_queries_stable(lambda: client.get(reverse("surveys:evaluations")), grow=grow,
                          factor=3, expected=13)


def test_index_and_min_side_queries_do_not_grow(client, personas, instruments, team):
    client.force_login(personas.bob)

    def grow(n: int) -> None:
        for _ in range(n):
            group = LeaderGroupMembershipFactory(group__organisation=personas.org_a,
                                                 leader=personas.bob_leader).group
            make_round(organisation=personas.org_a, instrument=instruments["effect"],
                       group=group, phase="before")
            round = make_round(organisation=personas.org_a, instrument=instruments["needs"])
            services.draft_save(round=round, leader=personas.bob_leader,
                                answers=scale_answers(round, 3) and {})

    # session, user with leader profile, waiting rounds, answered rounds, readable reports
    assert_queries_stable(lambda: client.get(reverse("surveys:index")), grow=grow, factor=3,
                          expected=5)
    page = client.get(reverse("accounts:min_side")).content.decode()
    assert "Undersøkelser som venter på deg" in page and "Stenger" in page
