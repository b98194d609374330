"""Compare two versions of a purpose poster: which commitments came, went or changed.

Commitments are matched with difflib on their text; a replaced commitment is
shown word by word. The page marks changes with words and ins/del elements,
not colour alone.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .models import PosterCommitment


@dataclass(frozen=True)
class Segment:
    op: str  # "same" | "added" | "removed"
    text: str


@dataclass(frozen=True)
class DiffRow:
    op: str  # "same" | "added" | "removed" | "changed"
    old_number: int | None = None
    new_number: int | None = None
    old_purpose: str = ""
    new_purpose: str = ""
    segments: list[Segment] = field(default_factory=list)


def words_diff(old: str, new: str) -> list[Segment]:
    a, b = old.split(), new.split()
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(Segment("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("added", " ".join(b[j1:j2])))
    return segments


def similar(old: str, new: str) -> bool:
    """Half the words or more in common: show as changed, not as removed and added."""
    return difflib.SequenceMatcher(a=old.split(), b=new.split(), autojunk=False).ratio() >= 0.5


def commitments_diff(old: list[PosterCommitment], new: list[PosterCommitment]) -> list[DiffRow]:
    a = [c.text for c in old]
    b = [c.text for c in new]
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for x, y in zip(old[i1:i2], new[j1:j2], strict=True):
                op = "same" if x.purpose == y.purpose else "changed"
                rows.append(DiffRow(op, x.position, y.position, x.get_purpose_display(),
                                    y.get_purpose_display(), [Segment("same", y.text)]))
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        removed, added = list(old[i1 + pairs:i2]), list(new[j1 + pairs:j2])
        for k in range(pairs):
            x, y = old[i1 + k], new[j1 + k]
            if similar(x.text, y.text):
                rows.append(DiffRow("changed", x.position, y.position, x.get_purpose_display(),
                                    y.get_purpose_display(), words_diff(x.text, y.text)))
            else:  # a rewrite reads better as one out, one in than as a word soup
                removed.insert(k, x)
                added.insert(k, y)
        for x in removed:
            rows.append(DiffRow("removed", old_number=x.position,
                                old_purpose=x.get_purpose_display(),
                                segments=[Segment("removed", x.text)]))
        for y in added:
            rows.append(DiffRow("added", new_number=y.position,
                                new_purpose=y.get_purpose_display(),
                                segments=[Segment("added", y.text)]))
    return rows
