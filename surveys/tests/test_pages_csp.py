"""Every surveys page keeps the strict CSP: no inline style, no script without a nonce;
and headings start at h1."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from surveys import services
from surveys.models import Round

from .factories import bulk_responses, close, make_round

pytestmark = pytest.mark.django_db


def _check(html: str) -> None:
    assert not re.search(r"<[^>]+\sstyle=", html), "inline style attribute"
    assert "<style" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "nonce=" in tag and "src=" in tag
    assert html.count("<h1") == 1


def test_every_page_is_csp_clean(client, personas, instruments, team, held_session):
    needs = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    bulk_responses(needs, [{"area": personas.boss_leader.unit, "level": "teamleder",
                            "years_band": "1-3"}] * 6)
    close(needs)
    bulk_responses(team.before, [{}] * 5)
    close(team.before)
    services.evaluations_open_due()
    evaluation = Round.objects.get(kind="evaluation")
    client.force_login(personas.alice)
    for url in (reverse("surveys:index"), reverse("surveys:evaluations"),
                reverse("surveys:report", args=[team.before.pk]),
                reverse("surveys:report", args=[needs.pk]) + "?by=level",
                reverse("surveys:report", args=[evaluation.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        _check(response.content.decode())
    client.force_login(personas.bob)
    for url in (reverse("surveys:answer", args=[evaluation.pk]), reverse("surveys:thanks"),
                reverse("surveys:answer", args=[team.before.pk])):
        _check(client.get(url).content.decode())
