"""What the extractor returns: one candidate figure, with its quote, scope and how sure the extractor is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

KINDS = ("actual", "target", "change", "rank", "attribute", "milestone")
COMPARATORS = ("", ">=", "<=", "~")


@dataclass(frozen=True)
class Scope:
    kind: str  # "region" | "park" | "project" | "company"
    name: str  # canonical name when recognised, else the name as printed
    id: int | None  # primary key of the recognised row; None = proposed new entity

    def as_json(self) -> dict:
        return {"kind": self.kind, "name": self.name, "id": self.id}


@dataclass(frozen=True)
class Candidate:
    """A figure found in a text, waiting for a reviewer. `quote` is `text[offset:offset + len(quote)]`.

    Money is in 万元 and other units as `curation.normalise` stores them (万平米 → m², 万吨 → 吨 …).
    A milestone's value is its first day as the number YYYYMMDD (unit "date"); the day itself is
    `period_start`, and `milestone` says which one (started, in_production …).
    """

    value: Decimal
    unit: str
    value_printed: str
    unit_printed: str
    quote: str
    offset: int
    kind: str
    period: str
    period_start: date | None
    period_end: date | None
    scope: Scope | None
    indicator: str | None
    comparator: str
    confidence: float
    measure: str = "level"  # "level" | "growth_yoy" | "share", as the curation files say
    value_max: Decimal | None = None  # the upper end of a printed range (3-5个), else None
    milestone: str = ""  # for kind "milestone": signed | started | in_production | completed …
    value_offset: int = -1  # where the printed number starts in the text

    def as_json(self) -> dict:
        return {
            "value": str(self.value),
            "unit": self.unit,
            "value_printed": self.value_printed,
            "unit_printed": self.unit_printed,
            "quote": self.quote,
            "offset": self.offset,
            "kind": self.kind,
            "measure": self.measure,
            "period": self.period,
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "scope": self.scope.as_json() if self.scope else None,
            "indicator": self.indicator,
            "comparator": self.comparator,
            "milestone": self.milestone,
            "confidence": round(self.confidence, 2),
        }
