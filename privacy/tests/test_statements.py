"""The accessibility and privacy statements: per municipality, in nb/nn/en, at first login."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from lib.models import AuditEntry, GeneratedDocument
from privacy.defaults import KNOWN_DEVIATIONS, PRIVACY, multilingual
from privacy.documents import RECORD_PDF
from privacy.models import (
    AccessibilityStatement,
    KnownDeviation,
    PrivacyAcknowledgement,
    PrivacyStatement,
)
from privacy.services import accessibility_statement_get
from privacy.services.retention import years_before
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SCOPE = {
    "askvik": {"nb": "Askviks portal, bokmål.", "nn": "Askvik sin portal, nynorsk.",
               "en": "The portal of Askvik, English."},
    "brattli": {"nb": "Brattlis portal, bokmål.", "nn": "Brattli sin portal, nynorsk.",
                "en": "The portal of Brattli, English."},
}
PURPOSES = {
    "askvik": {"nb": "Askvik: formål på bokmål.", "nn": "Askvik: føremål på nynorsk.",
               "en": "Askvik: purposes in English."},
    "brattli": {"nb": "Brattli: formål på bokmål.", "nn": "Brattli: føremål på nynorsk.",
                "en": "Brattli: purposes in English."},
}


def _statements(organisation, email: str) -> PrivacyStatement:
    statement = accessibility_statement_get(organisation=organisation, feedback_email=email)
    for language, text in SCOPE[organisation.slug].items():
        setattr(statement, f"scope_{language}", text)
    statement.save()
    texts = {**{k: v for name, t in PRIVACY.items() for k, v in multilingual(name, t).items()},
             **multilingual("purposes", PURPOSES[organisation.slug])}
    return PrivacyStatement.objects.create(
        organisation=organisation, controller=f"{organisation.name} v/ kommunedirektøren",
        controller_contact="Rådhusgata 1\n4000 Askvik", dpo_name="Pål Personvern",
        dpo_email=f"personvern@{organisation.slug}.example", **texts)


@pytest.fixture
def both(personas):
    return (_statements(personas.org_a, "uu@askvik.example"),
            _statements(personas.org_b, "uu@brattli.example"))


def _client(user, language: str) -> Client:
    user.language = language
    user.save()
    client = Client()
    client.force_login(user)
    session = client.session
    session.pop("privacy_notice", None)  # the notice is tested on its own below
    session.save()
    return client


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_each_municipality_sees_its_own_statements_in_its_language(personas, both, language):
    for user, own, other in [(personas.bob, "askvik", "brattli"),
                             (personas.dora_leader.user, "brattli", "askvik")]:
        client = _client(user, language)
        page = client.get(reverse("privacy:accessibility")).content.decode()
        assert SCOPE[own][language] in page
        assert SCOPE[other][language] not in page and SCOPE[own]["nb" if language != "nb"
                                                                  else "en"] not in page
        assert f"uu@{own}.example" in page
        page = client.get(reverse("privacy:privacy")).content.decode()
        assert PURPOSES[own][language] in page and PURPOSES[other][language] not in page
        assert f"personvern@{own}.example" in page


def test_the_deviations_are_prefilled_and_shown_with_their_criterion(personas, both):
    statement = AccessibilityStatement.objects.get(organisation=personas.org_a)
    assert [d.criterion for d in statement.deviations.all()] == \
        [row["criterion"] for row in KNOWN_DEVIATIONS]
    page = _client(personas.bob, "nn").get(reverse("privacy:accessibility")).content.decode()
    assert KNOWN_DEVIATIONS[0]["criterion"] in page
    assert KNOWN_DEVIATIONS[0]["description"]["nn"][:40] in page


def test_anonymous_visitors_get_the_list_and_each_statement_by_its_slug(personas, both):
    client = Client()
    page = client.get(reverse("privacy:accessibility")).content.decode()
    assert "Askvik kommune" in page and "Brattli kommune" in page
    assert "?kommune=brattli" in page
    page = client.get(reverse("privacy:accessibility"), {"kommune": "brattli"}).content.decode()
    assert SCOPE["brattli"]["nb"] in page and SCOPE["askvik"]["nb"] not in page
    client.cookies["lederutvikling_language"] = "nn"
    page = client.get(reverse("privacy:privacy"), {"kommune": "askvik"}).content.decode()
    assert PURPOSES["askvik"]["nn"] in page
    assert client.get(reverse("privacy:privacy"), {"kommune": "finst-ikkje"}).status_code == 404
    assert client.get(reverse("privacy:accessibility"),
                      {"kommune": "finst-ikkje"}).status_code == 404


def test_a_municipality_without_statements_gets_the_portals_own(personas):
    client = _client(personas.bob, "en")
    page = client.get(reverse("privacy:accessibility")).content.decode()
    assert KNOWN_DEVIATIONS[0]["description"]["en"][:40] in page
    page = client.get(reverse("privacy:privacy")).content.decode()
    assert "has not published a privacy statement" in page


# --- The statement at first login -----------------------------------------------------------

def _login(client: Client, email: str):
    return client.post(reverse("login"), {"username": email, "password": PASSWORD},
                       follow=True)


def test_a_new_leader_is_sent_to_the_privacy_statement_once_then_to_min_side(personas, both):
    client = Client()
    response = _login(client, "bob@askvik.example")
    assert response.redirect_chain[-1][0].startswith(reverse("privacy:privacy") + "?next=")
    page = response.content.decode()
    assert PURPOSES["askvik"]["nb"] in page and "privacy_read" not in page
    assert reverse("privacy:privacy_read") in page
    # Going elsewhere first: the notice is not forced a second time in the same session.
    assert client.get(reverse("accounts:min_side")).status_code == 200
    response = client.post(reverse("privacy:privacy_read"), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:min_side")
    assert PrivacyAcknowledgement.objects.filter(user=personas.bob, version=1).count() == 1
    client.post(reverse("logout"))
    response = _login(Client(), "bob@askvik.example")
    assert response.redirect_chain[-1][0] == reverse("accounts:min_side")


def test_a_new_version_everyone_must_read_is_shown_again(personas, both):
    a_statement, _b = both
    PrivacyAcknowledgement.objects.create(user=personas.bob, organisation=personas.org_a,
                                          version=1)
    client = _admin(personas.alice)
    data = _privacy_form(a_statement, everyone_reads="on")
    response = client.post(reverse("admin:privacy_privacystatement_change",
                                   args=[a_statement.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    a_statement.refresh_from_db()
    assert a_statement.version == 2
    assert AuditEntry.objects.filter(action="privacy.statement.saved").count() == 1
    response = _login(Client(), "bob@askvik.example")
    assert response.redirect_chain[-1][0].startswith(reverse("privacy:privacy"))
    # A correction of wording: same version, no one is sent again.
    client.post(reverse("admin:privacy_privacystatement_change", args=[a_statement.pk]),
                _privacy_form(a_statement))
    a_statement.refresh_from_db()
    assert a_statement.version == 2


def test_without_a_statement_no_one_is_sent_anywhere(personas):
    response = _login(Client(), "bob@askvik.example")
    assert response.redirect_chain[-1][0] == reverse("accounts:min_side")


# --- O&F in the admin -----------------------------------------------------------------------

def _admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _privacy_form(statement: PrivacyStatement, **extra) -> dict:
    fields = ["controller", "controller_contact", "dpo_name", "dpo_email", "dpo_phone",
              *(f"{name}_{language}" for name in PRIVACY for language in ("nb", "nn", "en"))]
    return {**{name: getattr(statement, name) for name in fields}, **extra}


def test_oaf_lands_on_their_own_accessibility_statement_made_with_the_defaults(personas):
    client = _admin(personas.alice)
    response = client.get(reverse("admin:privacy_accessibilitystatement_changelist"))
    statement = AccessibilityStatement.objects.get(organisation=personas.org_a)
    assert response["Location"] == reverse("admin:privacy_accessibilitystatement_change",
                                           args=[statement.pk])
    assert statement.feedback_email == "alice@askvik.example"
    assert KnownDeviation.objects.filter(statement=statement).count() == len(KNOWN_DEVIATIONS)
    assert client.get(response["Location"]).status_code == 200
    # Brattli's O&F cannot open Askvik's.
    other = _admin(personas.charlie)
    assert other.get(response["Location"]).status_code == 404


def test_oaf_writes_the_privacy_statement_from_the_prefilled_form(personas):
    client = _admin(personas.alice)
    response = client.get(reverse("admin:privacy_privacystatement_changelist"))
    assert response["Location"] == reverse("admin:privacy_privacystatement_add")
    form = client.get(response["Location"]).content.decode()
    assert PRIVACY["legal_basis"]["nn"][:40] in form and "Askvik kommune" in form
    data = {**{k: v for name, t in PRIVACY.items() for k, v in multilingual(name, t).items()},
            "controller": "Askvik kommune", "controller_contact": "postmottak@askvik.example",
            "dpo_name": "Pål Personvern", "dpo_email": "personvern@askvik.example",
            "dpo_phone": ""}
    response = client.post(reverse("admin:privacy_privacystatement_add"), data)
    assert response.status_code == 302
    statement = PrivacyStatement.objects.get(organisation=personas.org_a)
    assert statement.version == 1
    # One per municipality: no second add.
    assert client.get(reverse("admin:privacy_privacystatement_add")).status_code == 403
    bad = {**data, "dpo_email": "ikke en adresse"}
    response = client.post(reverse("admin:privacy_privacystatement_change",
                                   args=[statement.pk]), bad)
    assert response.status_code == 200 and "errornote" in response.content.decode()


def test_oaf_sees_what_will_be_deleted_next_and_orders_the_record(personas,
                                                                 django_capture_on_commit_callbacks):
    client = _admin(personas.alice)
    response = client.get(reverse("admin:privacy_retentionpolicy_changelist"))
    assert response.status_code == 302
    AuditEntry.objects.create(organisation=personas.org_a, action="test.done",
                              created_at=years_before(timezone.now(), 6))
    page = client.get(reverse("admin:privacy_retention_preview"))
    assert page.status_code == 200
    rows = {row.kind.key: row for row in page.context["preview"].rows}
    assert set(rows) == {"drafts", "reminders", "history", "leavers", "documents"}
    assert rows["history"].due_now == 1 and rows["drafts"].due_now == 0
    with translation.override("nb"):
        assert all(str(row.kind.label) in page.content.decode() for row in rows.values())
    page = client.get(reverse("admin:privacy_processing_record"))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("admin:privacy_processing_record"), {"kind": RECORD_PDF})
    document = GeneratedDocument.objects.get(kind=RECORD_PDF)
    assert document.organisation == personas.org_a
    assert response["Location"] == reverse("lib:document_detail", args=[document.pk])
    response = client.post(reverse("admin:privacy_processing_record"), {"kind": "nonsense"})
    assert response.status_code == 302 and GeneratedDocument.objects.count() == 1
    # A system administrator serves every municipality: these pages are O&F's own.
    root = UserFactory(organisation=None, is_superuser=True, email="drift@example.no")
    assert _admin(root).get(reverse("admin:privacy_retention_preview")).status_code == 403
    # A leader has no admin.
    leader = _admin(personas.bob)
    assert leader.get(reverse("admin:privacy_retention_preview")).status_code == 302


def test_the_preview_and_the_statement_do_not_grow_with_rows(personas):
    """Counts and a prefetch: the same number of queries at 1× and 10× rows."""
    from lib.testing import assert_queries_stable

    statement = accessibility_statement_get(organisation=personas.org_a,
                                            feedback_email="uu@askvik.example")
    old = years_before(timezone.now(), 7)

    def grow(n: int) -> None:
        for _ in range(n):
            AuditEntry.objects.create(organisation=personas.org_a, action="test.done",
                                      created_at=old)
            KnownDeviation.objects.create(statement=statement, criterion="1.4.3",
                                          description_nb="Lav kontrast i «Del»-knappen")

    oaf = _admin(personas.alice)
    assert_queries_stable(lambda: oaf.get(reverse("admin:privacy_retention_preview")),
                          grow=grow)
    leader = _client(personas.bob, "nb")
    assert_queries_stable(lambda: leader.get(reverse("privacy:accessibility")), grow=grow)
