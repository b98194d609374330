"""The seat arithmetic of a module, kept pure so it can be tested on its own.

``capacity`` counts every seat. Until the release date ``reserved`` of them
are kept for leader talents; a talent takes a kept seat first, so the open
seats stay for everyone else. After the release nothing is kept and any free
seat goes to whoever is next.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SeatKind(StrEnum):
    TALENT = "talent"
    GENERAL = "general"


@dataclass(frozen=True)
class SeatState:
    capacity: int
    reserved: int  # talent seats still kept today (0 once released)
    seated: int
    talent_seated: int  # seated leaders who hold a kept talent seat

    @property
    def free(self) -> int:
        return max(self.capacity - self.seated, 0)

    @property
    def talent_free(self) -> int:
        return min(max(self.reserved - self.talent_seated, 0), self.free)

    @property
    def general_free(self) -> int:
        return self.free - self.talent_free

    def seat_for(self, *, is_talent: bool) -> SeatKind | None:
        """Which seat a leader would get now, or None if there is none for them."""
        if is_talent and self.talent_free > 0:
            return SeatKind.TALENT
        if self.general_free > 0:
            return SeatKind.GENERAL
        return None

    def free_for(self, *, is_talent: bool) -> int:
        return self.free if is_talent else self.general_free
