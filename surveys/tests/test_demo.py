"""The demo data gives every demo account something real to see."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from surveys.models import Response, Round
from surveys.reports.group import group_report
from surveys.reports.needs import NeedsFilter, needs_report

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_surveys_for_the_demo_accounts(client):
    call_command("seed_demo", verbosity=0)
    needs = Round.objects.get(kind="needs", organisation__slug="fjordvik",
                              closes_on__lt=Round.objects.filter(kind="needs").latest(
                                  "closes_on").closes_on)
    assert 240 <= Response.objects.filter(round=needs).count() <= 260
    assert 600 <= needs.invitations.count() <= 700
    report = needs_report(needs, NeedsFilter(by="area"))
    assert report.status.shown and sum(c.n is not None for c in report.breakdown.columns) >= 6
    assert not Response.objects.exclude(respondent=None).exists()
    kinds = {result.item.kind for result in report.choices if result.shown}
    assert kinds == {"single", "multiple", "ranking"}  # the demo shows choice items too
    assert report.breakdown.choices

    above = User.objects.get(email="leders.leder@fjordvik.example")
    client.force_login(above)
    page = client.get(reverse("accounts:min_side")).content.decode()
    assert "Undersøkelser som venter på deg" in page and "Behovskartlegging" in page
    effect = Round.objects.filter(kind="effect", phase="after",
                                  group__head__user=above).first()
    assert effect is not None and group_report(effect).paired
    assert client.get(reverse("surveys:report", args=[effect.pk])).status_code == 200

    assert Round.objects.filter(kind="evaluation", organisation__slug="fjordvik").exists()
    assert Round.objects.filter(kind="evaluation", organisation__slug="lia").exists()
    call_command("seed_demo", reset=True, verbosity=0)  # and it can be built again
    assert Round.objects.filter(kind="needs").count() == 3
