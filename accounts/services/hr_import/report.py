"""What a dry run shows: the changes an import would make, and every row it refuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class RowError:
    line: int
    code: str
    message: str

    @classmethod
    def of(cls, line: int, error: ValidationError) -> list[RowError]:
        return [cls(line, e.code or "invalid", e.messages[0]) for e in error.error_list]


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    """One leader or unit in the dry run: who, and what would change."""

    line: int | None
    key: str  # employee number or unit code
    name: str
    detail: str = ""  # the unit (a leader) or the parent (a unit)
    changes: tuple[FieldChange, ...] = ()


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    new: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)
    moved: list[Entry] = field(default_factory=list)  # leaders to another unit, units elsewhere
    missing: list[Entry] = field(default_factory=list)  # leavers; units kept as they are
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        # Leaders missing from the file leave; units missing from it are kept as they are.
        leavers = self.missing if self.kind == "leaders" else []
        return bool(self.new or self.changed or self.moved or leavers)

    @property
    def can_apply(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, Any]:
        return {"rows": self.rows, "new": len(self.new), "changed": len(self.changed),
                "moved": len(self.moved), "missing": len(self.missing),
                "unchanged": self.unchanged, "errors": len(self.errors)}
