"""The record of processing covers every model with personal data, and is made as PDF/CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.apps import apps
from django.utils import translation

from accounts.models import Leader, User
from lib.documents import document_request, document_run
from lib.pdf_testing import assert_tagged
from privacy.documents import RECORD_CSV, RECORD_PDF, record_header
from privacy.record import (
    PURPOSES,
    RECIPIENTS,
    RECORD,
    RETENTION,
    SUBJECTS,
    processing_record,
)
from privacy.services.retention import RETENTION_KINDS, retention_policy_get

pytestmark = pytest.mark.django_db

# Personal data without a relation to a user or leader: found by reading, listed here.
PERSONAL_WITHOUT_RELATION = {
    "sessions.session",  # the signed-in user's id inside the session data
    "axes.accessattempt", "axes.accessfailurelog", "axes.accesslog",  # address, IP
    "surveys.draft", "surveys.answer",  # through the invitation / response
    "coaching.developmentproject", "coaching.reflectionnote",  # the leader's own words
    "groups.postercomment",  # written by a member (author), listed for clarity
}


def _has_person(model) -> bool:
    if model in (User, Leader):
        return True
    return any(field.is_relation and not field.auto_created
               and field.related_model in (User, Leader)
               for field in model._meta.get_fields())


def test_every_concrete_model_with_personal_data_is_described():
    concrete = {m._meta.label_lower: m for m in apps.get_models() if not m._meta.proxy}
    personal = {label for label, model in concrete.items() if _has_person(model)}
    missing = sorted((personal | PERSONAL_WITHOUT_RELATION) - RECORD.keys())
    assert missing == [], f"describe these in privacy/record.py RECORD: {missing}"
    stale = sorted(RECORD.keys() - concrete.keys())
    assert stale == [], f"RECORD names models that do not exist: {stale}"


def test_every_description_points_at_a_known_phrase_and_retention():
    kinds = {kind.key for kind in RETENTION_KINDS}
    for label, entry in RECORD.items():
        assert entry.subjects in SUBJECTS and entry.purpose in PURPOSES, label
        assert entry.recipients in RECIPIENTS, label
        assert entry.retention in kinds | RETENTION.keys(), label


def test_the_record_reads_the_municipalitys_schedule_and_row_counts(personas):
    policy = retention_policy_get(organisation_id=personas.org_a.pk)
    policy.leaver_months = 3
    policy.save()
    with translation.override("en"):
        record = processing_record(organisation=personas.org_a)
    rows = {row.label: row for row in record.rows}
    assert rows["accounts.leader"].rows == 2  # Berit and Bob; Dora is Brattli's
    assert rows["accounts.user"].rows == 3  # and Alice
    assert "3" in rows["accounts.leader"].retention
    assert rows["sessions.session"].rows is None  # not kept per municipality
    assert "full name" in rows["accounts.user"].fields
    assert record.controller == "Askvik kommune"


@pytest.mark.usefixtures("bokmaal")
def test_the_record_as_tagged_pdf_and_as_csv(personas):
    made = {}
    for kind in (RECORD_PDF, RECORD_CSV):
        document = document_request(kind=kind, organisation=personas.org_a,
                                    requested_by=personas.alice,
                                    title="Behandlingsprotokoll – Askvik kommune", language="nb")
        document = document_run(str(document.pk))
        assert document.status == "done", document.error
        made[kind] = document.file.read()
    # Tagged as every PDF kind is (tests/test_pdf_accessibility.py): tree, language, title,
    # headings in order, scoped header cells that the data cells point at.
    pdf = assert_tagged(made[RECORD_PDF], title="Behandlingsprotokoll – Askvik kommune")
    assert "Row" in pdf.header_scopes  # each kind of data heads its row
    assert set(record_header()) <= set(pdf.header_cells)
    rows = list(csv.reader(io.StringIO(made[RECORD_CSV].decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == record_header()
    assert len(rows) - 1 == len(processing_record(organisation=personas.org_a).rows)
