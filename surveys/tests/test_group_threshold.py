"""Issue 21 item 11: a leader group of four sees its own before/after.

Leader-group (Effect) rounds take the municipality's group threshold (default 3, the
floor), not the unit-level thresholds of the needs survey (5 for scores, 10 for comments).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys import services
from surveys.models import AnonymitySettings
from surveys.reports.group import group_report
from tests.factories import LeaderFactory, LeaderGroupFactory, LeaderGroupMembershipFactory

from .factories import bulk_responses, close, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def four(personas):
    """Berit's group of four: Berit, Bob, Åse and Øystein (same name as a leader in B)."""
    group = LeaderGroupFactory(organisation=personas.org_a, head=personas.boss_leader,
                               unit=personas.boss_leader.unit, name="Ledergruppa\nsmå")
    LeaderGroupMembershipFactory(group=group, leader=personas.boss_leader)
    LeaderGroupMembershipFactory(group=group, leader=personas.bob_leader)
    for name in ("Åse Ørn", "Øystein Æsøy"):
        LeaderGroupMembershipFactory(group=group, leader=LeaderFactory(
            organisation=personas.org_a, leader_above=personas.boss_leader,
            user__full_name=name))
    LeaderFactory(organisation=personas.org_b, user__full_name="Øystein Æsøy")
    return group


def test_group_of_four_sees_its_before_and_after_with_the_default_threshold(
        client, personas, instruments, four):
    before = make_round(organisation=personas.org_a, instrument=instruments["effect"],
                        group=four, phase="before")
    needs = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    # The group's own threshold; the unit-level ones stay for the needs survey.
    assert (before.min_respondents, before.min_text_respondents) == (3, 10)
    assert (needs.min_respondents, needs.min_text_respondents) == (5, 10)
    bulk_responses(before, [{}] * 3, value=3)
    close(before)
    after = make_round(organisation=personas.org_a, instrument=instruments["effect"],
                       group=four, phase="after", baseline=before)
    bulk_responses(after, [{}] * 4, value=5)
    close(after)
    report = group_report(after)
    assert report.before.shown and report.after.shown and report.paired
    assert report.rows[0].before.mean == 3 and report.rows[0].after.mean == 5
    assert report.rows[0].change == pytest.approx(2)
    client.force_login(personas.bob)  # a member reads the group's own report
    page = client.get(reverse("surveys:report", args=[after.pk])).content.decode()
    assert "+2,0" in page and "Ingen resultater kan vises ennå" not in page


def test_withheld_result_says_what_is_needed(client, personas, instruments, four):
    before = make_round(organisation=personas.org_a, instrument=instruments["effect"],
                        group=four, phase="before")
    bulk_responses(before, [{}] * 2, value=4)
    close(before)
    report = group_report(before)
    assert not report.anything_shown
    client.force_login(personas.bob)
    page = client.get(reverse("surveys:report", args=[before.pk])).content.decode()
    assert "Resultatet vises når minst 3 har svart; 2 har svart." in page
    personas.bob.language = "nn"
    personas.bob.save()
    client.force_login(personas.bob)
    page = client.get(reverse("surveys:report", args=[before.pk])).content.decode()
    assert "Resultatet blir vist når minst 3 har svart; 2 har svart." in page


def test_group_threshold_is_set_per_municipality_never_below_3(client, personas,
                                                                instruments, four):
    from django.core.exceptions import ValidationError

    services.thresholds_set(organisation=personas.org_a, min_respondents=6,
                            min_text_respondents=12, min_group_respondents=4)
    with pytest.raises(ValidationError):
        services.thresholds_set(organisation=personas.org_a, min_respondents=6,
                                min_text_respondents=12, min_group_respondents=2)
    assert AnonymitySettings.objects.get(organisation=personas.org_a).min_group_respondents == 4
    group_round = make_round(organisation=personas.org_a, instrument=instruments["effect"],
                             group=four, phase="before")
    needs = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    assert (group_round.min_respondents, needs.min_respondents) == (4, 6)
    # Municipality B keeps the defaults.
    b_group = LeaderGroupFactory(organisation=personas.org_b, head=personas.dora_leader,
                                 unit=personas.dora_leader.unit)
    b_round = make_round(organisation=personas.org_b, instrument=instruments["effect"],
                         group=b_group, phase="before")
    assert b_round.min_respondents == 3
    # The admin form has the field, in the municipality's own row.
    client.force_login(personas.alice)
    settings = AnonymitySettings.objects.get(organisation=personas.org_a)
    url = reverse("admin:surveys_anonymitysettings_change", args=[settings.pk])
    response = client.post(url, {"min_respondents": "6", "min_text_respondents": "12",
                                 "min_group_respondents": "2"})
    assert response.status_code == 200  # refused with the form's message
    settings.refresh_from_db()
    assert settings.min_group_respondents == 4
    response = client.post(url, {"min_respondents": "6", "min_text_respondents": "12",
                                 "min_group_respondents": "3"})
    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.min_group_respondents == 3
