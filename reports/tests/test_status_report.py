"""The programme status report: participation, new leaders, phases, Effect, evaluations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from pypdf import PdfReader

from groups.models.process import Phase as GroupPhase
from groups.tests.factories import GroupProcessFactory
from lib.documents import document_run
from programs.tests.factories import ModuleFactory, ProgrammeFactory, ProgrammeParticipantFactory
from reports.documents import STATUS_CSV, STATUS_PDF
from reports.services import report_request
from reports.status import status_report
from reports.tests.factories import seated
from surveys.tests.factories import bulk_responses, close, make_round, standard_instruments
from tests.factories import LeaderFactory, LeaderGroupFactory, LeaderGroupMembershipFactory

pytestmark = pytest.mark.django_db


def _group_with_effect(org, head, *, after_answers: int):
    group = LeaderGroupFactory(organisation=org, head=head, unit=head.unit)
    for _ in range(6):
        LeaderGroupMembershipFactory(group=group, leader=LeaderFactory(organisation=org))
    GroupProcessFactory(group=group, phase=GroupPhase.DEVELOPMENT,
                        started_on=timezone.localdate() - dt.timedelta(days=30))
    effect = standard_instruments()["effect"]
    before = make_round(organisation=org, instrument=effect, group=group, phase="before")
    bulk_responses(before, [{}] * 6, value=lambda i, item: 3 + i % 2)  # mean 3.5
    close(before)
    after = make_round(organisation=org, instrument=effect, group=group, phase="after",
                       baseline=before)
    bulk_responses(after, [{}] * after_answers, value=6)
    close(after)
    return group


@pytest.fixture
def programme(personas):
    org = personas.org_a
    programme = ProgrammeFactory(organisation=org, name="Askvikleiaren")
    ProgrammeParticipantFactory(programme=programme, leader=personas.bob_leader)
    newcomer = LeaderFactory(organisation=org, leader_since=timezone.localdate())
    seated(ModuleFactory(programme=programme), leader=newcomer)
    _group_with_effect(org, personas.boss_leader, after_answers=5)
    # Too few: hidden (a leader group's threshold is 3 by default).
    _group_with_effect(org, personas.boss_leader, after_answers=2)
    return programme


def test_participation_new_leaders_phases_and_effect(programme):
    report = status_report(programme=programme)
    assert report.per_track["gatherings"] == 1
    assert report.per_track["modules"] == 1
    assert report.per_track["groups"] == 12
    assert report.reached == 14
    assert (report.new_reached, report.new_leaders) == (1, 1)
    assert dict(report.phases)[str(GroupPhase.DEVELOPMENT.label)] == 2
    assert report.effect_pairs == 1 and report.effect_hidden == 1
    assert report.effect and all(row.before == pytest.approx(3.5) and row.after == 6
                                 for row in report.effect)
    assert not report.is_empty


def test_anonymity_threshold_of_the_surveys_app_is_respected(personas):
    programme = ProgrammeFactory(organisation=personas.org_a)
    _group_with_effect(personas.org_a, personas.boss_leader, after_answers=2)
    report = status_report(programme=programme)
    assert report.effect == [] and report.effect_pairs == 0 and report.effect_hidden == 1


def test_pdf_and_csv_are_built_as_jobs(personas, programme):
    document = report_request(kind=STATUS_PDF, programme=programme, requested_by=personas.alice,
                              title="Programstatus")
    document = document_run(str(document.pk))
    assert document.status == "done" and document.file.name.endswith(".pdf")
    text = " ".join(p.extract_text() for p in PdfReader(document.file.open("rb")).pages)
    assert "Askvikleiaren" in text
    assert "Deltakelse per spor" in text
    assert "Effect-kartlegging før og etter" in text
    assert "1 gruppe er utelatt" in text
    csv_doc = document_run(str(report_request(kind=STATUS_CSV, programme=programme,
                                              requested_by=personas.alice, title="x").pk))
    body = csv_doc.file.read().decode("utf-8-sig")
    assert "Ledere nådd;14;" in body


def test_programme_without_data_gives_an_honest_empty_report(personas):
    programme = ProgrammeFactory(organisation=personas.org_b, name="Brattli tomt")
    report = status_report(programme=programme)
    assert report.is_empty and report.reached == 0
    document = document_run(str(report_request(kind=STATUS_PDF, programme=programme,
                                               requested_by=personas.charlie,
                                               title="Tom").pk))
    assert document.status == "done"
    text = PdfReader(document.file.open("rb")).pages[0].extract_text()
    assert "Det finnes ennå ingen data for dette programmet" in text


def test_report_request_refuses_bad_input(personas, programme):
    from lib.models import GeneratedDocument
    from lib.testing import assert_refused

    with assert_refused("other_municipality"):
        report_request(kind=STATUS_PDF, programme=programme, requested_by=personas.charlie,
                       title="x")
    with assert_refused("end_before_start"):
        report_request(kind=STATUS_PDF, programme=programme, requested_by=personas.alice,
                       first=dt.date(2030, 2, 1), last=dt.date(2030, 1, 1), title="x")
    with assert_refused("unknown_kind"):
        report_request(kind="reports.nope", programme=programme, requested_by=personas.alice,
                       title="x")
    assert not GeneratedDocument.objects.exists()


def test_period_end_leaves_out_what_started_later(programme):
    report = status_report(programme=programme, last=timezone.localdate() - dt.timedelta(days=40))
    assert report.per_track["modules"] == 0 and report.per_track["groups"] == 0
    assert report.per_track["gatherings"] == 1  # programme participants have no start date
