"""O&F enter a supplier's offer once, through the admin, and read the planned total from the
cost overview's CSV and PDF; bad numbers are form errors with codes."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from lib.documents import document_run
from lib.models import GeneratedDocument
from lib.money import display
from lib.pdf_testing import available, printed
from programs.tests.factories import ProgrammeFactory
from reports.documents import COSTS_CSV, COSTS_PDF
from reports.models import ContractTerm, TermKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bokmaal")]


EMPTY = {"label": "", "position": "0", "gatherings": "", "advisers": "", "meetings": "",
         "meetings_per_day": "", "leaders": "", "sessions": "", "session_minutes": "",
         "delivered_on": "", "_save": "Lagre"}
# The offer of a consultancy to a municipality (seed 004), with invented labels.
OFFER = [
    {"kind": TermKind.ADVISER_DAY, "label": "Ledersamlinger med to rådgivere",
     "unit_price": "21875", "gatherings": "4", "advisers": "2", "position": "1"},
    {"kind": TermKind.NETWORK_DAY, "label": "Nettverksmøter med rådgiver",
     "unit_price": "17500", "meetings": "16", "meetings_per_day": "2", "position": "2"},
    {"kind": TermKind.FIXED, "label": "Evaluering og oppfølging etter programmet",
     "unit_price": "17500", "position": "3"},
    {"kind": TermKind.COACHING, "label": "Individuell lederveiledning",
     "unit_price": "2187.50", "leaders": "20", "sessions": "4", "session_minutes": "60",
     "position": "4"},
]


@pytest.fixture
def programme(personas):
    return ProgrammeFactory(organisation=personas.org_a, name="Tindeleiaren")


def _add(client, programme, data):
    return client.post(reverse("admin:reports_contractterm_add"),
                       {**EMPTY, "programme": programme.pk, **data})


def _report(client, programme, kind, django_capture_on_commit_callbacks) -> GeneratedDocument:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:reports_reportjob_add"),
                               {"kind": kind, "programme": programme.pk, "first": "",
                                "last": ""})
    assert response.status_code == 302
    document = GeneratedDocument.objects.filter(kind=kind).latest("pk")
    return document_run(str(document.pk))  # a no-op if the eager worker already built it


def test_an_offer_entered_in_the_admin_gives_the_exact_planned_total(
        client, personas, programme, django_capture_on_commit_callbacks):
    client.force_login(personas.alice)
    for term in OFFER:
        response = _add(client, programme, term)
        assert response.status_code == 302, response.context["adminform"].form.errors
    assert ContractTerm.objects.filter(programme=programme).count() == 4
    assert ContractTerm.objects.get(kind=TermKind.COACHING).unit_price == Decimal("2187.50")

    document = _report(client, programme, COSTS_CSV, django_capture_on_commit_callbacks)
    rows = list(csv.reader(io.StringIO(document.file.read().decode("utf-8-sig")),
                           delimiter=";"))
    totals = {r[1]: r for r in rows if r[0] == _("Total")}
    # 175 000 + 140 000 + 17 500 (the offer's "SUM") + 20 × 4 × 1 h × 2 187,50.
    assert totals[_("Total ex. VAT")][4] == "507500,00"
    assert totals[_("O&F")][4] == "332500,00"  # O&F's part: the offer's "SUM"
    assert totals[_("Total inc. VAT")][4] == "634375,00"
    arithmetic = {r[1]: r[3] for r in rows}
    assert arithmetic["Ledersamlinger med to rådgivere"] == "4 × 2 × 21\u202f875,00"

    if available():
        pdf = _report(client, programme, COSTS_PDF, django_capture_on_commit_callbacks)
        text = printed(pdf.file.read())
        assert text.off_page == []
        assert text.has(display(Decimal("507500.00"))) and text.has(display(
            Decimal("634375.00")))


@pytest.mark.parametrize(("data", "field", "code"), [
    ({"kind": TermKind.ADVISER_DAY, "unit_price": "-21875", "gatherings": "4", "advisers": "2"},
     "unit_price", "min_value"),
    ({"kind": TermKind.ADVISER_DAY, "unit_price": "21875000000", "gatherings": "4",
      "advisers": "2"}, "unit_price", "max_whole_digits"),
    ({"kind": TermKind.ADVISER_DAY, "unit_price": "99999999", "gatherings": "4",
      "advisers": "2"}, "unit_price", "max_value"),
    ({"kind": TermKind.ADVISER_DAY, "unit_price": "21875", "gatherings": "4",
      "advisers": "-2"}, "advisers", "min_value"),
    ({"kind": TermKind.NETWORK_DAY, "unit_price": "17500", "meetings": "16",
      "meetings_per_day": "9"}, "meetings_per_day", "max_value"),
    ({"kind": TermKind.NETWORK_DAY, "unit_price": "17500", "meetings": "16"},
     "meetings_per_day", "term_quantity_missing"),
    ({"kind": TermKind.COACHING, "unit_price": "2187.50", "leaders": "20", "sessions": "4",
      "session_minutes": "6000"}, "session_minutes", "max_value"),
    ({"kind": TermKind.FIXED, "unit_price": "17500"}, "label", "term_label_missing"),
])
def test_bad_numbers_are_form_errors_and_nothing_is_stored(client, personas, programme, data,
                                                           field, code):
    client.force_login(personas.alice)
    response = _add(client, programme, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert code in [error.code for error in errors[field]]
    assert not ContractTerm.objects.exists()


def test_model_clean_names_its_codes_and_drops_other_kinds_quantities(programme):
    term = ContractTerm(programme=programme, kind=TermKind.COACHING, unit_price=Decimal("1"))
    with pytest.raises(ValidationError) as caught:
        term.full_clean()
    codes = {f: [e.code for e in errors] for f, errors in caught.value.error_dict.items()}
    assert codes == {"leaders": ["term_quantity_missing"], "sessions": ["term_quantity_missing"],
                     "session_minutes": ["term_quantity_missing"]}
    term = ContractTerm(programme=programme, kind=TermKind.FIXED, label="Materiell",
                        unit_price=Decimal("5000"), gatherings=4)
    term.full_clean()
    assert term.gatherings is None


def test_another_municipality_cannot_see_or_add_to_the_programme(client, personas, programme):
    client.force_login(personas.alice)
    _add(client, programme, OFFER[0])
    term = ContractTerm.objects.get()
    client.force_login(personas.charlie)
    assert client.get(reverse("admin:reports_contractterm_change",
                              args=[term.pk])).status_code == 404
    response = _add(client, programme, OFFER[2])
    assert response.status_code == 200 and ContractTerm.objects.count() == 1
