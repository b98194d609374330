"""The six steps as O&F runs them: who may move the process on, and what each step needs."""

from __future__ import annotations

import pytest
from django.core import mail

from lib.testing import assert_refused

from .. import services
from ..models import (
    Characteristic,
    CharacteristicStatus,
    PlatformVersion,
    Step,
    StepPlan,
    VersionStatus,
)
from .conftest import at_step, publish

pytestmark = pytest.mark.django_db


def test_a_new_version_starts_at_step_one_with_a_plan_for_each_step(lp):
    assert lp.version.number == 1 and lp.version.step == Step.PURPOSE and lp.version.is_draft
    assert list(StepPlan.objects.filter(version=lp.version).values_list("step", flat=True)
                .order_by("step")) == [1, 2, 3, 4, 5, 6]
    assert "Askvik kommune" in lp.version.platform.name_nb


def test_only_one_draft_at_a_time_and_only_oaf_starts_one(lp):
    assert_refused("draft_exists", lambda: services.platform_version_create(
        organisation=lp.org, actor=lp.oaf))
    assert_refused("permission_denied", lambda: services.platform_version_create(
        organisation=lp.org, actor=lp.member.user))
    assert_refused("permission_denied", lambda: services.platform_version_create(
        organisation=lp.org, actor=lp.personas.charlie))


def test_only_oaf_of_the_municipality_moves_the_process_on(lp):
    for actor in (lp.member.user, lp.facilitator, lp.personas.charlie, lp.coach):
        assert_refused("permission_denied",
                       lambda actor=actor: services.version_advance(version=lp.version,
                                                                    actor=actor))
    services.version_advance(version=lp.version, actor=lp.oaf)
    assert PlatformVersion.objects.get(pk=lp.version.pk).step == Step.GROUP_PURPOSE


def test_step_five_needs_candidates_and_step_six_a_decision_on_each(lp):
    version = at_step(lp.version, Step.ANALYSE)
    assert_refused("no_candidates", lambda: services.version_advance(version=version,
                                                                     actor=lp.oaf))
    candidate = services.candidate_create(version=version, actor=lp.oaf, text="Tydelig")
    services.version_advance(version=version, actor=lp.oaf)
    version.refresh_from_db()
    assert_refused("undecided", lambda: services.version_advance(version=version, actor=lp.oaf))
    services.candidate_decide(characteristic=candidate, adopted=False, actor=lp.oaf)
    assert_refused("nothing_adopted",
                   lambda: services.version_advance(version=version, actor=lp.oaf))
    services.candidate_decide(characteristic=candidate, adopted=True, actor=lp.oaf)
    services.version_advance(version=version, actor=lp.oaf)
    version.refresh_from_db()
    assert version.step == Step.LAUNCH
    assert_refused("last_step", lambda: services.version_advance(version=version, actor=lp.oaf))


def test_only_oaf_decides_and_only_in_step_five(lp):
    version = at_step(lp.version, Step.ANALYSE)
    candidate = services.candidate_create(version=version, actor=lp.facilitator, text="Lytter")
    assert_refused("wrong_step", lambda: services.candidate_decide(
        characteristic=candidate, adopted=True, actor=lp.oaf))
    at_step(version, Step.DECIDE)
    candidate.refresh_from_db()
    assert_refused("permission_denied", lambda: services.candidate_decide(
        characteristic=candidate, adopted=True, actor=lp.facilitator))
    assert Characteristic.objects.get(pk=candidate.pk).status == CharacteristicStatus.CANDIDATE


def test_publishing_needs_step_six_themes_and_behaviours(lp):
    version = at_step(lp.version, Step.DECIDE)
    assert_refused("wrong_step", lambda: services.version_publish(version=version, actor=lp.oaf))
    Characteristic.objects.create(version=version, text_nb="Ser den enkelte",
                                  status=CharacteristicStatus.ADOPTED)
    at_step(version, Step.LAUNCH)
    assert_refused("unthemed", lambda: services.version_publish(version=version, actor=lp.oaf))
    theme = version.themes.create(name_nb="Relasjon")
    Characteristic.objects.filter(version=version).update(theme=theme)
    assert_refused("no_behaviours",
                   lambda: services.version_publish(version=version, actor=lp.oaf))
    assert_refused("permission_denied",
                   lambda: services.version_publish(version=version, actor=lp.member.user))
    assert PlatformVersion.objects.get(pk=version.pk).status == VersionStatus.DRAFT


def test_publishing_replaces_the_old_version_and_tells_every_leader_in_their_language(
        lp, django_capture_on_commit_callbacks, settings):
    lp.ola.user.language = "nn"
    lp.ola.user.save()
    platform = lp.version.platform
    platform.name_nb, platform.name_nn = "Lederplattform for Askvik", "Leiarplattform for Askvik"
    platform.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = publish(lp, announce=True)
    assert first.is_published and first.published_by == lp.oaf
    leaders = {lp.head.user.email, lp.member.user.email, lp.nina.user.email, lp.ola.user.email,
               lp.other.user.email, lp.course.leader.user.email}
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == leaders | {lp.personas.boss_leader.user.email}  # leaders only, once
    assert lp.personas.dora_leader.user.email not in sent  # not the other municipality's
    # The platform's name as the municipality wrote it, in each reader's language.
    nynorsk, bokmaal = sent[lp.ola.user.email], sent[lp.member.user.email]
    assert "Leiarplattform for Askvik" in nynorsk.subject
    assert "Leiarplattform for Askvik" in nynorsk.body
    assert "Lederplattform for Askvik" in bokmaal.subject
    html = bokmaal.alternatives[0][0]
    assert "/lederplattform/" in html and "/lederplattform/" in bokmaal.body
    second = services.platform_version_create(organisation=lp.org, actor=lp.oaf)
    assert second.number == 2
    first.refresh_from_db()
    assert first.is_published  # until version 2 is published
