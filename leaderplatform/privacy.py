"""GDPR for the leader platform: what a leader's export holds, what anonymising removes.

Registered in ``LeaderplatformConfig.ready()`` with ``accounts.privacy``.

The self-assessments are the leader's own personal data: the export holds every
one with every answer; anonymising deletes them (an answer tied to a level and
unit would still point at the person, and nobody else may read them anyway).
Proposals are the group's: the export lists those the user typed in, and
anonymising only forgets who typed them. That the leader rated the candidates
stays (the scores never pointed at anyone).

A 360 round on a self-assessment is the leader's too: the export holds what the
leader could see of it (each group's mean per theme over the threshold, and counts),
never a rater's scores — those are no personal data of the leader, and are deleted
with the round when the leader is anonymised.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Leader, User

from . import selectors
from .models import Ballot, FeedbackRound, Proposal, SelfAnswer, SelfAssessment


def personal_data(user: User) -> dict[str, Any]:
    """Self-assessments with every answer, proposals entered, platforms rated."""
    assessments = list(SelfAssessment.objects.filter(leader__user=user)
                       .select_related("version__platform").prefetch_related("focus")
                       .order_by("created_at"))
    answers: dict[int, list[dict[str, Any]]] = {}
    for answer in (SelfAnswer.objects.filter(assessment__in=assessments)
                   .select_related("behaviour__characteristic")
                   .order_by("behaviour__characteristic__position", "behaviour__position")):
        answers.setdefault(answer.assessment_id, []).append({
            "characteristic": answer.behaviour.characteristic.text_nb,
            "behaviour": answer.behaviour.text_nb, "score": answer.score})
    proposals = (Proposal.objects.filter(entered_by=user)
                 .select_related("leader_group", "network_group", "version__platform")
                 .order_by("created_at"))
    ballots = (Ballot.objects.filter(leader__user=user).select_related("version__platform")
               .order_by("cast_on"))
    feedback = []
    for assessment in assessments:
        results = selectors.feedback_results(assessment, selectors.profile(assessment))
        if results is not None:
            feedback.append({
                "self_assessment": assessment.created_at.isoformat(),
                "started": results.round.created_at.isoformat(),
                "groups": [{"group": g.value, "invited": g.invited, "answered": g.answered}
                           for g in results.groups],
                "themes": [{"theme": row.theme.name_nb, "own": row.own,
                            "groups": {g.value: m for g, m in zip(results.groups, row.means,
                                                                  strict=True)
                                       if m is not None}} for row in results.rows]})
    return {
        "feedback_received": feedback,
        "self_assessments": [
            {"platform": a.version.platform.name_nb, "version": a.version.number,
             "answered": a.created_at.isoformat(), "shared_with_coach": a.shared_with_coach,
             "development_areas": [c.text_nb for c in a.focus.all()],
             "answers": answers.get(a.pk, [])} for a in assessments],
        "proposals_entered": [
            {"platform": p.version.platform.name_nb, "version": p.version.number,
             "group": p.group_name, "text": p.text, "submitted": p.created_at.isoformat()}
            for p in proposals],
        "candidates_rated": [
            {"platform": b.version.platform.name_nb, "version": b.version.number,
             "rated_on": b.cast_on.isoformat()} for b in ballots],
    }


def anonymise(leader: Leader) -> None:
    """Delete the leader's self-assessments and their 360 rounds; forget who typed the
    group's proposals."""
    FeedbackRound.objects.filter(assessment__leader=leader).delete()
    SelfAssessment.objects.filter(leader=leader).delete()
    Proposal.objects.filter(entered_by_id=leader.user_id).update(entered_by=None)
