"""Scores the extractor against the curation files: what it finds of the reviewed figures, and what else.

A curated figure is found when a candidate's quote overlaps the figure's quote in the report text and
their values agree after normalisation (both through `curation.normalise`). A project milestone whose
curated date names a month or a day counts too: a milestone candidate with that date finds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..curation import CurationFile, date_precision, load_all, locate, parse_partial_date
from .candidates import Candidate
from .extractor import extract_candidates
from .names import NameBook, name_book_from_curation
from .periods import RELATIVE_YEARS, explicit_years

_RELATIVE_YEAR = re.compile("|".join(RELATIVE_YEARS))


@dataclass(frozen=True)
class Truth:
    """One reviewed fact: a figure, or a dated milestone, at its quote's span in the report text."""

    start: int
    end: int
    value: Decimal
    label: str  # value and unit as printed, for the list of misses
    quote: str
    milestone_precision: str = ""  # "year" | "month" | "day" for a milestone; "" for a figure
    milestone_kind: str = ""

    def found_by(self, candidate: Candidate) -> bool:
        c_end = candidate.offset + len(candidate.quote)
        if candidate.offset >= self.end or self.start >= c_end:
            return False
        if self.milestone_precision:
            if candidate.kind != "milestone" or candidate.milestone != self.milestone_kind:
                return False
            digits = {"year": 4, "month": 6}.get(self.milestone_precision, 8)
            return str(candidate.value)[:digits] == str(self.value)[:digits]
        return candidate.kind != "milestone" and candidate.value == self.value


@dataclass
class ReportScore:
    file: str
    truths: list[Truth]
    candidates: list[Candidate]
    missed: list[Truth] = field(default_factory=list)
    unmatched: list[Candidate] = field(default_factory=list)

    @property
    def found(self) -> int:
        return len(self.truths) - len(self.missed)

    @property
    def matching(self) -> int:
        return len(self.candidates) - len(self.unmatched)

    @property
    def recall(self) -> float:
        return self.found / len(self.truths) if self.truths else 1.0

    @property
    def precision(self) -> float:
        return self.matching / len(self.candidates) if self.candidates else 1.0


def truths_of(cf: CurationFile) -> list[Truth]:
    truths = [
        Truth(
            f.quote.offset,
            f.quote.offset + len(f.quote.text),
            f.value,
            f"{f.value_printed}{f.unit_printed}",
            f.quote.text,
        )
        for f in cf.figures
    ]
    for project in cf.projects:
        for m in project.get("milestones") or []:
            when = m.get("date") if m.get("date") is not None else m.get("planned")
            quote = locate(cf.text, m["quote"], cf.path.name)
            precision = date_precision(when)
            if when is None or (precision == "year" and not _prints_a_year(quote.text)):
                continue  # the year was read from the context, not printed beside the event
            day = parse_partial_date(when)
            truths.append(
                Truth(
                    quote.offset,
                    quote.offset + len(quote.text),
                    Decimal(day.strftime("%Y%m%d")),
                    f"{m['kind']} {when}",
                    quote.text,
                    milestone_precision=precision,
                    milestone_kind=m["kind"],
                )
            )
    return truths


def _prints_a_year(quote: str) -> bool:
    return bool(explicit_years(quote) or _RELATIVE_YEAR.search(quote))


def score(cf: CurationFile, names: NameBook) -> ReportScore:
    published = parse_partial_date(cf.report.get("published"))
    candidates = extract_candidates(cf.text, published_on=published, names=names)
    truths = truths_of(cf)
    result = ReportScore(cf.report["file"], truths, candidates)
    result.missed = [t for t in truths if not any(t.found_by(c) for c in candidates)]
    result.unmatched = [c for c in candidates if not any(t.found_by(c) for t in truths)]
    return result


def evaluate(directory: Path | None = None, names: NameBook | None = None) -> list[ReportScore]:
    """One score per curation file; names default to the curation files' own (merged) names."""
    files = load_all(directory)
    book = names if names is not None and len(names) else name_book_from_curation(files)
    return [score(cf, book) for cf in files]


def overall(scores: list[ReportScore]) -> tuple[float, float]:
    truths = sum(len(s.truths) for s in scores)
    candidates = sum(len(s.candidates) for s in scores)
    recall = sum(s.found for s in scores) / truths if truths else 1.0
    precision = sum(s.matching for s in scores) / candidates if candidates else 1.0
    return recall, precision
