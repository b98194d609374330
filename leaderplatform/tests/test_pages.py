"""The platform page, the process page and the Min side panel."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from lib.testing import count_queries

from ..models import Behaviour, Characteristic, CharacteristicStatus, Step
from .conftest import at_step, publish

pytestmark = pytest.mark.django_db


def test_min_side_shows_the_platform_and_what_the_process_asks_now(client, lp):
    client.force_login(lp.member.user)
    at_step(lp.version, Step.BRAINSTORM)
    page = client.get(reverse("accounts:min_side")).content.decode()
    assert reverse("leaderplatform:proposals", args=[lp.version.uuid]) in page
    publish(at_step(lp.version, Step.PURPOSE) and lp)
    page = client.get(reverse("accounts:min_side")).content.decode()
    assert reverse("leaderplatform:platform") in page
    assert reverse("leaderplatform:assessment_start") in page
    client.force_login(lp.personas.charlie)  # the other municipality has no platform
    page = client.get(reverse("accounts:min_side")).content.decode()
    assert reverse("leaderplatform:platform") not in page


def test_the_published_platform_in_the_readers_language(client, lp):
    publish(lp)
    lp.other.user.language = "nn"
    lp.other.user.save()
    client.force_login(lp.other.user)
    page = client.get(reverse("leaderplatform:platform")).content.decode()
    assert "Oppgåveorientert leiing" in page and "Tydeleg på mål og forventningar" in page
    assert "Kva vil det seie å vere tydeleg som leiar?" in page
    assert "Følger opp avtaler og frister" in page  # written in bokmål only
    assert "Alltid tilgjengelig" not in page  # not adopted


def test_a_draft_shows_the_process_with_its_dates(client, lp):
    plan = lp.version.step_plans.get(step=Step.BRAINSTORM)
    plan.note = "Ledersamling på Fjellstua"
    plan.save()
    at_step(lp.version, Step.BRAINSTORM)
    client.force_login(lp.other.user)
    page = client.get(reverse("leaderplatform:version", args=[lp.version.uuid]))
    text = page.content.decode()
    assert "Ledersamling på Fjellstua" in text and 'aria-current="step"' in text
    client.force_login(lp.personas.charlie)
    assert client.get(reverse("leaderplatform:version",
                              args=[lp.version.uuid])).status_code == 404


def test_the_platform_page_costs_the_same_queries_for_ten_times_the_content(client, lp):
    version = publish(lp)
    theme = version.themes.first()
    client.force_login(lp.other.user)

    def grow(n: int) -> None:
        for i in range(n):
            c = Characteristic.objects.create(version=version, theme=theme, text_nb=f"K {i}",
                                              status=CharacteristicStatus.ADOPTED)
            Behaviour.objects.create(characteristic=c, text_nb=f"Atferd {i}")

    # session, user with leader profile (accounts.access.leader_for asks no query of its
    # own), published version, the version again through the access helper, the
    # content's digest, step plans, the draft under way: 7 when the content is as
    # the process read it last (lib.content). The first visit after an edit also reads
    # it: themes, characteristics, behaviours and the published modules that build each
    # characteristic, 11. Both the same at 1× and 10×. (SQLite has no digest: 10 each time.)
    url = reverse("leaderplatform:platform")
    client.get(url)  # the session's first request does its one-off work
    counts = {}
    for n in (1, 9):
        grow(n)
        counts[n] = (count_queries(lambda: client.get(url))[0],
                     count_queries(lambda: client.get(url))[0])
    expected = (11, 7) if connection.vendor == "postgresql" else (10, 10)
    assert counts == {1: expected, 9: expected}
