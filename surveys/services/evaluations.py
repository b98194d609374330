"""Session evaluations, opened automatically once a session or gathering has ended.

Beat runs :func:`evaluations_open_due` (task ``surveys.tasks.evaluations_open_due``)
every quarter of an hour. Each session and gathering gets one evaluation round
however often and however concurrently it runs: the session's row is locked
while we look for its round, and a unique constraint backs that up.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from programs.models import Gathering, ModuleSession, ModuleStatus

from ..models import InstrumentKind, Round
from ..selectors import default_instrument
from .rounds import round_create, round_open

logger = logging.getLogger(__name__)

EVALUATION_DAYS_OPEN = 14
# Sessions that ended longer ago than this are not evaluated (e.g. history
# entered after the fact, or the first run after deployment).
EVALUATION_LOOKBACK_DAYS = 14


def _ended(now: dt.datetime) -> Q:
    local = timezone.localtime(now)
    return (Q(date__lt=local.date()) | Q(date=local.date(), ends_at__lte=local.time())) & \
        Q(date__gte=local.date() - dt.timedelta(days=EVALUATION_LOOKBACK_DAYS))


@transaction.atomic
def evaluation_open(*, module_session_id: int | None = None, gathering_id: int | None = None,
                    now: dt.datetime | None = None) -> Round | None:
    """Create and open the evaluation round of one session or gathering, once.

    Returns the new round, or None if it already had one (or the municipality
    has no evaluation instrument in use).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if module_session_id is not None:
        session = (ModuleSession.objects.select_for_update(of=("self",))
                   .select_related("module__programme__organisation")
                   .get(pk=module_session_id))
        if Round.objects.filter(module_session=session).exists():
            return None
        organisation = session.module.programme.organisation
        target = {"module_session": session}
    else:
        gathering = (Gathering.objects.select_for_update(of=("self",))
                     .select_related("programme__organisation").get(pk=gathering_id))
        if Round.objects.filter(gathering=gathering).exists():
            return None
        organisation = gathering.programme.organisation
        target = {"gathering": gathering}
    instrument = default_instrument(organisation.pk, InstrumentKind.EVALUATION)
    if instrument is None:
        logger.warning("no evaluation instrument in use for %s", organisation)
        return None
    round = round_create(organisation=organisation, instrument=instrument, opens_on=today,
                         closes_on=today + dt.timedelta(days=EVALUATION_DAYS_OPEN), **target)
    round_open(round=round, now=now)
    return round


def evaluations_open_due(*, now: dt.datetime | None = None) -> int:
    """Open evaluations for every session and gathering that has just ended; returns how many."""
    now = now or timezone.now()
    sessions = list(ModuleSession.objects.filter(_ended(now), survey_rounds__isnull=True)
                    .exclude(module__status=ModuleStatus.CANCELLED)
                    .values_list("pk", flat=True))
    gatherings = list(Gathering.objects.filter(_ended(now), survey_rounds__isnull=True)
                      .values_list("pk", flat=True))
    opened = sum(1 for pk in sessions if evaluation_open(module_session_id=pk, now=now))
    opened += sum(1 for pk in gatherings if evaluation_open(gathering_id=pk, now=now))
    return opened
