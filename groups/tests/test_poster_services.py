"""Drafting, commenting on and publishing the purpose poster."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import translation

from groups import services
from groups.models import PosterCommitment, PosterVersion, Purpose, PurposePoster
from lib.models import AuditEntry
from lib.testing import assert_refused

from .conftest import LEAD, save_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # Messages are matched in English here; the views' tests check them in bokmål.
    with translation.override("en"):
        yield


def test_every_save_is_a_new_numbered_version_with_author(world):
    first = save_version(world, world.member, ["Sette retning"])
    second = save_version(world, world.other_member, ["Sette retning", "Bedre beslutninger"],
                          base=1)
    assert (first.version.number, second.version.number) == (1, 2)
    assert second.version.author == world.other_member and second.version.based_on == \
        first.version
    assert not first.conflict and not second.conflict
    assert [c.text for c in second.version.commitments.all()] == ["Sette retning",
                                                                   "Bedre beslutninger"]
    # The first version is untouched.
    assert list(first.version.commitments.values_list("text", flat=True)) == ["Sette retning"]
    assert AuditEntry.objects.filter(action="groups.poster.saved").count() == 2


def test_a_save_on_a_stale_base_keeps_both_versions_and_says_so(world):
    save_version(world, world.member, ["Sette retning"])
    theirs = save_version(world, world.other_member, ["Sette retning", "Fra B"], base=1)
    mine = save_version(world, world.member, ["Sette retning", "Fra A"], base=1)
    assert mine.conflict and mine.newer == [theirs.version]
    assert mine.version.number == 3 and mine.version.based_on.number == 1
    texts = {v.number: [c.text for c in v.commitments.all()]
             for v in PosterVersion.objects.filter(poster__group=world.group)}
    assert texts == {1: ["Sette retning"], 2: ["Sette retning", "Fra B"],
                     3: ["Sette retning", "Fra A"]}


def test_first_save_without_base_after_someone_else_started_is_a_conflict(world):
    save_version(world, world.member, ["A"])
    second = save_version(world, world.other_member, ["B"], base=None)
    assert second.conflict and second.version.number == 2


def test_an_unchanged_save_writes_nothing_and_says_it_is_already_saved(world):
    first = save_version(world, world.member, ["Sette retning"])
    again = save_version(world, world.other_member, ["  Sette   retning "], base=1)
    assert again.already_saved and again.version == first.version and not again.conflict
    assert PosterVersion.objects.count() == 1
    assert AuditEntry.objects.filter(action="groups.poster.saved").count() == 1


def test_six_quick_clicks_on_save_make_one_version(world):
    # Issue 21, item 9: every click posts the same text from the same base (version 1);
    # only the first makes a version, the rest find it identical to the newest one.
    save_version(world, world.member, ["Sette retning"])
    results = [save_version(world, world.member, ["Sette retning", "Bedre møter"], base=1)
               for _ in range(6)]
    assert PosterVersion.objects.count() == 2
    assert [r.already_saved for r in results] == [False] + [True] * 5
    assert {r.version.number for r in results} == {2}
    assert not any(r.conflict for r in results[1:])
    # A different purpose is a change: it is saved.
    changed = services.poster_version_save(
        group=world.group, author=world.member, base_number=2, lead=LEAD,
        commitments=[services.CommitmentInput("Sette retning", "direction"),
                     services.CommitmentInput("Bedre møter")])
    assert not changed.already_saved and changed.version.number == 3


def test_an_empty_save_is_refused_and_stores_nothing(world):
    with assert_refused("empty"):
        save_version(world, world.member, ["   ", ""], lead="  ")
    assert not PurposePoster.objects.exists()


def test_too_long_or_too_many_commitments_are_refused(world):
    with assert_refused("too_long"):
        save_version(world, world.member, ["x" * 301])
    with assert_refused("too_many_commitments"):
        save_version(world, world.member, [f"Punkt {n}" for n in range(11)])
    with assert_refused("invalid_purpose"):
        services.poster_version_save(group=world.group, author=world.member, base_number=None,
                                     lead=LEAD, commitments=[services.CommitmentInput("A", "x")])
    assert not PosterVersion.objects.exists()


def test_unknown_base_version_is_refused(world):
    save_version(world, world.member, ["A"])
    with assert_refused("unknown_version"):
        save_version(world, world.member, ["B"], base=7)


def test_purposes_are_kept(world):
    saved = services.poster_version_save(
        group=world.group, author=world.member, base_number=None, lead=LEAD,
        commitments=[services.CommitmentInput("Ta beslutninger sammen", Purpose.DECISIONS)])
    assert saved.version.commitments.get().purpose == Purpose.DECISIONS


def test_only_members_draft(world, personas):
    for user in (world.facilitator, world.outsider_leader, personas.alice):
        with pytest.raises(PermissionDenied):
            save_version(world, user, ["Ikke mitt"])
    assert not PosterVersion.objects.exists()


def test_an_empty_poster_cannot_be_published(world):
    saved = save_version(world, world.member, [], lead="Bare en innledning")
    with assert_refused("empty"):
        services.poster_publish(version=saved.version, actor=world.head)
    no_lead = save_version(world, world.member, ["Et punkt"], lead="", base=1)
    with assert_refused("empty"):
        services.poster_publish(version=no_lead.version, actor=world.head)
    assert PurposePoster.objects.get().published_version is None


def test_only_the_head_publishes(world):
    saved = save_version(world, world.member, ["Sette retning"])
    with pytest.raises(PermissionDenied):
        services.poster_publish(version=saved.version, actor=world.member)
    poster = services.poster_publish(version=saved.version, actor=world.head)
    assert poster.published_version == saved.version and poster.published_by == world.head
    saved.version.refresh_from_db()
    assert saved.version.first_published_at is not None
    with assert_refused("already_published"):
        services.poster_publish(version=saved.version, actor=world.head)


def test_publishing_tells_members_in_their_own_language(world, django_capture_on_commit_callbacks):
    world.other_member.language = "nn"
    world.other_member.save()
    saved = save_version(world, world.member, ["Sette retning"])
    with django_capture_on_commit_callbacks(execute=True):
        services.poster_publish(version=saved.version, actor=world.head)
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {world.member.email, world.other_member.email}  # not the head
    nb, nn = by_to[world.member.email], by_to[world.other_member.email]
    assert "er publisert" in nb.subject and "Ledergruppen i Helse og velferd" in nb.subject
    assert "er publisert" in nn.subject or "er offentleggjord" in nn.subject
    assert nn.subject != nb.subject
    assert str(world.group.public_id) in nb.body
    assert str(world.group.public_id) in nb.alternatives[0][0]


def test_comments_need_text_and_a_follower(world, personas):
    saved = save_version(world, world.member, ["Sette retning"])
    with assert_refused("empty"):
        services.poster_comment_add(version=saved.version, author=world.member, body="   ")
    with assert_refused("too_long"):
        services.poster_comment_add(version=saved.version, author=world.member, body="x" * 2001)
    with pytest.raises(PermissionDenied):
        services.poster_comment_add(version=saved.version, author=world.outsider_leader,
                                    body="Hei")
    comment = services.poster_comment_add(version=saved.version, author=world.facilitator,
                                          body="Fint arbeid")
    assert comment.version == saved.version


def test_pdf_needs_a_published_poster_and_a_known_size(world):
    with assert_refused("not_published"):
        services.poster_pdf_request(group=world.group, actor=world.member, page_size="A4")
    saved = save_version(world, world.member, ["Sette retning"])
    services.poster_publish(version=saved.version, actor=world.head)
    with assert_refused("invalid_paper_size"):
        services.poster_pdf_request(group=world.group, actor=world.member, page_size="A5")


def test_commitment_positions_are_unique_per_version(world):
    from django.db import IntegrityError, transaction

    saved = save_version(world, world.member, ["Sette retning"])
    with pytest.raises(IntegrityError), transaction.atomic():
        PosterCommitment.objects.create(version=saved.version, position=1, text="Dobbel")
