"""Every view: the owner can, a read-only follower gets 403 on writes, a non-member
gets 404 on the group's own pages, another municipality always gets 404.

Reads have no read-only tier (whoever may see them may see all of them), so
for them the middle case is: a read-only follower (O&F) sees the page but not
the buttons to change it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.models import PosterComment, PosterVersion, TaskCompletion

from .conftest import save_version
from .factories import TrainingTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafted(world):
    save_version(world, world.member, ["Sette tydelig retning for tjenestene"])
    save_version(world, world.other_member, ["Sette tydelig retning for tjenestene",
                                             "Ta beslutninger sammen"], base=1)
    return world


@pytest.fixture
def published(drafted):
    version = PosterVersion.objects.get(poster__group=drafted.group, number=2)
    services.poster_publish(version=version, actor=drafted.head)
    return drafted


def _user(personas, world, who):
    return {
        "head": world.head, "member": world.member, "facilitator": world.facilitator,
        "oaf": personas.alice, "outsider_leader": world.outsider_leader,
        "other_municipality_leader": personas.dora_leader.user, "charlie": personas.charlie,
    }[who]


def _get(client, personas, world, who, name, *args, query=""):
    client.force_login(_user(personas, world, who))
    return client.get(reverse(f"groups:{name}", args=[world.group.public_id, *args]) + query)


FOREIGN = ["other_municipality_leader", "charlie"]


# -- progress page ---------------------------------------------------------------

@pytest.mark.parametrize("who", ["head", "member", "facilitator", "oaf"])
def test_progress_is_for_those_who_follow_the_group(client, personas, world, who):
    response = _get(client, personas, world, who, "progress")
    assert response.status_code == 200
    assert "Frank Fasilitator" in response.content.decode()


def test_progress_read_only_follower_sees_no_task_buttons(client, personas, world):
    TrainingTaskFactory(process=world.process, title="Gi ros hver dag")
    text = _get(client, personas, world, "oaf", "progress").content.decode()
    assert "Gi ros hver dag" in text and "Merk som utført" not in text
    text = _get(client, personas, world, "member", "progress").content.decode()
    assert "Merk som utført" in text


@pytest.mark.parametrize("who", ["outsider_leader", *FOREIGN])
def test_progress_is_404_for_non_members_and_other_municipalities(client, personas, world, who):
    assert _get(client, personas, world, who, "progress").status_code == 404


# -- poster (published for all leaders of the municipality, drafts for followers) --

@pytest.mark.parametrize("who", ["head", "member", "facilitator", "oaf"])
def test_followers_see_drafts_and_comments(client, personas, drafted, who):
    services.poster_comment_add(version=PosterVersion.objects.get(number=2),
                                author=drafted.member, body="Bra formulert!")
    text = _get(client, personas, drafted, who, "poster").content.decode()
    assert "Ta beslutninger sammen" in text and "Bra formulert!" in text


def test_non_member_gets_404_for_unpublished_poster(client, personas, drafted):
    assert _get(client, personas, drafted, "outsider_leader", "poster").status_code == 404


def test_non_member_sees_only_the_published_version(client, personas, published):
    save_version(published, published.member, ["Hemmelig utkast"], base=2)
    PosterComment.objects.create(version=PosterVersion.objects.get(number=3),
                                 author=published.member, body="Intern kommentar")
    response = _get(client, personas, published, "outsider_leader", "poster")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Ta beslutninger sammen" in text
    assert "Hemmelig utkast" not in text and "Intern kommentar" not in text


@pytest.mark.parametrize("who", FOREIGN)
def test_other_municipality_never_sees_a_poster(client, personas, published, who):
    assert _get(client, personas, published, who, "poster").status_code == 404
    client.force_login(_user(personas, published, who))
    index = client.get(reverse("groups:index")).content.decode()
    assert published.group.name not in index


@pytest.mark.parametrize("who,status", [("member", 200), ("facilitator", 200), ("oaf", 200),
                                        ("outsider_leader", 404), *[(f, 404) for f in FOREIGN]])
def test_version_page(client, personas, drafted, who, status):
    assert _get(client, personas, drafted, who, "poster_version", 1).status_code == status


@pytest.mark.parametrize("who,status", [("member", 200), ("oaf", 200), ("outsider_leader", 404),
                                        *[(f, 404) for f in FOREIGN]])
def test_compare_page(client, personas, drafted, who, status):
    response = _get(client, personas, drafted, who, "poster_compare", query="?fra=1&til=2")
    assert response.status_code == status


@pytest.mark.parametrize("who,status", [("member", 200), ("head", 200), ("facilitator", 403),
                                        ("oaf", 403), ("outsider_leader", 404),
                                        *[(f, 404) for f in FOREIGN]])
def test_edit_page_is_for_members(client, personas, drafted, who, status):
    assert _get(client, personas, drafted, who, "poster_edit").status_code == status


# -- writes ------------------------------------------------------------------------

def _post(client, personas, world, who, name, *args, data=None):
    client.force_login(_user(personas, world, who))
    return client.post(reverse(f"groups:{name}", args=[world.group.public_id, *args]),
                       data or {})


def _poster_data(base, *texts):
    data = {"lead": "Vi skal:", "base_version": base or "",
            "commitments-TOTAL_FORMS": len(texts), "commitments-INITIAL_FORMS": 0,
            "commitments-MIN_NUM_FORMS": 0, "commitments-MAX_NUM_FORMS": 10}
    for i, text in enumerate(texts):
        data[f"commitments-{i}-text"] = text
        data[f"commitments-{i}-purpose"] = ""
    return data


@pytest.mark.parametrize("who,status", [("member", 302), ("facilitator", 403), ("oaf", 403),
                                        ("outsider_leader", 404), *[(f, 404) for f in FOREIGN]])
def test_saving_the_poster(client, personas, drafted, who, status):
    response = _post(client, personas, drafted, who, "poster_edit",
                     data=_poster_data(2, "Lytte mer enn vi snakker"))
    assert response.status_code == status
    assert PosterVersion.objects.filter(poster__group=drafted.group).count() == (
        3 if status == 302 else 2)


@pytest.mark.parametrize("who,status", [("member", 302), ("facilitator", 302), ("oaf", 403),
                                        ("outsider_leader", 404), *[(f, 404) for f in FOREIGN]])
def test_commenting(client, personas, drafted, who, status):
    response = _post(client, personas, drafted, who, "poster_comment", 2,
                     data={"body": "Kan vi si det kortere?"})
    assert response.status_code == status
    assert PosterComment.objects.filter(body="Kan vi si det kortere?").exists() == (
        status == 302)


@pytest.mark.parametrize("who,status", [("head", 302), ("member", 403), ("facilitator", 403),
                                        ("oaf", 403), ("outsider_leader", 404),
                                        *[(f, 404) for f in FOREIGN]])
def test_publishing_is_for_the_head(client, personas, drafted, who, status):
    response = _post(client, personas, drafted, who, "poster_publish", 2)
    assert response.status_code == status
    drafted.group.poster.refresh_from_db()
    assert (drafted.group.poster.published_version_id is not None) == (status == 302)


@pytest.mark.parametrize("who,status", [("member", 302), ("outsider_leader", 302),
                                        *[(f, 404) for f in FOREIGN]])
def test_pdf_is_for_every_leader_of_the_municipality(client, personas, published, who, status):
    response = _post(client, personas, published, who, "poster_pdf", data={"page_size": "A4"})
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith("/dokumenter/")


@pytest.mark.parametrize("who,status", [("member", 302), ("head", 302), ("facilitator", 403),
                                        ("oaf", 403), ("outsider_leader", 404),
                                        *[(f, 404) for f in FOREIGN]])
def test_marking_a_task_done(client, personas, world, who, status):
    task = TrainingTaskFactory(process=world.process)
    response = _post(client, personas, world, who, "task_toggle", task.pk, data={"done": "1"})
    assert response.status_code == status
    assert TaskCompletion.objects.filter(task=task).exists() == (status == 302)


@pytest.fixture
def planned(world, personas):
    services.sessions_plan(process=world.process, actor=personas.alice,
                           first_at=timezone.now() - dt.timedelta(days=30))
    return world


@pytest.mark.parametrize("who,status", [("facilitator", 200), ("oaf", 200), ("member", 403),
                                        ("head", 403), ("outsider_leader", 404),
                                        *[(f, 404) for f in FOREIGN]])
def test_session_page_is_for_facilitator_and_oaf(client, personas, planned, who, status):
    assert _get(client, personas, planned, who, "session_edit", 1).status_code == status


@pytest.mark.parametrize("who,status", [("facilitator", 302), ("member", 403),
                                        ("outsider_leader", 404), *[(f, 404) for f in FOREIGN]])
def test_recording_a_session(client, personas, planned, who, status):
    session = planned.process.sessions.get(number=1)
    response = _post(client, personas, planned, who, "session_edit", 1, data={
        "planned_at": timezone.localtime(session.planned_at).strftime("%Y-%m-%dT%H:%M"),
        "held_on": timezone.localdate().isoformat(), "topic": "Motivasjon og behov",
        "meeting": "", "location": "", "notes": "Godt oppmøte."})
    assert response.status_code == status
    session.refresh_from_db()
    assert (session.held_on is not None) == (status == 302)


@pytest.mark.parametrize("who,status", [("facilitator", 302), ("oaf", 302), ("member", 403),
                                        ("outsider_leader", 404), *[(f, 404) for f in FOREIGN]])
def test_giving_a_task(client, personas, planned, who, status):
    response = _post(client, personas, planned, who, "task_create", 1,
                     data={"title": "Still ett åpent spørsmål i hvert møte"})
    assert response.status_code == status
    assert planned.process.tasks.filter(
        title="Still ett åpent spørsmål i hvert møte").exists() == (status == 302)


def test_index_lists_own_groups_and_published_posters(client, personas, published):
    client.force_login(published.outsider_leader)
    text = client.get(reverse("groups:index")).content.decode()
    assert "Publiserte formålsplakater" in text or "Published purpose posters" in text
    assert published.group.name in text


def test_pages_require_login(client, world):
    for url in (reverse("groups:index"), reverse("groups:progress", args=[world.group.public_id]),
                reverse("groups:poster", args=[world.group.public_id])):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/" in response.url or "login" in response.url


@pytest.mark.usefixtures("bokmaal")
def test_the_published_posters_list_escapes_names_and_shows_the_day_in_the_readers_language(
        client, personas, published):
    """The list is joined in Python (groups/templatetags/groups_lists.py): a name with
    markup, an ampersand and a line break is escaped as the template would, the line
    links to the poster, and the day is formatted in the reader's language."""
    group = published.group
    group.name = 'Team <b>"Sør"</b> & Nord\nvest'
    group.save(update_fields=["name"])
    client.force_login(published.outsider_leader)
    client.cookies["django_language"] = "nb"
    text = client.get(reverse("groups:index")).content.decode()
    poster_url = reverse("groups:poster", args=[group.public_id])
    day = timezone.localtime(group.poster.published_at).date()
    from django.utils import formats, translation
    with translation.override("nb"):
        shown_day = formats.date_format(day, "DATE_FORMAT")
    assert (f'<li><a href="{poster_url}">Team &lt;b&gt;&quot;Sør&quot;&lt;/b&gt; &amp; Nord\nvest'
            f'</a> – {group.unit.name}') in text
    assert f"(publisert {shown_day})" in text
    assert '<b>"Sør"</b>' not in text


@pytest.mark.usefixtures("bokmaal")
def test_the_published_posters_list_shows_the_day_in_norway_not_in_utc(client, personas,
                                                                          published):
    """Published 23:30 UTC on New Year's Eve is 00:30 on 1 January in Norway: the list
    says the Norwegian day (the database's TruncDate in the current time zone)."""
    poster = published.group.poster
    poster.published_at = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
    poster.save(update_fields=["published_at"])
    client.force_login(published.outsider_leader)
    client.cookies["django_language"] = "nb"
    text = client.get(reverse("groups:index")).content.decode()
    assert "(publisert 1. januar 2026)" in text
    assert "31. desember 2025" not in text


def test_the_kept_published_posters_list_follows_names_and_language(client, personas,
                                                                     published):
    """The list is kept per process by its rows and language: a renamed group, another
    language and a poster taken down show at once, never the list kept before."""
    group = published.group
    client.force_login(published.outsider_leader)
    client.cookies["django_language"] = "nb"
    first = client.get(reverse("groups:index")).content.decode()
    assert group.name in first and "(publisert " in first
    group.name = "Ålesund\nøst & co"
    group.save(update_fields=["name"])
    renamed = client.get(reverse("groups:index")).content.decode()
    assert "Ålesund\nøst &amp; co</a>" in renamed
    user = published.outsider_leader
    user.language = "en"
    user.save(update_fields=["language"])
    assert "(published " in client.get(reverse("groups:index")).content.decode()
    poster = group.poster
    poster.published_version = None
    poster.save(update_fields=["published_version"])
    assert "Ålesund\nøst" not in client.get(reverse("groups:index")).content.decode()
