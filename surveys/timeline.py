"""The Effect survey's milestones on a leader group's progress timeline.

Registered in ``SurveysConfig.ready`` as the source ``"surveys.effect"``; one
query answers for every group on the page.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.timeline import Milestone
from lib.prepared import Prepared, Read

from .models import InstrumentKind, Phase, Round

_EFFECT_ROUNDS: Prepared[Round] = Prepared(lambda group_ids: (
    Round.objects.filter(kind=InstrumentKind.EFFECT, group__any=group_ids)
    .annotate(invited=Count("invitations"),
              answered=Count("invitations", filter=Q(invitations__submitted=True)))
    .order_by("opens_on")))


def effect_reads(groups: list) -> list[Read[Round]]:
    """:func:`effect_milestones`' read, for a page that sends its reads together."""
    return [_EFFECT_ROUNDS.read(group_ids=[g.pk for g in groups])]


def effect_milestones(groups: list) -> dict[int, list[Milestone]]:
    today = timezone.localdate()
    rounds = effect_reads(groups)[0]()
    result: dict[int, list[Milestone]] = defaultdict(list)
    for r in rounds:
        before = r.phase == Phase.BEFORE
        url = reverse("surveys:report", args=[r.pk])
        opened = r.opens_on <= today
        if before:
            label = _("Effect survey before opened") if opened else _("Effect survey before opens")
        else:
            label = _("Effect survey after opened") if opened else _("Effect survey after opens")
        result[r.group_id].append(Milestone(key=f"effect_{r.phase}_opened", label=label,
                                            date=r.opens_on, done=opened, kind="survey"))
        rate = round(100 * r.answered / r.invited) if r.invited else 0
        counts = {"answered": r.answered, "invited": r.invited, "rate": rate}
        if r.has_closed(today):
            label = (_("Effect survey before closed: %(answered)s of %(invited)s answered "
                       "(%(rate)s %%)") if before else
                     _("Effect survey after closed: %(answered)s of %(invited)s answered "
                       "(%(rate)s %%)")) % counts
        else:
            label = (_("Effect survey before closes: %(answered)s of %(invited)s have "
                       "answered so far") if before else
                     _("Effect survey after closes: %(answered)s of %(invited)s have "
                       "answered so far")) % counts
        result[r.group_id].append(Milestone(
            key=f"effect_{r.phase}_closed", label=label, date=r.closes_on,
            done=r.has_closed(today), url=url, kind="survey"))
    return dict(result)
