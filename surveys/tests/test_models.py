"""What the database itself guarantees, whatever code writes to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from programs.tests.factories import GatheringFactory, ModuleSessionFactory
from surveys import services
from surveys.models import AnonymitySettings, Item, Response, Round
from surveys.models.responses import week_start

from .factories import make_round

pytestmark = pytest.mark.django_db


def _refused(**fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(**fields)


def test_thresholds_never_below_three(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        AnonymitySettings.objects.create(organisation=personas.org_a, min_respondents=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnonymitySettings.objects.create(organisation=personas.org_a, min_text_respondents=1)
    with pytest.raises(ValidationError) as caught:
        services.thresholds_set(organisation=personas.org_a, min_respondents=2,
                                min_text_respondents=10)
    assert "En grense kan ikke være lavere enn 3." in str(caught.value)
    defaults = AnonymitySettings.objects.create(organisation=personas.org_b)
    assert (defaults.min_respondents, defaults.min_text_respondents) == (5, 10)


def test_a_round_has_exactly_the_target_its_kind_needs(personas, instruments, team):
    today = timezone.localdate()
    base = {"organisation": personas.org_a, "opens_on": today, "closes_on": today}
    session = ModuleSessionFactory(module__programme__organisation=personas.org_a)
    gathering = GatheringFactory(programme__organisation=personas.org_a)
    _refused(instrument=instruments["effect"], kind="effect", phase="before", **base)
    _refused(instrument=instruments["effect"], kind="effect", group=team.group, **base)
    _refused(instrument=instruments["needs"], kind="needs", group=team.group, **base)
    _refused(instrument=instruments["evaluation"], kind="evaluation", **base)
    _refused(instrument=instruments["evaluation"], kind="evaluation", module_session=session,
             gathering=gathering, **base)
    _refused(instrument=instruments["effect"], kind="effect", group=team.group, phase="after",
             module_session=session, **base)
    _refused(instrument=instruments["needs"], kind="needs",
             **{**base, "closes_on": today - dt.timedelta(days=1)})
    Round.objects.create(instrument=instruments["evaluation"], kind="evaluation",
                         module_session=session, **base)
    _refused(instrument=instruments["evaluation"], kind="evaluation", module_session=session,
             **base)  # one evaluation per session


def test_the_service_explains_a_bad_target(personas, instruments, team):
    with pytest.raises(ValidationError) as caught:
        make_round(organisation=personas.org_a, instrument=instruments["effect"],
                   group=team.group, phase="")
    assert "Velg før eller etter." in str(caught.value)
    with pytest.raises(ValidationError):
        make_round(organisation=personas.org_b, instrument=instruments["effect"],
                   group=team.group, phase="before")  # another municipality's group


def test_an_anonymous_response_cannot_name_a_person(personas, team):
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(round=team.before, anonymous=True,
                                respondent=personas.bob_leader,
                                submitted_week=week_start(timezone.localdate()))


def test_only_scale_items_have_a_scale(instruments):
    instrument = instruments["needs"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(instrument=instrument, key="x", kind="text", scale_max=5,
                            text_nb="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(instrument=instrument, key="y", kind="scale", scale_max=4,
                            text_nb="y")


def test_a_closed_round_cannot_be_reopened(personas, instruments, team):
    from .factories import close

    close(team.before)
    team.before.closes_on = timezone.localdate() + dt.timedelta(days=5)
    with pytest.raises(ValidationError) as caught:
        services.round_save(round=team.before)
    assert "kan ikke åpnes igjen" in str(caught.value)


def test_anonymity_and_target_are_fixed_once_answered(personas, team):
    from .factories import scale_answers

    services.response_submit(round=team.before, leader=personas.bob_leader,
                             answers=scale_answers(team.before, 4))
    team.before.anonymous = False
    with pytest.raises(ValidationError) as caught:
        services.round_save(round=team.before)
    assert "anonymiteten kan ikke endres" in str(caught.value)
