"""The thresholds the needs-action rules use, per municipality (read side).

:class:`Limits` holds one municipality's values (the defaults when it has no
``CockpitSettings`` row). :class:`LimitBook` loads them for a page in one query
and groups the municipalities a rule looks at by the values *that rule* reads,
so a rule still runs one query for all municipalities that share its thresholds
(one group in the usual case: O&F see one municipality; a system administrator's
"all municipalities" splits only where municipalities set that rule differently).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from .models import THRESHOLDS, CockpitSettings

Organisations = Sequence[int] | None


@dataclass(frozen=True)
class Limits:
    request_wait_days: int = THRESHOLDS["request_wait_days"][0]
    underfilled_percent: int = THRESHOLDS["underfilled_percent"][0]
    underfilled_lookahead_days: int = THRESHOLDS["underfilled_lookahead_days"][0]
    talent_release_lookahead_days: int = THRESHOLDS["talent_release_lookahead_days"][0]
    survey_closing_days: int = THRESHOLDS["survey_closing_days"][0]
    low_response_percent: int = THRESHOLDS["low_response_percent"][0]
    meeting_confirm_days: int = THRESHOLDS["meeting_confirm_days"][0]
    coaching_unused_percent: int = THRESHOLDS["coaching_unused_percent"][0]
    failures_days: int = THRESHOLDS["failures_days"][0]

    @classmethod
    def of(cls, row: CockpitSettings) -> Limits:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


DEFAULT_LIMITS = Limits()


class LimitBook:
    """The thresholds of the municipalities one page looks at (one query)."""

    def __init__(self, organisations: Organisations) -> None:
        self.organisations = None if organisations is None else list(organisations)
        rows = CockpitSettings.objects.all()
        if self.organisations is not None:
            rows = rows.filter(organisation_id__in=self.organisations)
        self.custom = {row.organisation_id: Limits.of(row) for row in rows}
        self._all: list[int] | None = None

    def limits(self, organisation_id: int) -> Limits:
        return self.custom.get(organisation_id, DEFAULT_LIMITS)

    def groups(self, names: Sequence[str]) -> list[tuple[Organisations, Limits]]:
        """The municipalities split by the values of ``names``, each with its limits."""
        def key(limits: Limits) -> tuple[int, ...]:
            return tuple(getattr(limits, name) for name in names)

        ids = self.organisations
        if ids is None:
            if all(key(limits) == key(DEFAULT_LIMITS) for limits in self.custom.values()):
                return [(None, DEFAULT_LIMITS)]
            ids = self._every_organisation()
        grouped: dict[tuple[int, ...], tuple[list[int], Limits]] = {}
        for organisation_id in ids:
            limits = self.limits(organisation_id)
            grouped.setdefault(key(limits), ([], limits))[0].append(organisation_id)
        return [(members, limits) for members, limits in grouped.values()]

    def _every_organisation(self) -> list[int]:
        if self._all is None:
            from accounts.models import Organisation

            self._all = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
        return self._all

    def single(self, names: Sequence[str]) -> Limits:
        """The limits when all the municipalities share them (a rule called on its own)."""
        groups = self.groups(names)
        if len(groups) != 1:
            raise ValueError("the municipalities set these thresholds differently: "
                             "run the rule per group (needs_action does)")
        return groups[0][1]
