"""The programme dashboard: figures with their population, charts with tables, the PDF."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cockpit.documents import DASHBOARD_PDF, build_dashboard_pdf
from cockpit.selectors import programme_dashboard
from lib.documents import document_request
from lib.models import GeneratedDocument
from lib.pdf_testing import printed
from lib.testing import assert_queries_stable
from programs.models import ProgrammeParticipant
from programs.tests.factories import ModuleFactory, ModuleSessionFactory
from reports.models import ProgrammeBudget
from reports.status import TRACKS
from tests.factories import LeaderFactory, UnitFactory

from .conftest import complete, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, module, participants):
    """Bob completes the module; Berit takes part in the whole programme."""
    complete(participants[0], list(module.sessions.all()[:2]))
    ProgrammeParticipant.objects.create(programme=module.programme, leader=personas.boss_leader)
    ProgrammeBudget.objects.create(programme=module.programme, oaf_amount=Decimal("100000"),
                                   units_amount=Decimal("50000"))
    return module


def test_figures_count_the_reached_out_of_the_population(personas, world):
    board = programme_dashboard(programme=world.programme)
    assert board.leaders == 4  # Berit, Bob and the two seated leaders
    assert board.reached.value == 4
    tracks = dict(zip(TRACKS, (bar.value for bar in board.per_track), strict=True))
    assert tracks == {"gatherings": 1, "modules": 3, "groups": 0, "networks": 0,
                      "coaching": 0}
    row = board.modules[0]
    assert (row.seated, row.capacity, row.completed) == (3, 20, 1)
    areas = {bar.label: (bar.value, bar.total) for bar in board.per_area}
    assert areas["Helse og velferd"] == (2, 2)  # Berit and Bob, in the area's subtree
    assert board.costs.budget_for() == Decimal("150000.00")


def test_the_page_draws_accessible_charts_with_the_same_numbers_in_tables(client, personas,
                                                                          world):
    client.force_login(personas.alice)
    response = client.get(reverse("admin:cockpit_dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    svgs = re.findall(r'<svg class="cockpit-svg"[^>]*>.*?</svg>', html, re.S)
    assert svgs and all('role="img"' in svg and "<title" in svg for svg in svgs)
    assert html.count("<table") >= len(svgs)
    # Every figure is a link to the list behind it, and the module's list opens.
    link = reverse("admin:programs_enrollment_changelist")
    assert f'href="{link}?module={world.pk}&amp;status__exact=plass"' in html
    listed = client.get(f"{link}?module={world.pk}&status__exact=plass")
    assert listed.status_code == 200 and listed.context["cl"].result_count == 3


def test_filters_by_period_and_refuses_a_backwards_one(client, personas, world):
    client.force_login(personas.alice)
    today = timezone.localdate()
    response = client.get(reverse("admin:cockpit_dashboard"), {
        "programme": world.programme.pk, "first": (today + dt.timedelta(days=200)).isoformat(),
        "last": (today + dt.timedelta(days=300)).isoformat()})
    assert response.status_code == 200 and response.context["board"].modules == []
    response = client.get(reverse("admin:cockpit_dashboard"), {
        "programme": world.programme.pk, "first": today.isoformat(),
        "last": (today - dt.timedelta(days=3)).isoformat()})
    assert response.status_code == 200 and response.context["board"] is None
    assert response.context["form"].errors


def test_another_municipality_cannot_choose_a_programme_of_a(client, personas, world):
    client.force_login(personas.charlie)
    response = client.get(reverse("admin:cockpit_dashboard"), {"programme": world.programme.pk})
    assert response.status_code == 200
    assert response.context["board"] is None or \
        response.context["board"].programme.organisation_id == personas.org_b.pk
    assert "Fjordviklederen" not in response.content.decode()


def test_dashboard_queries_do_not_grow_with_the_data(client, personas, world):
    client.force_login(personas.alice)
    area = UnitFactory(organisation=personas.org_a, name="Oppvekst", kind="tjenesteomrade")

    def grow(n):
        for index in range(n):
            module = ModuleFactory(programme=world.programme, topic=f"Kommunikasjon {index}")
            session = ModuleSessionFactory(module=module, date=timezone.localdate()
                                           + dt.timedelta(days=10))
            for _ in range(2):
                leader = LeaderFactory(organisation=personas.org_a,
                                       unit=UnitFactory(organisation=personas.org_a,
                                                        name="Skole", parent=area))
                complete(seat(module, leader), [session])

    assert_queries_stable(lambda: client.get(reverse("admin:cockpit_dashboard")), grow=grow)


@pytest.mark.usefixtures("bokmaal")
def test_the_pdf_for_the_leadership_prints_the_figures(client, personas, world,
                                                       django_capture_on_commit_callbacks):
    client.force_login(personas.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:cockpit_dashboard_pdf"),
                               {"programme": world.programme.pk})
    document = GeneratedDocument.objects.get(kind=DASHBOARD_PDF)
    assert response["Location"] == reverse("lib:document_detail", args=[document.pk])
    document.refresh_from_db()
    assert document.status == "done", document.error
    pdf = printed(document.file.read())
    assert pdf.has("Fjordviklederen 2026–2027")
    assert pdf.has("Endringsledelse")
    assert pdf.has(f"Endringsledelse (vår {world.year}) 3 / 20 (15 %)")  # the chart's words
    assert pdf.has("3 20 15 %")  # the same numbers in its table
    assert pdf.off_page == []


def test_the_pdf_builder_refuses_a_programme_of_another_municipality(personas, world):
    document = document_request(kind=DASHBOARD_PDF, organisation=personas.org_b,
                                requested_by=personas.charlie, title="x",
                                params={"programme": world.programme.pk})
    from programs.models import Programme

    with pytest.raises(Programme.DoesNotExist):
        build_dashboard_pdf(document, lambda _n: None)
