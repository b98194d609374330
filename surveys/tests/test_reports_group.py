"""The leader group's before/after report: thresholds, pairing, change, comments, chart."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from surveys import services
from surveys.reports.group import group_report
from tests.factories import LeaderFactory, LeaderGroupMembershipFactory

from .factories import bulk_responses, close, make_round, scale_answers

pytestmark = pytest.mark.django_db


def _after(personas, instruments, team, **kwargs):
    return make_round(organisation=personas.org_a, instrument=instruments["effect"],
                      group=team.group, phase="after", baseline=team.before, **kwargs)


def test_hidden_below_n_even_when_closed(personas, team):
    bulk_responses(team.before, [{}] * 4, value=5)
    close(team.before)
    report = group_report(team.before)
    assert not report.anything_shown and report.chart is None
    assert all(row.before is None for row in report.rows)
    assert "Resultatet vises når minst 5 har svart; 4 har svart" in report.before.hidden_reason


def test_hidden_while_open_even_with_n_answers(personas, team):
    """Showing results while answers come in would let readers difference two readings."""
    for leader in [team.head, personas.bob_leader, *team.members[:3]]:
        services.response_submit(round=team.before, leader=leader,
                                 answers=scale_answers(team.before, 6))
    report = group_report(team.before)
    assert report.before.answered == 5 and not report.anything_shown
    services.response_submit(round=team.before, leader=team.members[3],
                             answers=scale_answers(team.before, 6))
    team.before.refresh_from_db()
    report = group_report(team.before)  # everyone has answered: closed early, shown
    assert report.anything_shown
    assert report.rows[0].before.mean == 6 and report.rows[0].before.n == 6


def test_change_only_when_both_rounds_reach_n(personas, instruments, team):
    bulk_responses(team.before, [{}] * 6, value=lambda i, item: 3 + i % 2)  # mean 3.5
    close(team.before)
    after = _after(personas, instruments, team)
    bulk_responses(after, [{}] * 4, value=6)
    close(after)
    report = group_report(after)
    assert report.before.shown and not report.after.shown and not report.paired
    assert all(row.change is None for row in report.rows)

    bulk_responses(after, [{}], value=6)
    report = group_report(team.before)  # either round of the pair gives the same report
    assert report.paired
    row = report.rows[0]
    assert row.before.mean == pytest.approx(3.5) and row.after.mean == 6
    assert row.change == pytest.approx(2.5)
    assert row.before.n == 6 and row.after.n == 5
    # Sample SD over the dimension's 18 answers (nine 3s, nine 4s): sqrt(18 × 0.25 / 17).
    assert row.before.sd == pytest.approx(0.5145, abs=1e-3)


def test_comments_only_from_ten_writers_sorted_not_in_answer_order(personas, instruments):
    from tests.factories import LeaderGroupFactory

    group = LeaderGroupFactory(organisation=personas.org_a, head=personas.boss_leader,
                               unit=personas.boss_leader.unit)
    for _ in range(11):
        LeaderGroupMembershipFactory(group=group, leader=LeaderFactory(
            organisation=personas.org_a))
    round = make_round(organisation=personas.org_a, instrument=instruments["effect"],
                       group=group, phase="before")
    bulk_responses(round, [{}] * 9, value=5, texts={"improve": "Kortere møter"})
    close(round)
    assert group_report(round).comments == []
    bulk_responses(round, [{}], value=5, texts={"improve": "Avklare roller"})
    comments = group_report(round).comments
    assert len(comments) == 1
    texts = comments[0].texts
    assert len(texts) == 10 and texts == sorted(texts) and texts[0].startswith("Avklare")


def test_the_page_shows_an_svg_chart_without_inline_style_or_script(client, personas,
                                                                    instruments, team):
    bulk_responses(team.before, [{}] * 6, value=3)
    close(team.before)
    after = _after(personas, instruments, team)
    bulk_responses(after, [{}] * 6, value=5)
    close(after)
    client.force_login(personas.bob)
    response = client.get(reverse("surveys:report", args=[after.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="survey-chart"' in html and 'role="img"' in html
    assert "Psykologisk trygghet og læring" in html
    assert "Endring fra før" in html and "+2,0" in html
    assert not re.search(r"\sstyle=", html) and "<style" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "nonce=" in tag and "src=" in tag
    assert "content-security-policy" in {k.lower() for k in response.headers}


def test_before_only_is_reported_without_an_after_column(client, personas, team):
    bulk_responses(team.before, [{}] * 5, value=4)
    close(team.before)
    client.force_login(personas.alice)
    html = client.get(reverse("surveys:report", args=[team.before.pk])).content.decode()
    assert "Ikke planlagt ennå." in html
    assert "Før 4,0" in html
