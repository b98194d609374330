"""GDPR for surveys: what a leader's export holds, what anonymising scrubs.

Registered in ``SurveysConfig.ready()`` with ``accounts.privacy``.

An anonymous response carries no person by design, so it is neither part of
anyone's export nor touched when a leader is anonymised. What does point at
the person: their invitations (that they were asked, and whether they
answered), a draft they hold (answers saved halfway, personal until
submitted), and responses to rounds that were *not* anonymous, whose
respondent is named.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from accounts.models import Leader, User

from .models import Answer, Draft, Invitation, Item, ItemKind, Response

_ROUND_RELATED = ("round__instrument", "round__group", "round__module_session__module",
                  "round__gathering")


def _items(instrument_ids: Iterable[Any]) -> dict[str, Item]:
    items = Item.objects.filter(instrument_id__in=set(instrument_ids)).prefetch_related("choices")
    return {str(item.pk): item for item in items}


def _reply(item: Item, given: Any) -> Any:
    """A draft's stored value made readable: choice labels instead of ids."""
    if not item.has_choices:
        return given
    labels = {str(c.pk): c.label for c in item.choices.all()}
    if item.kind == ItemKind.SINGLE:
        return labels.get(str(given), given)
    if item.kind == ItemKind.MULTIPLE:
        return [labels.get(str(c), c) for c in given]
    return {labels.get(str(c), c): place for c, place in given.items()}  # ranking: place


def _draft(draft: Draft, items: dict[str, Item]) -> dict[str, Any]:
    return {
        "round": draft.invitation.round.display_title,
        "saved": draft.updated_at.isoformat(),
        "replies_so_far": [{"question": items[key].text, "reply": _reply(items[key], given)}
                           for key, given in draft.data.items() if key in items],
    }


def _named_response(response: Response) -> dict[str, Any]:
    replies: list[dict[str, Any]] = []
    for answer in response.answers.all():
        if answer.item.kind == ItemKind.TEXT:
            reply: Any = answer.text
        elif answer.choice_id is None:
            reply = answer.value
        elif answer.item.kind == ItemKind.RANKING:
            reply = {answer.choice.label: answer.value}
        else:
            reply = answer.choice.label
        replies.append({"question": answer.item.text, "reply": reply})
    return {"round": response.round.display_title,
            "week": response.submitted_week.isoformat(), "replies": replies}


def personal_data(user: User) -> dict[str, Any]:
    """Invitations, drafts held and named (not anonymous) responses of the user.

    Anonymous responses are never included: nothing links them to the user.
    """
    invitations = list(Invitation.objects.filter(leader__user=user)
                       .select_related(*_ROUND_RELATED).order_by("round__opens_on"))
    drafts = list(Draft.objects.filter(invitation__leader__user=user)
                  .select_related(*(f"invitation__{r}" for r in _ROUND_RELATED))
                  .order_by("updated_at"))
    items = _items(d.invitation.round.instrument_id for d in drafts)
    named = (Response.objects.filter(respondent__user=user, anonymous=False)
             .select_related(*_ROUND_RELATED)
             .prefetch_related("answers__item", "answers__choice")
             .order_by("submitted_week"))
    return {
        "invitations": [{
            "round": i.round.display_title, "kind": i.round.kind,
            "opens_on": i.round.opens_on.isoformat(), "closes_on": i.round.closes_on.isoformat(),
            "invited_by_email": i.emailed_at.isoformat() if i.emailed_at else None,
            "has_answered": i.submitted,
        } for i in invitations],
        "drafts": [_draft(d, items) for d in drafts],
        "named_responses": [_named_response(r) for r in named],
    }


def anonymise(leader: Leader) -> None:
    """Delete the leader's unsubmitted drafts and the free text of their named responses.

    Anonymous responses are left exactly as they are; invitations stay (they
    count who was asked and who answered), and named responses keep their
    scores and choices so the round's figures still add up.
    """
    Draft.objects.filter(invitation__leader=leader).delete()
    Answer.objects.filter(response__respondent=leader, response__anonymous=False,
                          item__kind=ItemKind.TEXT).update(text="")
