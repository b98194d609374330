"""Anonymity and round rules that each had no test failing when the rule was broken (issue 24).

Every test here was checked against the break it names (see ``bench/RESULTS.md``,
"Test strength"): with the rule removed from the code, the test fails.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from surveys import services
from surveys.models import Item, Round
from surveys.reports.evaluation import evaluation_summary
from surveys.reports.group import group_report
from tests.factories import LeaderGroupFactory

from .factories import InstrumentFactory, bulk_responses, close

pytestmark = pytest.mark.django_db


# --- A dimension under N inside a shown group round -------------------------------------

def test_a_dimension_answered_by_fewer_than_n_is_hidden_while_the_round_is_shown(team):
    """Break: dropping the per-dimension threshold in ``group_report`` shows the dimension.

    Five answer the round (N = 5), but one of them skipped every (optional) item of the
    first dimension: that dimension has four respondents and must stay hidden.
    """
    first = team.before.instrument.dimensions.order_by("order", "pk").first()
    skipped = set(Item.objects.filter(dimension=first).values_list("pk", flat=True))

    def value(index, item):
        return None if index == 0 and item.pk in skipped else 5

    bulk_responses(team.before, [{}] * 5, value=value)
    close(team.before)
    report = group_report(team.before)
    assert report.before.shown and report.before.answered == 5
    rows = {row.dimension.pk: row for row in report.rows}
    assert rows[first.pk].before is None
    others = [row for pk, row in rows.items() if pk != first.pk]
    assert others and all(row.before is not None and row.before.n == 5 for row in others)


def test_each_comment_block_names_its_question_and_its_round(personas, instruments):
    """Comments are shown per text item and per round (before/after), never unlabelled."""
    from tests.factories import LeaderFactory, LeaderGroupMembershipFactory

    group = LeaderGroupFactory(organisation=personas.org_a, head=personas.boss_leader,
                               unit=personas.boss_leader.unit)
    for _ in range(11):
        LeaderGroupMembershipFactory(group=group, leader=LeaderFactory(
            organisation=personas.org_a))
    round = services.round_create(organisation=personas.org_a,
                                  instrument=instruments["effect"], group=group,
                                  phase="before", opens_on=timezone.localdate(),
                                  closes_on=timezone.localdate() + dt.timedelta(days=7))
    bulk_responses(round, [{}] * 10, value=5, texts={"improve": "Kortere møter"})
    close(round)
    report = group_report(round)
    (block,) = report.comments
    assert block.item.key == "improve" and block.status is report.before
    assert len(block.texts) == 10


# --- Evaluation totals leave out rounds under N ------------------------------------------

def test_a_module_total_counts_only_the_rounds_shown_on_their_own(personas, held_session):
    """Break: totals built from every round's answers let a hidden round into the total.

    One session's round has five answers (shown, mean 4), the other's four (hidden,
    all 1s): the module's and the facilitator's totals equal the shown round alone.
    """
    from programs.tests.factories import ModuleSessionFactory

    other = ModuleSessionFactory(module=held_session.module,
                                 date=timezone.localdate() - dt.timedelta(days=2))
    other.facilitators.add(held_session.facilitator)
    shown = services.evaluation_open(module_session_id=held_session.session.pk)
    hidden = services.evaluation_open(module_session_id=other.pk)
    bulk_responses(shown, [{}] * 5, value=4)
    bulk_responses(hidden, [{}] * 4, value=1)
    close(shown)
    close(hidden)

    rounds = Round.objects.filter(pk__in=[shown.pk, hidden.pk])
    summary = evaluation_summary(rounds)
    (module,) = summary.groups
    assert [row.round for row in module.rows] == [hidden, shown]  # by session date
    by_round = {row.round.pk: row for row in module.rows}
    assert by_round[hidden.pk].stat is None and by_round[shown.pk].stat is not None
    hidden_status = by_round[hidden.pk].status
    assert hidden_status.answered == 4 and not hidden_status.shown  # the row says why
    assert module.label == str(held_session.module)
    assert module.counted == 1
    assert module.total == by_round[shown.pk].stat
    assert module.total.mean == 4 and module.total.n == 5
    (facilitator,) = summary.facilitators
    assert facilitator.user == held_session.facilitator
    assert facilitator.sessions == by_round[shown.pk].stat and facilitator.sessions_counted == 1
    assert facilitator.gatherings is None and facilitator.gatherings_counted == 0
    # On the day the rounds close they are still open: nothing is shown or added up yet.
    (module,) = evaluation_summary(rounds, today=shown.closes_on).groups
    assert module.total is None and module.counted == 0


def test_a_programme_total_counts_only_the_gatherings_shown_on_their_own(personas, instruments):
    """The same rule for gatherings: the programme's and the advisers' totals."""
    from programs.tests.factories import GatheringFactory, ProgrammeParticipantFactory
    from tests.factories import UserFactory

    adviser = UserFactory(organisation=personas.org_a, is_facilitator=True)
    first = GatheringFactory(programme__organisation=personas.org_a,
                             date=timezone.localdate() - dt.timedelta(days=3))
    second = GatheringFactory(programme=first.programme,
                              date=timezone.localdate() - dt.timedelta(days=5))
    ProgrammeParticipantFactory(programme=first.programme, leader=personas.bob_leader)
    rounds = []
    for gathering, answers, value in ((first, 5, 4), (second, 4, 1)):
        gathering.advisers.add(adviser)
        round = services.evaluation_open(gathering_id=gathering.pk)
        bulk_responses(round, [{}] * answers, value=value)
        rounds.append(close(round))
    shown, hidden = rounds

    summary = evaluation_summary(Round.objects.filter(pk__in=[shown.pk, hidden.pk]))
    (programme,) = summary.groups
    assert [row.round for row in programme.rows] == [hidden, shown]  # by gathering date
    assert programme.counted == 1 and programme.total.mean == 4 and programme.total.n == 5
    (row,) = summary.facilitators
    assert row.user == adviser and row.gatherings_counted == 1 and row.gatherings.n == 5
    assert row.sessions is None and row.sessions_counted == 0
    assert programme.label == str(first.programme)


def test_each_module_and_programme_is_a_group_of_its_own(personas, held_session):
    """…and a facilitator's or adviser's count is every shown round they led."""
    from programs.tests.factories import GatheringFactory, ModuleSessionFactory

    second = ModuleSessionFactory(module=held_session.module,
                                  date=timezone.localdate() - dt.timedelta(days=3))
    second.facilitators.add(held_session.facilitator)
    rounds = [services.evaluation_open(module_session_id=session.pk)
              for session in (held_session.session, second)]
    for name in ("Program én", "Program to"):
        gathering = GatheringFactory(programme__organisation=personas.org_a,
                                     programme__name=name,
                                     date=timezone.localdate() - dt.timedelta(days=2))
        gathering.advisers.add(held_session.facilitator)
        rounds.append(services.evaluation_open(gathering_id=gathering.pk))
    for round in rounds:
        bulk_responses(round, [{}] * 5, value=3)
        close(round)
    summary = evaluation_summary(Round.objects.filter(pk__in=[r.pk for r in rounds]))
    assert sorted(group.label for group in summary.groups) == sorted(
        [str(held_session.module), "Program én", "Program to"])
    assert [group.counted for group in summary.groups] == [2, 1, 1]
    (row,) = summary.facilitators
    assert (row.sessions_counted, row.gatherings_counted) == (2, 2)


# --- A round's instrument and target are fixed once someone has answered ------------------

def _another_effect_instrument(personas, team):
    instrument = InstrumentFactory(organisation=personas.org_a, kind="effect")
    return {"instrument": instrument}


def _another_group(personas, team):
    return {"group": LeaderGroupFactory(organisation=personas.org_a, head=personas.bob_leader,
                                        unit=personas.bob_leader.unit, name="Annen gruppe")}


def _other_phase(personas, team):
    return {"phase": "after"}


CHANGES = {"instrument": _another_effect_instrument, "group": _another_group,
           "phase": _other_phase}


@pytest.mark.parametrize("field", sorted(CHANGES))
def test_instrument_group_and_phase_are_fixed_once_answered(personas, team, field):
    """Break: dropping the instrument/target check from ``round_validate_change``.

    The same change is accepted before anyone answers (so the refusal is this rule and
    not another check), and refused with the field named once a response exists.
    """
    changes = CHANGES[field](personas, team)
    unanswered = services.round_save(round=_copy_of(team.before, **changes))
    assert getattr(Round.objects.get(pk=unanswered.pk), f"{field}") == changes[field]

    bulk_responses(team.before, [{}], value=3)
    round = Round.objects.get(pk=team.before.pk)
    for name, value in changes.items():
        setattr(round, name, value)
    with pytest.raises(ValidationError) as caught:
        services.round_save(round=round)
    assert set(caught.value.message_dict) == {field}
    assert getattr(Round.objects.get(pk=team.before.pk), field) != changes[field]


def test_an_evaluations_session_is_fixed_once_answered(personas, held_session):
    from programs.tests.factories import ModuleSessionFactory

    round = services.evaluation_open(module_session_id=held_session.session.pk)
    bulk_responses(round, [{}], value=3)
    round.module_session = ModuleSessionFactory(module=held_session.module)
    with pytest.raises(ValidationError) as caught:
        services.round_save(round=round)
    assert set(caught.value.message_dict) == {"module_session"}


def _copy_of(round: Round, **changes) -> Round:
    """A fresh unanswered round like ``round`` (another group), then ``changes`` applied."""
    group = LeaderGroupFactory(organisation=round.organisation, head=round.group.head,
                               unit=round.group.unit, name="Kopigruppe")
    copy = services.round_create(organisation=round.organisation, instrument=round.instrument,
                                 opens_on=round.opens_on, closes_on=round.closes_on,
                                 group=group, phase=round.phase)
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def test_the_admin_shows_instrument_and_target_read_only_once_answered(client, personas, team):
    """The service refuses the change; the admin does not offer it in the first place."""
    client.force_login(personas.alice)
    url = reverse("admin:surveys_round_change", args=[team.before.pk])
    fields = ('name="instrument"', 'name="group"', 'name="phase"', 'name="anonymous"',
              'name="module_session"', 'name="gathering"')
    page = client.get(url).content.decode()
    assert all(field in page for field in fields)

    bulk_responses(team.before, [{}], value=3)
    page = client.get(url).content.decode()
    assert not [field for field in fields if field in page]
    assert 'name="closes_on"' in page  # the dates stay editable until the round closes
    # Saving the page still works: read-only fields are not posted and keep their values.
    today = timezone.localdate()
    response = client.post(url, {"title": "Ny tittel", "baseline": "",
                                 "opens_on": str(team.before.opens_on),
                                 "closes_on": str(today + dt.timedelta(days=9))})
    assert response.status_code == 302, response.content.decode()[:2000]
    round = Round.objects.get(pk=team.before.pk)
    assert round.title == "Ny tittel" and round.group == team.group and round.anonymous
