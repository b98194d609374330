"""Shared pieces of the reports: statistics from the database and round status."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Answer, Invitation, ItemKind, Response, Round
from .anonymity import enough_answered


@dataclass(frozen=True)
class Stat:
    """An aggregate that passed the threshold: respondents, mean and spread (sample SD)."""

    n: int
    mean: float
    sd: float | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Stat:
        """From a row of :func:`scale_stats`: the sample SD from the sums of x and x²."""
        count, total, squares = row["values"], row["total"], row["squares"]
        sd = None
        if count and count > 1:
            variance = (squares - total * total / count) / (count - 1)
            sd = math.sqrt(max(variance, 0.0))
        return cls(n=row["n"], mean=float(row["mean"]), sd=sd)


def scale_stats(answers: QuerySet[Answer], *group_by: str) -> QuerySet:
    """Respondents, mean and the sums for the spread of scale answers, grouped in the database.

    The spread comes from Σx and Σx² rather than the database's STDDEV, which
    SQLite's fallback refuses for a single value and PostgreSQL returns as NULL.
    """
    return (answers.filter(item__kind=ItemKind.SCALE).values(*group_by)
            .annotate(n=Count("response_id", distinct=True), mean=Avg("value"),
                      values=Count("value"), total=Sum("value"),
                      squares=Sum(F("value") * F("value")))
            .order_by(*group_by))


@dataclass
class RoundStatus:
    """How far a round has come, and whether its results may be shown."""

    round: Round
    invited: int
    answered: int
    released: bool
    shown: bool

    @property
    def rate(self) -> int | None:
        return round(100 * self.answered / self.invited) if self.invited else None

    @property
    def hidden_reason(self) -> str:
        if self.shown:
            return ""
        threshold = self.round.min_respondents
        if not self.released:
            return _("Results are shown when the survey has closed (or everyone has answered), "
                     "and only if at least %(n)s have answered.") % {"n": threshold}
        return ngettext("The result is shown when at least %(n)s have answered; "
                        "%(answered)s has answered.",
                        "The result is shown when at least %(n)s have answered; "
                        "%(answered)s have answered.",
                        self.answered) % {"n": threshold, "answered": self.answered}


def round_statuses(rounds: list[Round], today: dt.date | None = None) -> dict[Any, RoundStatus]:
    """Invited, answered and released for several rounds in two queries."""
    today = today or timezone.localdate()
    ids = [r.pk for r in rounds]
    invited = {row["round_id"]: row for row in
               Invitation.objects.filter(round_id__in=ids).values("round_id")
               .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(submitted=True)))}
    responses = dict(Response.objects.filter(round_id__in=ids).values("round_id")
                     .annotate(n=Count("pk")).values_list("round_id", "n"))
    result = {}
    for r in rounds:
        n = responses.get(r.pk, 0)
        released = r.results_released(today)
        result[r.pk] = RoundStatus(
            round=r, invited=invited.get(r.pk, {}).get("invited", 0), answered=n,
            released=released, shown=released and enough_answered(n, r.min_respondents))
    return result


def comments(round: Round, status: RoundStatus) -> list[tuple[Any, list[str]]]:
    """Free-text answers per text item, only for items at or over the comment threshold.

    Sorted alphabetically: the order of storage would follow the order of
    answering, which is not ours to show.
    """
    if not status.shown:
        return []
    texts = Answer.objects.filter(response__round=round, item__kind=ItemKind.TEXT).exclude(
        text="")
    counts = dict(texts.values("item_id").annotate(n=Count("pk")).values_list("item_id", "n"))
    enough = [pk for pk, n in counts.items()
              if enough_answered(n, round.min_text_respondents)]
    if not enough:
        return []
    by_item: dict[int, list[str]] = {pk: [] for pk in enough}
    for item_id, text in texts.filter(item_id__in=enough).order_by("item_id", "text") \
            .values_list("item_id", "text"):
        by_item[item_id].append(text)
    return list(by_item.items())
