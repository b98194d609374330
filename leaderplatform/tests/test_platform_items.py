"""Published characteristics in use: as session-evaluation items (reports grouped by
characteristic and theme, thresholds kept), in the self-assessment (the standard three
orientations until a municipality publishes its own), and on the modules that build them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.privacy import personal_data_export
from lib.testing import assert_refused
from programs.tests.factories import ModuleFactory, ModuleSessionFactory, ProgrammeFactory
from surveys.models import Instrument, InstrumentKind, Item
from surveys.reports.evaluation import evaluation_report
from surveys.selectors import default_instrument
from surveys.tests.factories import InstrumentFactory, add_item, bulk_responses, close, make_round
from tests.factories import LeaderFactory, UserFactory

from .. import selectors, services
from ..admin import CharacteristicForm
from ..models import Behaviour, Characteristic, CharacteristicStatus, SelfAssessment
from ..services.instruments import DIMENSION_PREFIX, ITEM_PREFIX
from .conftest import all_scores, in_english, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(lp):
    return publish(lp)


def _base_evaluation(org):
    instrument = InstrumentFactory(kind=InstrumentKind.EVALUATION, organisation=org,
                                   key="samling", name_nb="Evaluering av samlingen")
    add_item(instrument, "scale", key="nytte", scale_max=5, order=1)
    return instrument


# -- session evaluations -------------------------------------------------------------------
def test_a_published_version_becomes_the_session_evaluation(lp, published):
    base = _base_evaluation(lp.org)
    instrument = services.evaluation_instrument_build(version=published, actor=lp.oaf)
    assert instrument.organisation_id == lp.org.pk
    assert instrument.kind == InstrumentKind.EVALUATION and instrument.is_active
    assert default_instrument(lp.org.pk, InstrumentKind.EVALUATION) == instrument
    # The evaluation's own question first, then one group per adopted characteristic.
    keys = list(instrument.items.order_by("order").values_list("key", flat=True))
    assert keys[0] == "nytte" and len(keys) == 4
    dimensions = list(instrument.dimensions.order_by("order"))
    adopted = list(Characteristic.objects.filter(version=published,
                                                 status=CharacteristicStatus.ADOPTED)
                   .order_by("theme__position", "position"))
    assert [d.key for d in dimensions] == [f"{DIMENSION_PREFIX}{c.pk}" for c in adopted]
    # Every language O&F wrote is carried; the theme names the group.
    goals = dimensions[0]
    assert goals.name_nn == "Tydeleg på mål og forventningar"
    assert goals.description_nb == "Oppgaveorientert ledelse"
    item = instrument.items.get(key__startswith=ITEM_PREFIX, text_nb__startswith="Bryter")
    assert item.text_nn == "Bryt ned mål til konkrete oppgåver"
    assert item.scale_max == 5 and item.dimension == goals
    assert base.items.count() == 1  # the base itself is untouched


def test_rebuilding_rewords_in_place_until_rounds_use_it(lp, published):
    first = services.evaluation_instrument_build(version=published, actor=lp.oaf)
    behaviour = Behaviour.objects.filter(characteristic__version=published).first()
    behaviour.text_nb = "Bryter ned mål sammen med de ansatte"
    behaviour.save()
    again = services.evaluation_instrument_build(version=published, actor=lp.oaf)
    assert again == first
    assert first.items.get(key=f"{ITEM_PREFIX}{behaviour.pk}").text_nb.endswith("de ansatte")

    session = ModuleSessionFactory(module__programme__organisation=lp.org)
    make_round(organisation=lp.org, instrument=first, module_session=session)
    Behaviour.objects.create(characteristic=behaviour.characteristic, position=9,
                             text_nb="Feirer det som lykkes")
    third = services.evaluation_instrument_build(version=published, actor=lp.oaf)
    assert third != first  # what the round measured stays as it was
    first.refresh_from_db()
    assert not first.is_active and third.is_active
    assert first.items.filter(key__startswith=ITEM_PREFIX).count() == 3
    assert third.items.filter(key__startswith=ITEM_PREFIX).count() == 4


def test_only_oaf_builds_it_and_only_from_their_published_version(lp, published, personas):
    assert_refused("permission_denied", lambda: services.evaluation_instrument_build(
        version=published, actor=lp.member.user))
    assert_refused("permission_denied", lambda: services.evaluation_instrument_build(
        version=published, actor=personas.charlie))
    draft = services.platform_version_create(organisation=lp.org, actor=lp.oaf)
    assert_refused("not_published", lambda: services.evaluation_instrument_build(
        version=draft, actor=lp.oaf))
    standard = selectors.standard_version()
    assert_refused("standard", lambda: services.evaluation_instrument_build(
        version=standard, actor=lp.oaf))
    assert not Instrument.objects.filter(platform_link__isnull=False).exists()


def test_the_build_page_access_matrix(client, lp, published, personas):
    url = reverse("leaderplatform:evaluation_instrument", args=[published.uuid])
    client.force_login(lp.member.user)  # a leader of the municipality
    assert client.post(url).status_code == 403
    client.force_login(personas.charlie)  # O&F of another municipality
    assert client.post(url).status_code == 404
    client.force_login(in_english(lp.oaf))
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "New session evaluations now ask about" in response.content.decode()
    assert Instrument.objects.filter(platform_link__version=published).count() == 1


def test_the_evaluation_report_groups_by_characteristic_under_the_threshold_rule(lp, published):
    instrument = services.evaluation_instrument_build(version=published, actor=lp.oaf)
    session = ModuleSessionFactory(module__programme__organisation=lp.org)
    round = make_round(organisation=lp.org, instrument=instrument, module_session=session)
    bulk_responses(round, [{}] * round.min_respondents, value=4)
    report = evaluation_report(close(round))
    assert report.status.shown
    groups = [g for g in report.groups
              if g.dimension is not None and g.dimension.key.startswith(DIMENSION_PREFIX)]
    assert [g.dimension.key for g in groups] == list(
        instrument.dimensions.filter(key__startswith=DIMENSION_PREFIX).order_by("order")
        .values_list("key", flat=True))
    assert groups[0].dimension.description == "Oppgaveorientert ledelse"
    assert groups[0].stat.mean == 4.0 and groups[0].stat.n == round.min_respondents
    assert len(groups[0].items) == 2 and len(groups[1].items) == 1

    fewer = make_round(organisation=lp.org, instrument=instrument,
                       module_session=ModuleSessionFactory(module=session.module))
    bulk_responses(fewer, [{}] * (fewer.min_respondents - 1), value=4)
    hidden = evaluation_report(close(fewer))
    assert not hidden.status.shown and hidden.groups == []


def test_a_dimension_too_few_answered_is_hidden(lp, published):
    instrument = services.evaluation_instrument_build(version=published, actor=lp.oaf)
    session = ModuleSessionFactory(module__programme__organisation=lp.org)
    round = make_round(organisation=lp.org, instrument=instrument, module_session=session)
    responses = bulk_responses(round, [{}] * round.min_respondents, value=3)
    # All but one skipped the relation characteristic's behaviour.
    relation = Item.objects.get(instrument=instrument, dimension__description_nb__startswith="Rel")
    relation.answers.filter(response__in=responses[1:]).delete()
    report = evaluation_report(close(round))
    by_key = {g.dimension.key: g for g in report.groups if g.dimension is not None}
    assert by_key[relation.dimension.key].stat is None
    assert all(r.stat is None for r in by_key[relation.dimension.key].items)


# -- the self-assessment on the standard platform ------------------------------------------
def test_without_a_published_platform_the_three_orientations_are_assessed(client, lp):
    standard = selectors.standard_version()
    assert standard is not None and standard.platform.organisation_id is None
    assert [t.name_nb for t in selectors.themes_with_content(standard)] == [
        "Oppgaveorientert ledelse", "Relasjonsorientert ledelse", "Endringsorientert ledelse"]
    assert selectors.assessment_version(lp.org.pk) == standard
    client.force_login(lp.member.user)
    page = client.get(reverse("leaderplatform:assessment_start"))
    assert page.status_code == 200 and page.context["version"] == standard
    scores = all_scores(standard, 4)
    response = client.post(reverse("leaderplatform:assessment_start"),
                           {f"s{pk}": "4" for pk in scores})
    assessment = SelfAssessment.objects.get(leader=lp.member)
    assert response.status_code == 302 and assessment.version == standard
    assert client.get(reverse("leaderplatform:assessment", args=[assessment.uuid])
                      ).status_code == 200
    # Private as ever: another leader, O&F and another municipality get 404.
    for user in (lp.other.user, lp.oaf, lp.personas.charlie):
        client.force_login(user)
        assert client.get(reverse("leaderplatform:assessment", args=[assessment.uuid])
                          ).status_code == 404
    # In the leader's own export.
    export = personal_data_export(user=lp.member.user)
    assert export["leaderplatform"]["self_assessments"][0]["answers"][0]["score"] == 4


def test_once_published_the_own_platform_replaces_the_standard(lp, published):
    standard = selectors.standard_version()
    assert selectors.assessment_version(lp.org.pk) == published
    assert_refused("own_platform", lambda: services.self_assessment_submit(
        leader=lp.member, version=standard, scores=all_scores(standard)))


def test_standard_aggregates_count_only_the_municipalitys_own_leaders(client, lp, personas):
    standard = selectors.standard_version()
    for leader in (lp.head, lp.member, lp.nina, lp.ola, lp.other):
        services.self_assessment_submit(leader=leader, version=standard,
                                        scores=all_scores(standard, 2))
    for _ in range(5):  # another municipality's leaders on the same standard platform
        outsider = LeaderFactory(organisation=personas.org_b)
        services.self_assessment_submit(leader=outsider, version=standard,
                                        scores=all_scores(standard, 5))
    data = selectors.aggregates(standard, lp.org.pk)
    assert data.total.n == 5 and data.total.means == [2.0, 2.0, 2.0]

    url = reverse("leaderplatform:aggregates", args=[standard.uuid])
    client.force_login(lp.oaf)
    assert client.get(url).status_code == 200
    client.force_login(lp.member.user)
    assert client.get(url).status_code == 403
    oaf_b = UserFactory(organisation=personas.org_b, is_oaf_admin=True)
    client.force_login(oaf_b)
    response = client.get(url)
    assert response.status_code == 200 and response.context["data"].total.n == 5
    assert response.context["data"].total.means == [5.0, 5.0, 5.0]


def test_a_municipalitys_aggregates_are_404_for_another_municipality(client, lp, published,
                                                                     personas):
    client.force_login(personas.charlie)
    assert client.get(reverse("leaderplatform:aggregates", args=[published.uuid])
                      ).status_code == 404


def test_the_platform_page_without_a_platform_offers_the_standard(client, lp):
    from ..models import Platform

    Platform.objects.filter(organisation=lp.org).delete()
    client.force_login(in_english(lp.member.user))
    page = client.get(reverse("leaderplatform:platform")).content.decode()
    assert reverse("leaderplatform:assessment_start") in page
    client.force_login(lp.oaf)
    page = client.get(reverse("leaderplatform:platform")).content.decode()
    assert reverse("leaderplatform:aggregates", args=[selectors.standard_version().uuid]) in page


# -- modules that build the characteristics -----------------------------------------------
def test_a_module_names_the_characteristics_it_builds(client, lp, published):
    goals = Characteristic.objects.get(version=published, text_nb__startswith="Tydelig")
    programme = ProgrammeFactory(organisation=lp.org)
    module = ModuleFactory(programme=programme, topic="Målstyring i praksis")
    quiet = ModuleFactory(programme=programme, topic="Konflikthåndtering")
    goals.modules.add(module)
    client.force_login(in_english(lp.member.user))
    page = client.get(reverse("programs:module_detail", args=[module.uuid])).content.decode()
    assert "Builds:" in page and "Tydelig på mål og forventninger" in page
    page = client.get(reverse("programs:module_detail", args=[quiet.uuid])).content.decode()
    assert "Builds:" not in page
    platform = client.get(reverse("leaderplatform:platform")).content.decode()
    assert "Målstyring i praksis" in platform
    assert reverse("programs:module_detail", args=[module.uuid]) in platform


def test_a_draft_versions_characteristics_are_not_shown_on_modules(lp, published):
    draft = services.platform_version_create(organisation=lp.org, actor=lp.oaf)
    candidate = Characteristic.objects.create(version=draft, text_nb="Kandidat")
    module = ModuleFactory(programme__organisation=lp.org)
    candidate.modules.add(module)
    assert selectors.module_characteristics(module) == []


def test_the_admin_links_only_modules_of_the_same_municipality(lp, published, personas):
    goals = Characteristic.objects.get(version=published, text_nb__startswith="Tydelig")
    own = ModuleFactory(programme__organisation=lp.org)
    foreign = ModuleFactory(programme__organisation=personas.org_b)
    data = {"theme": goals.theme_id, "position": 1, "text_nb": goals.text_nb,
            "modules": [own.pk, foreign.pk]}
    form = CharacteristicForm(data, instance=goals)
    assert not form.is_valid()
    assert form.errors.as_data()["modules"][0].code == "other_organisation"
    form = CharacteristicForm({**data, "modules": [own.pk]}, instance=goals)
    assert form.is_valid(), form.errors
    form.save()
    assert list(goals.modules.all()) == [own]


def test_the_admin_change_page_has_the_modules(admin_client, lp, published):
    goals = Characteristic.objects.get(version=published, text_nb__startswith="Tydelig")
    page = admin_client.get(reverse("admin:leaderplatform_characteristic_change",
                                    args=[goals.pk]))
    assert page.status_code == 200 and 'name="modules"' in page.content.decode()


def test_min_side_offers_the_standard_self_assessment_to_leaders_only(client, lp, personas):
    from ..models import Platform

    Platform.objects.filter(organisation=lp.org).delete()
    client.force_login(lp.member.user)
    page = client.get(reverse("accounts:min_side")).content.decode()
    assert reverse("leaderplatform:assessment_start") in page
    client.force_login(personas.charlie)  # O&F, no leader profile: nothing to take
    page = client.get(reverse("accounts:min_side")).content.decode()
    assert reverse("leaderplatform:assessment_start") not in page


def test_a_newer_version_takes_over_the_session_evaluations(lp, published):
    from django.utils import timezone

    from ..models import PlatformVersion, Theme, VersionStatus

    first = services.evaluation_instrument_build(version=published, actor=lp.oaf)
    PlatformVersion.objects.filter(pk=published.pk).update(status=VersionStatus.REPLACED)
    newer = PlatformVersion.objects.create(platform=published.platform, number=2,
                                           status=VersionStatus.PUBLISHED, step=6,
                                           published_at=timezone.now())
    theme = Theme.objects.create(version=newer, name_nb="Endring")
    change = Characteristic.objects.create(version=newer, theme=theme, text_nb="Viser retning",
                                           status=CharacteristicStatus.ADOPTED)
    Behaviour.objects.create(characteristic=change, text_nb="Forklarer hvorfor")
    second = services.evaluation_instrument_build(version=newer, actor=lp.oaf)
    first.refresh_from_db()
    assert not first.is_active and second.is_active and second.key == "lederplattform-v2"
    assert default_instrument(lp.org.pk, InstrumentKind.EVALUATION) == second
    # Built on the first one's own questions, without its platform items or a second intro.
    assert list(second.items.filter(key__startswith=ITEM_PREFIX)
                .values_list("text_nb", flat=True)) == ["Forklarer hvorfor"]
    assert second.intro_nb.count("behaviours of our leader platform") <= 1
    assert second.intro_en.count("behaviours of our leader platform") == 1


def test_the_builds_line_costs_one_query_however_many_characteristics(client, lp, published):
    from lib.testing import assert_queries_stable

    module = ModuleFactory(programme__organisation=lp.org)
    theme = published.themes.first()
    client.force_login(lp.member.user)

    def grow(n: int) -> None:
        for i in range(n):
            c = Characteristic.objects.create(version=published, theme=theme,
                                              text_nb=f"Kjennetegn {i}",
                                              status=CharacteristicStatus.ADOPTED)
            c.modules.add(module)

    url = reverse("programs:module_detail", args=[module.uuid])
    counted = assert_queries_stable(lambda: client.get(url), grow=grow)
    assert "Kjennetegn 0" in client.get(url).content.decode()
    assert counted >= 1


def test_the_kept_platform_page_shows_every_edit_at_once(client, lp, published):
    """The platform page's themes are kept per content (lib.content): a characteristic,
    a behaviour, a theme, a module that builds one (its name, published or not) — each
    edit is on the next visit."""
    from programs.models import ModuleStatus

    goals = Characteristic.objects.get(version=published, text_nb__startswith="Tydelig")
    module = ModuleFactory(programme=ProgrammeFactory(organisation=lp.org),
                           topic="Målstyring i praksis", status=ModuleStatus.PUBLISHED)
    goals.modules.add(module)
    client.force_login(lp.member.user)

    def page():
        return client.get(reverse("leaderplatform:platform")).content.decode()

    assert "Målstyring i praksis" in page() and "Tydelig på mål" in page()
    goals.text_nb = "Tydelig på mål\nog «retning»"
    goals.save(update_fields=["text_nb"])
    assert "og «retning»" in page()
    behaviour = Behaviour.objects.filter(characteristic=goals).first()
    behaviour.text_nb = "Følger opp – hver uke"
    behaviour.save(update_fields=["text_nb"])
    assert "Følger opp – hver uke" in page()
    theme = goals.theme
    theme.name_nb = "Oppgaver & mål"
    theme.save(update_fields=["name_nb"])
    assert "Oppgaver &amp; mål" in page()
    module.topic = "Mål og retning"
    module.save(update_fields=["topic"])
    assert "Mål og retning" in page() and "Målstyring i praksis" not in page()
    module.status = ModuleStatus.DRAFT
    module.save(update_fields=["status"])
    assert "Mål og retning" not in page()
