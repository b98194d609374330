"""Semesters of individual coaching: spring starts in January, autumn in August.

A course is applied for one semester; its sessions must fall inside it (and
inside the framework agreement's period). Kept apart from the models so the
date arithmetic can be tested on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Term(models.TextChoices):
    SPRING = "var", _("spring")
    AUTUMN = "host", _("autumn")


@dataclass(frozen=True, order=True)
class Semester:
    year: int
    term: str  # a Term value; "host" sorts after "var", as autumn follows spring

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.year, 1 if self.term == Term.SPRING else 8, 1)

    @property
    def ends_on(self) -> dt.date:
        # Spring runs to the end of June, autumn to the end of December.
        return dt.date(self.year, 6, 30) if self.term == Term.SPRING else dt.date(self.year, 12, 31)

    @property
    def key(self) -> str:
        """A stable form value, e.g. ``host-2026``."""
        return f"{self.term}-{self.year}"

    @property
    def label(self) -> str:
        return f"{Term(self.term).label} {self.year}"

    def __str__(self) -> str:
        # Rendered when used, so an email shows the term in its reader's language.
        return self.label

    def next(self) -> Semester:
        if self.term == Term.SPRING:
            return Semester(self.year, Term.AUTUMN)
        return Semester(self.year + 1, Term.SPRING)

    @classmethod
    def from_key(cls, key: str) -> Semester | None:
        term, _sep, year = (key or "").partition("-")
        if term not in Term.values or not year.isdigit() or not 2000 <= int(year) <= 2100:
            return None
        return cls(int(year), term)

    @classmethod
    def current_or_next(cls, today: dt.date) -> Semester:
        """The semester running on ``today``, or the next one in the summer break."""
        return cls(today.year, Term.SPRING if today.month <= 6 else Term.AUTUMN)

    @classmethod
    def open_for_applications(cls, today: dt.date, count: int = 2) -> list[Semester]:
        """The semester now running (or about to start) and the ones after it."""
        first = cls.current_or_next(today)
        result = [first]
        while len(result) < count:
            result.append(result[-1].next())
        return result
