"""Who may open what. Everything is fetched through the user's municipality first,
so another municipality's round is a 404 whatever its id; inside the
municipality, someone without a role on the round gets a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.access import is_oaf_for, leader_for  # noqa: F401 (re-exported)
from accounts.models import User
from groups.models import LeaderGroup, LeaderGroupMembership
from lib.prepared import Prepared

from .models import InstrumentKind, Invitation, Round

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser



# What the answer page shows of a round (its title); the reports need the rest.
ANSWER_RELATED = ("instrument", "group", "module_session__module", "gathering")
REPORT_RELATED = ("instrument", "organisation", "group", "baseline", "follow_up",
                  "module_session__module__programme", "gathering__programme")


def with_title_parts(round: Round) -> Round:
    """``round`` with what its page shows (``ANSWER_RELATED``), read in one query if needed."""
    if all(getattr(Round, name.split("__")[0]).is_cached(round) for name in ANSWER_RELATED):
        return round
    return Round.objects.select_related(*ANSWER_RELATED).get(pk=round.pk)


def own_invitation(user: User | AnonymousUser, round_id: UUID | str) -> Invitation | None:
    """The user's own invitation to a round of their municipality, or None.

    One query brings the invitation, the leader and the round with what its page
    shows (``ANSWER_RELATED``: the title may name the group, module or gathering),
    so the busiest survey page checks access and reads the round without further
    lookups. None says only that there is no invitation: the caller then loads
    the round and the leader the ordinary way (a leader may be eligible without
    one, or the round may not be theirs at all).
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:  # every municipality: the ordinary query
        found = list(_own_invitation(Invitation.objects.all(), round_id, user.pk))
    else:
        try:
            round_uuid = UUID(str(round_id))
        except ValueError:
            return None
        found = _OWN_INVITATION(round_id=round_uuid, user_id=user.pk,
                                organisation_id=user.organisation_id)
    return found[0] if found else None


def _own_invitation(invitations: QuerySet[Invitation], round_id: UUID | str,
                    user_id: int) -> QuerySet[Invitation]:
    # At most one row (one invitation per leader and round): no ORDER BY to compile.
    return (invitations
            .select_related("leader__unit", *(f"round__{name}" for name in ANSWER_RELATED))
            .filter(round_id=round_id, leader__user_id=user_id)[:1])


_OWN_INVITATION: Prepared[Invitation] = Prepared(
    lambda round_id, user_id, organisation_id: _own_invitation(
        Invitation.objects.in_organisation(organisation_id), round_id, user_id))


def get_round_for_user(user: User | AnonymousUser, round_id: UUID | str,
                       related: tuple[str, ...] = REPORT_RELATED) -> Round:
    """A round of the user's municipality, or 404.

    ``related`` is what to join: every join costs PostgreSQL planning time on each
    request (eleven tables took ~10 ms to plan and 0.3 ms to run), so the answer
    page asks only for what it shows."""
    round = (Round.objects.visible_to(user).select_related(*related)
             .filter(pk=round_id).first())
    if round is None:
        raise Http404
    return round


def may_view_report(user: User, round: Round) -> bool:
    """O&F sees every report of its municipality; a group's head and members see their
    group's; facilitators and advisers see the evaluations of what they led."""
    if is_oaf_for(user, round.organisation_id):
        return True
    if round.kind == InstrumentKind.EFFECT and round.group_id is not None:
        return (LeaderGroup.objects.filter(pk=round.group_id, head__user=user).exists()
                or LeaderGroupMembership.objects.filter(group_id=round.group_id,
                                                        leader__user=user).exists())
    if round.module_session is not None:
        return round.module_session.facilitators.filter(pk=user.pk).exists()
    if round.gathering is not None:
        return round.gathering.advisers.filter(pk=user.pk).exists()
    return False


def get_round_report_for_user(user: User, round_id: UUID | str) -> Round:
    """The round if the user may read its report: 404 outside the municipality, else 403."""
    round = get_round_for_user(user, round_id)
    if not may_view_report(user, round):
        raise PermissionDenied
    return round


def may_view_evaluations(user: User) -> bool:
    return bool(user.is_superuser or user.is_oaf_admin or user.is_facilitator)
