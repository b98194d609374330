"""GDPR for network groups: what a leader's export holds, what anonymising scrubs.

Registered in ``NetworksConfig.ready()`` with ``accounts.privacy``.

A meeting note is the group's, one per meeting; the export lists the notes the
user last wrote. Anonymising clears the *case* of those notes (it is the leader's
own situation at work) but keeps what the group *agreed*, which belongs to the
other members too; the author shows as the anonymised user. Memberships,
meetings and poll answers stay, so counts and the planner's history still add up.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Leader, User

from .models import MeetingNote, MeetingVote, NetworkMeeting, NetworkMembership


def personal_data(user: User) -> dict[str, Any]:
    """Network groups, their meetings, the user's own poll answers and notes they wrote."""
    memberships = list(NetworkMembership.objects.filter(leader__user=user)
                       .select_related("group", "plan__programme").order_by("added_at"))
    meetings = (NetworkMeeting.objects.filter(group__in=[m.group_id for m in memberships])
                .select_related("group").order_by("date", "starts_at"))
    votes = (MeetingVote.objects.filter(leader__user=user)
             .select_related("option__meeting__group").order_by("option__date", "option__slot"))
    notes = (MeetingNote.objects.filter(updated_by=user)
             .select_related("meeting__group").order_by("meeting__date"))
    return {
        "groups": [{"group": m.group.name, "programme": m.plan.programme.name,
                    "added": m.added_at.isoformat()} for m in memberships],
        "meetings": [{"group": m.group.name, "number": m.number,
                      "date": m.date.isoformat() if m.date else None,
                      "slot": m.slot, "starts_at": m.starts_at.isoformat() if m.starts_at else None,
                      "ends_at": m.ends_at.isoformat() if m.ends_at else None,
                      "status": m.status, "place": m.place} for m in meetings],
        "poll_answers": [{"group": v.option.meeting.group.name,
                          "meeting": v.option.meeting.number,
                          "date": v.option.date.isoformat(), "slot": v.option.slot,
                          "answer": v.answer, "answered": v.answered_at.isoformat()}
                         for v in votes],
        "meeting_notes_written": [{"group": n.meeting.group.name,
                                   "meeting": n.meeting.date.isoformat(),
                                   "the_case_we_worked_on": n.case, "what_we_agreed": n.agreed,
                                   "changed": n.updated_at.isoformat()} for n in notes],
    }


def anonymise(leader: Leader) -> None:
    """Clear the cases the leader wrote down; agreements, memberships, meetings and poll
    answers stay."""
    MeetingNote.objects.filter(updated_by_id=leader.user_id).update(case="")
