"""Step 5: every leader rates the candidates once, anonymously."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Leader

from ..models import (
    SCORE_MAX,
    SCORE_MIN,
    Ballot,
    Characteristic,
    CharacteristicStatus,
    PlatformVersion,
    Rating,
    Step,
)
from .process import require_step


def check_scores(scores: dict[int, int], expected: set[int]) -> None:
    """Every expected id has a score from 1 to 5 (``missing_score``, ``bad_score``), and no
    other id is scored (``other_item``)."""
    if set(scores) - expected:
        raise ValidationError(_("An answer does not belong to this form."), code="other_item")
    if set(scores) != expected:
        raise ValidationError(_("Give every line a score from 1 to 5."), code="missing_score")
    if any(not isinstance(s, int) or not SCORE_MIN <= s <= SCORE_MAX for s in scores.values()):
        raise ValidationError(_("A score is from 1 to 5."), code="bad_score")


@transaction.atomic
def ballot_cast(*, version: PlatformVersion, leader: Leader,
                scores: dict[int, int]) -> Ballot:
    """Store a leader's scores of every candidate, once.

    The ballot says only *that* the leader rated (and on which day); the
    scores are rows with a random id and no link to the ballot, so nobody —
    O&F included — can tell who gave which score.
    """
    version = (PlatformVersion.objects.select_for_update(of=("self",))
               .select_related("platform").get(pk=version.pk))
    if leader.organisation_id != version.platform.organisation_id:
        raise PermissionDenied(_("Only the municipality's leaders rate its platform."))
    require_step(version, Step.DECIDE)
    if Ballot.objects.filter(version=version, leader=leader).exists():
        raise ValidationError(_("You have already rated the candidates."),
                              code="already_rated")
    candidates = set(Characteristic.objects.filter(
        version=version, status=CharacteristicStatus.CANDIDATE).values_list("pk", flat=True))
    if not candidates:
        raise ValidationError(_("There is nothing to rate."), code="no_candidates")
    check_scores(scores, candidates)
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(version=version, leader=leader,
                                           cast_on=timezone.localdate())
    except IntegrityError:
        raise ValidationError(_("You have already rated the candidates."),
                              code="already_rated") from None
    # Shuffled by the random primary key: insertion order tells nothing either.
    Rating.objects.bulk_create(Rating(characteristic_id=pk, score=score)
                               for pk, score in scores.items())
    return ballot
