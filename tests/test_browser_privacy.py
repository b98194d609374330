"""Chromium: a new leader's first login shows their municipality's privacy statement once,
then Min side; the next login goes straight to Min side. The statement page passes axe-core
and fits a 320 px wide screen; the footer links to both statements on every page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.testing import axe_violations
from privacy.defaults import PRIVACY, multilingual
from privacy.models import PrivacyAcknowledgement, PrivacyStatement
from tests.factories import PASSWORD, LeaderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWN_PURPOSE = "Askvik kommune bruker opplysningene til lederutvikling – også for nye ledere."


def _login(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/konto/logg-inn/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn", exact=True).click()


def test_a_new_leader_sees_the_privacy_statement_at_first_login(live_server, page, personas):
    base = live_server.url
    texts = {k: v for name, t in PRIVACY.items() for k, v in multilingual(name, t).items()}
    PrivacyStatement.objects.create(
        organisation=personas.org_a, controller="Askvik kommune v/ kommunedirektøren",
        controller_contact="postmottak@askvik.example", dpo_name="Pål Personvern",
        dpo_email="personvern@askvik.example", **{**texts, "purposes_nb": OWN_PURPOSE})
    newcomer = LeaderFactory(organisation=personas.org_a, unit=personas.bob_leader.unit,
                             user__email="ny.leder@askvik.example",
                             user__full_name="Nora Nyleder")

    page.set_viewport_size({"width": 320, "height": 800})
    _login(page, base, "ny.leder@askvik.example")
    page.wait_for_url(f"{base}/personvern/?next=*")
    expect(page.locator("main")).to_contain_text(OWN_PURPOSE)
    expect(page.locator("main")).to_contain_text("personvern@askvik.example")
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []
    footer = page.locator("footer")
    expect(footer.locator("a[href='/personvern/']")).to_be_visible()
    expect(footer.locator("a[href='/tilgjengelighet/']")).to_be_visible()

    page.locator("form[action='/personvern/lest/'] button[type=submit]").click()
    page.wait_for_url(f"{base}/min-side/")
    assert PrivacyAcknowledgement.objects.filter(user=newcomer.user, version=1).exists()
    # Read once: the statement is still there from the footer, without the button.
    page.locator("footer a[href='/personvern/']").click()
    page.wait_for_url(f"{base}/personvern/")
    expect(page.locator("main")).to_contain_text(OWN_PURPOSE)
    expect(page.locator("form[action='/personvern/lest/']")).to_have_count(0)

    _login(page, base, "ny.leder@askvik.example")
    page.wait_for_url(f"{base}/min-side/")


PURPOSE = {"askvik": {"nb": "Askvik: formål på bokmål.", "nn": "Askvik: føremål på nynorsk.",
                      "en": "Askvik: purposes in English."},
           "brattli": {"nb": "Brattli: formål på bokmål.", "nn": "Brattli: føremål på nynorsk.",
                       "en": "Brattli: purposes in English."}}
SCOPE = {"askvik": {"nb": "Askviks portal, bokmål.", "nn": "Askvik sin portal, nynorsk.",
                    "en": "The portal of Askvik, English."},
         "brattli": {"nb": "Brattlis portal, bokmål.", "nn": "Brattli sin portal, nynorsk.",
                     "en": "The portal of Brattli, English."}}


def _both_statements(organisation) -> None:
    from privacy.services import accessibility_statement_get

    slug = organisation.slug
    statement = accessibility_statement_get(organisation=organisation,
                                            feedback_email=f"uu@{slug}.example")
    for language, text in SCOPE[slug].items():
        setattr(statement, f"scope_{language}", text)
    statement.save()
    texts = {k: v for name, t in PRIVACY.items() for k, v in multilingual(name, t).items()}
    PrivacyStatement.objects.create(
        organisation=organisation, controller=f"{organisation.name} v/ kommunedirektøren",
        controller_contact=f"postmottak@{slug}.example", dpo_name="Pål Personvern",
        dpo_email=f"personvern@{slug}.example",
        **{**texts, **multilingual("purposes", PURPOSE[slug])})


@pytest.mark.parametrize(("municipality", "language"),
                         [("askvik", "en"), ("brattli", "nn"), ("brattli", "nb")])
def test_each_municipality_shows_its_own_statements_in_the_leaders_language(
        live_server, page, personas, municipality, language):
    """First login of a new leader in nb, nn or en: their municipality's privacy statement,
    then from the footer its accessibility statement; the other municipality's texts and
    the other languages' texts are not there."""
    base = live_server.url
    _both_statements(personas.org_a)
    _both_statements(personas.org_b)
    organisation, unit = ((personas.org_a, personas.bob_leader.unit) if municipality == "askvik"
                          else (personas.org_b, personas.dora_leader.unit))
    other = "brattli" if municipality == "askvik" else "askvik"
    email = f"ny.{language}@{municipality}.example"
    LeaderFactory(organisation=organisation, unit=unit, user__email=email,
                  user__language=language)

    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, base, email)
    page.wait_for_url(f"{base}/personvern/?next=*")
    assert page.locator("html").get_attribute("lang") == language
    main = page.locator("main")
    expect(main).to_contain_text(PURPOSE[municipality][language])
    expect(main).to_contain_text(f"personvern@{municipality}.example")
    for text in [PURPOSE[other][language],
                 *(PURPOSE[municipality][lang] for lang in PURPOSE[municipality]
                   if lang != language)]:
        expect(main).not_to_contain_text(text)
    expect(page.locator("form[action='/personvern/lest/']")).to_have_count(1)

    page.locator("footer a[href='/tilgjengelighet/']").click()
    page.wait_for_url(f"{base}/tilgjengelighet/")
    expect(main).to_contain_text(SCOPE[municipality][language])
    expect(main).to_contain_text(f"uu@{municipality}.example")
    expect(main).not_to_contain_text(SCOPE[other][language])
    expect(main).not_to_contain_text("uu@" + other)
