"""The poster pages through the client: drafting, conflicts, bad input, comparing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from groups import services
from groups.models import PosterVersion

from .conftest import save_version

pytestmark = pytest.mark.django_db


def _form(base, *rows, lead="Vår ledergruppe skal skape MERVERDI ved å:"):
    data = {"lead": lead, "base_version": base or "",
            "commitments-TOTAL_FORMS": len(rows), "commitments-INITIAL_FORMS": 0,
            "commitments-MIN_NUM_FORMS": 0, "commitments-MAX_NUM_FORMS": 10}
    for i, row in enumerate(rows):
        text, purpose = row if isinstance(row, tuple) else (row, "")
        data[f"commitments-{i}-text"] = text
        data[f"commitments-{i}-purpose"] = purpose
    return data


def _edit_url(world):
    return reverse("groups:poster_edit", args=[world.group.public_id])


def test_first_edit_offers_the_standard_lead_sentence_in_bokmaal(client, world):
    client.force_login(world.member)
    text = client.get(_edit_url(world)).content.decode()
    assert "Vår ledergruppe skal skape MERVERDI for organisasjonen og det enkelte medlem av " \
           "gruppen ved å:" in text
    assert 'name="commitments-TOTAL_FORMS"' in text


def test_nynorsk_reader_gets_the_nynorsk_lead_sentence(client, world):
    world.member.language = "nn"
    world.member.save()
    client.force_login(world.member)
    text = client.get(_edit_url(world)).content.decode()
    assert "Leiargruppa vår skal skape MEIRVERDI" in text


def test_edit_starts_from_the_newest_version(client, world):
    save_version(world, world.member, ["Første punkt", "Andre punkt"])
    client.force_login(world.other_member)
    response = client.get(_edit_url(world))
    assert response.context["form"].initial["base_version"] == 1
    text = response.content.decode()
    assert "Første punkt" in text and "Andre punkt" in text


def test_saving_through_the_form_makes_a_version_with_purposes(client, world):
    client.force_login(world.member)
    response = client.post(_edit_url(world), _form(None, ("Sette retning", "direction"),
                                                   "", "Ta beslutninger sammen"), follow=True)
    assert "Lagret som versjon 1." in response.content.decode()
    version = PosterVersion.objects.get()
    assert [(c.position, c.text, c.purpose) for c in version.commitments.all()] == [
        (1, "Sette retning", "direction"), (2, "Ta beslutninger sammen", "")]


def test_a_stale_save_is_told_a_newer_version_exists_and_both_are_kept(client, world):
    save_version(world, world.member, ["Felles start"])
    # Two members open the editor on version 1; the other member saves first.
    save_version(world, world.other_member, ["Felles start", "Fra Cecilie"], base=1)
    client.force_login(world.member)
    response = client.post(_edit_url(world), _form(1, "Felles start", "Fra Bob"), follow=True)
    text = response.content.decode()
    assert "Det finnes en nyere versjon: Cecilie Medlem lagret versjon 2" in text
    assert "versjon 3" in text
    # Landed on the comparison of the other member's version and this one.
    assert response.request["PATH_INFO"].endswith("/formalsplakat/sammenlign/")
    assert "Cecilie</del>" in text and "Bob</ins>" in text
    assert PosterVersion.objects.count() == 3


@pytest.mark.parametrize("data,message", [
    (_form(None, "", "   ", lead=""), "Skriv den innledende setningen eller minst én forpliktelse"),
    (_form(None, ("Punkt", "ukjent")), "Velg et gyldig valg"),
    (_form(7, "Punkt"), "Versjonen du tok utgangspunkt i, finnes ikke."),
])
def test_bad_poster_input_is_explained_and_nothing_is_saved(client, world, data, message):
    client.force_login(world.member)
    response = client.post(_edit_url(world), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="error-summary"' in text
    assert message in text, text[text.find("error-summary"):][:800]
    assert not PosterVersion.objects.exists()


def test_too_long_text_is_refused_with_its_count_and_kept_in_the_form(client, world):
    # Issue 21, item 7: the textarea's maxlength cut pasted text silently at 300
    # characters (a published commitment ended «…tidspress gj»). Now the page shows the
    # limit and the server refuses with a message, keeping the whole draft to shorten.
    save_version(world, world.member, ["Sette retning"])
    client.force_login(world.member)
    page = client.get(_edit_url(world)).content.decode()
    assert "maxlength" not in page
    assert 'data-max-length="300"' in page and 'id="id_commitments-0-text-count"' in page
    assert 'data-max-length="400"' in page and 'id="lead-count"' in page
    long = "Vi følger opp det vi har bestemt og melder fra i god tid når vi merker " * 4 + \
        "tidspress gjennomført"
    assert len(long) > 300
    response = client.post(_edit_url(world), _form(1, "Sette retning", long))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == [
        "too_long"]
    text = response.content.decode()
    with translation.override("nb"):
        told = gettext("Commitment %(n)s has %(count)s characters; it can have at most "
                       "%(max)s. Shorten it and save again.")
    assert told % {"n": 2, "count": len(long), "max": 300} in text
    assert long in text  # the draft is kept in full, not cut
    assert PosterVersion.objects.count() == 1


def test_the_poster_sheet_wraps_a_long_unbroken_word():
    # A 300-character word stretched the page to 3,200 px: the sheet must wrap anywhere.
    from pathlib import Path

    from django.conf import settings
    css = (Path(settings.BASE_DIR) / "static/css/groups.css").read_text()
    rule = css[css.index(".groups-poster-sheet {"):]
    assert "overflow-wrap: anywhere" in rule[:rule.index("}")]


def test_too_many_commitments_are_refused(client, world):
    client.force_login(world.member)
    response = client.post(_edit_url(world), _form(None, *[f"Punkt {n}" for n in range(11)]))
    assert response.status_code == 200
    assert "Send inn maksimalt 10 skjemaer" in response.content.decode() or \
        "10" in str(response.context["formset"].non_form_errors())
    assert not PosterVersion.objects.exists()


def test_repeated_identical_saves_make_one_version_and_say_it_is_saved(client, world):
    save_version(world, world.member, ["Sette retning"])
    client.force_login(world.member)
    data = _form(1, "Sette retning", "Bedre møter")
    for _ in range(6):
        response = client.post(_edit_url(world), data, follow=True)
    assert PosterVersion.objects.count() == 2
    with translation.override("nb"):  # «Ingenting er endret: …» once the catalogue has it
        told = gettext("Nothing has changed: this is already saved as version %(number)s.")
    assert told % {"number": 2} in response.content.decode()
    assert response.request["PATH_INFO"].endswith("/formalsplakat/")


def test_publishing_an_empty_poster_is_refused_with_a_message(client, world):
    save_version(world, world.member, [], lead="Bare innledningen")
    client.force_login(world.head)
    response = client.post(reverse("groups:poster_publish", args=[world.group.public_id, 1]),
                           follow=True)
    assert "En tom plakat kan ikke publiseres" in response.content.decode()
    world.group.poster.refresh_from_db()
    assert world.group.poster.published_version is None


def test_publishing_shows_the_poster_to_every_leader(client, world):
    save_version(world, world.member, ["Sette retning"])
    client.force_login(world.head)
    response = client.post(reverse("groups:poster_publish", args=[world.group.public_id, 1]),
                           follow=True)
    assert "Versjon 1 er publisert." in response.content.decode()
    client.force_login(world.outsider_leader)
    text = client.get(reverse("groups:poster", args=[world.group.public_id])).content.decode()
    assert "Sette retning" in text and "Publisert plakat" in text


def test_empty_comment_is_refused_with_a_message(client, world):
    save_version(world, world.member, ["Sette retning"])
    client.force_login(world.member)
    response = client.post(reverse("groups:poster_comment", args=[world.group.public_id, 1]),
                           {"body": "   "})
    assert response.status_code == 200
    assert "Din kommentar</a>: Feltet er påkrevet." in response.content.decode()
    assert not PosterVersion.objects.get().comments.exists()


def test_compare_shows_what_came_went_and_changed(client, world):
    save_version(world, world.member, ["Sette retning", "Ta beslutninger", "Gammelt punkt"])
    services.poster_version_save(
        group=world.group, author=world.other_member, base_number=1,
        lead="Vår ledergruppe skal skape MERVERDI for organisasjonen og det enkelte medlem av "
             "gruppen ved å:",
        commitments=[services.CommitmentInput("Sette tydelig retning", "direction"),
                     services.CommitmentInput("Ta beslutninger"),
                     services.CommitmentInput("Helt nytt punkt")])
    client.force_login(world.member)
    response = client.get(reverse("groups:poster_compare", args=[world.group.public_id])
                          + "?fra=1&til=2")
    text = response.content.decode()
    assert "<ins><span class=\"visually-hidden\">lagt til: </span>tydelig</ins>" in text
    assert "Uendret" in text and "Endret" in text
    assert "Formål: <ins>sette retning</ins>" in text
    assert "<del><span class=\"visually-hidden\">fjernet: </span>Gammelt punkt</del>" in text
    assert "<ins><span class=\"visually-hidden\">lagt til: </span>Helt nytt punkt</ins>" in text


@pytest.mark.parametrize("query", ["", "?fra=1", "?fra=a&til=2"])
def test_compare_without_two_versions_explains(client, world, query):
    save_version(world, world.member, ["A"])
    client.force_login(world.member)
    response = client.get(reverse("groups:poster_compare", args=[world.group.public_id])
                          + query, follow=True)
    assert "Velg to versjoner å sammenligne." in response.content.decode()


def test_compare_of_unknown_versions_is_404(client, world):
    save_version(world, world.member, ["A"])
    client.force_login(world.member)
    response = client.get(reverse("groups:poster_compare", args=[world.group.public_id])
                          + "?fra=1&til=9")
    assert response.status_code == 404


def test_poster_page_query_count_is_stable(client, world):
    from lib.testing import assert_queries_stable

    client.force_login(world.member)
    url = reverse("groups:poster", args=[world.group.public_id])
    state = {"n": 0}

    def grow(times: int) -> None:
        for _ in range(times):
            state["n"] += 1
            saved = save_version(world, world.member, [f"Punkt {state['n']}", "Fast punkt"],
                                 base=state["n"] - 1 or None)
            services.poster_comment_add(version=saved.version, author=world.other_member,
                                        body="Enig")
            if state["n"] == 1:
                services.poster_publish(version=saved.version, actor=world.head)

    # session, user, the group with access (one check: issue 15 item 6); poster with
    # published version and its author and publisher; versions with authors and comment
    # counts; commitments of the published and newest version; comments of every
    # version with authors.
    assert_queries_stable(lambda: client.get(url), grow=grow, expected=7)


@pytest.mark.postgres
def test_a_follower_s_poster_page_reads_versions_and_comments_together(client, world):
    from lib.testing import round_trips

    saved = save_version(world, world.member, ["Sette retning", "Gi «ros»\nofte"])
    services.poster_comment_add(version=saved.version, author=world.other_member,
                                body="Enig, men «ofte» er vagt")
    client.force_login(world.member)
    url = reverse("groups:poster", args=[world.group.public_id])
    client.get(url)
    trips, pipelined, response = round_trips(lambda: client.get(url))
    assert response.status_code == 200
    assert "Enig, men «ofte» er vagt" in response.content.decode()
    assert pipelined == [2]
    # session, user; the group with access; the poster; versions with comments; commitments
    assert trips == 2 + 1 + 1 + 1 + 1


def test_comments_stay_visible_after_the_next_version_is_saved(client, world):
    """Issue 21 item 8: a comment is kept on its own version and listed under the draft."""
    first = save_version(world, world.member, ["Sette retning sammen"]).version
    services.poster_comment_add(version=first, author=world.facilitator,
                                body="Hva betyr «sammen» her?\nSkriv det ut.")
    services.poster_comment_add(version=first, author=world.other_member, body="Enig, Åse")
    second = save_version(world, world.other_member, ["Sette retning for hele sektoren"],
                          base=1).version
    services.poster_comment_add(version=second, author=world.member, body="Bedre nå")
    save_version(world, world.member, ["Sette retning for hele sektoren, hver høst"], base=2)
    client.force_login(world.member)
    page = client.get(reverse("groups:poster", args=[world.group.public_id]))
    text = page.content.decode()
    draft, earlier = text.split('id="earlier-comments"')
    assert "Kommentarer til tidligere versjoner" in earlier
    # The draft (version 3) has none of its own; versions 2 and 1 keep theirs, newest first.
    assert "Hva betyr «sammen» her?" not in draft.split('id="draft"')[1]
    assert earlier.index("Bedre nå") < earlier.index("Hva betyr «sammen» her?")
    assert "Enig, Åse" in earlier
    for number in (1, 2):
        assert reverse("groups:poster_version", args=[world.group.public_id, number]) + \
            "#comments" in earlier
    # The version the comment was made on still shows it.
    version_1 = client.get(reverse("groups:poster_version", args=[world.group.public_id, 1]))
    assert "Hva betyr «sammen» her?" in version_1.content.decode()
    assert "Enig, Åse" in version_1.content.decode()
    # Someone who may only read the published poster sees no comments at all.
    services.poster_publish(version=second, actor=world.head)
    client.force_login(world.outsider_leader)
    outsider = client.get(reverse("groups:poster", args=[world.group.public_id])).content
    assert "Bedre nå".encode() not in outsider and b"earlier-comments" not in outsider
