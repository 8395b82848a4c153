"""Finds candidate figures in a report's text: numbers with units, ranks and milestone dates.

The text is read sentence by sentence on its normalised copy (`text.normalise`); every candidate's quote
is the clause it stands in, cut from the original text, so `text[offset:offset + len(quote)] == quote`.
A clause printed twice (a repeated paragraph) yields its figures once.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..curation import normalise as normalise_unit
from .candidates import Candidate, Scope
from .names import Mention, NameBook
from .numbers import CN_DIGITS, to_decimal
from .periods import Period, explicit_years, find_periods
from .text import NormalisedText, normalise
from .vocabulary import (
    ACTUAL_WORDS,
    ATTRIBUTE_WORDS,
    COMPARATOR_AFTER,
    COMPARATOR_BEFORE,
    GROWTH_WORDS,
    MILESTONE_VERBS,
    RANK_SCOPES,
    RANK_VERBS,
    SHARE_WORDS,
    TARGET_WORDS,
    UNIT_SPELLINGS,
    indicator_vocabulary,
)

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN = f"[{CN_DIGITS}十百千]+(?:万[{CN_DIGITS}十百千]+)?"
_UNITS = "|".join(re.escape(u) for u in UNIT_SPELLINGS)
FIGURE_RE = re.compile(
    rf"(?:(?<![A-Za-z0-9_.\-/])(?P<num>{_ARABIC})(?:(?:-|~|～|—|至|到)(?P<high>{_ARABIC}))?"
    rf"|(?<![第{CN_DIGITS}十百千万亿周])(?P<cn>{_CN}))"
    rf"(?P<yu>余|多)?"
    rf"(?P<unit>(?:万亿|亿|万)?(?:余|多)?(?:{_UNITS})|(?:万亿|亿|万)(?=级))"
)
RANK_RE = re.compile(
    rf"(?P<scope>{'|'.join(RANK_SCOPES)})?(?P<verb>{'|'.join(RANK_VERBS)})?"
    rf"第(?P<n>\d{{1,3}}|[一二三四五六七八九十]{{1,3}})(?P<unit>名|位)?"
)
_NOT_AFTER_RANK = set("批届次期个轮季大条类章节项家款部种阶步")
_SENTENCE_END = "。！？；!?;\n"
_CLAUSE_END = _SENTENCE_END + "，,：:"
_MILESTONE_VERB_RE = re.compile("|".join(v for v, _ in MILESTONE_VERBS))
_MILESTONE_KIND = dict(MILESTONE_VERBS)
_NOT_A_MILESTONE_AFTER = ("以来", "以前", "之前", "以后", "至今", "底", "末", "前", "起")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


class _Document:
    """One text being read: its normalised copy, sentences, names found in it and the years it is about."""

    def __init__(self, text: str, published_on: date | None, names: NameBook):
        self.norm: NormalisedText = normalise(text)
        self.published_year = published_on.year if published_on else None
        self.mentions: list[Mention] = names.mentions(self.norm)
        years = explicit_years(self.norm.text)
        self.years = years
        counts = Counter(y for _, y in years)
        self.main_year = counts.most_common(1)[0][0] if counts else self.published_year
        self.cut_lines = _cut_line_ends(self.norm.text)

    def context_year(self, at: int) -> int | None:
        """The year 全年 or a bare 1-8月 means at `at`: the last year printed earlier in the same paragraph,
        else the year the text prints most often, else the year it was published."""
        paragraph_start = self.norm.text.rfind("\n", 0, at) + 1
        for pos, year in reversed(self.years):
            if paragraph_start <= pos < at:
                return year
        return self.main_year

    def sentences(self):
        text, start = self.norm.text, 0
        for i, c in enumerate(text):
            if c in _SENTENCE_END:
                if i > start:
                    yield _Span(start, i)
                start = i + 1
        if start < len(text):
            yield _Span(start, len(text))

    def clause(self, at: int, sentence: _Span) -> _Span:
        text = self.norm.text
        start = max((text.rfind(c, sentence.start, at) for c in _CLAUSE_END), default=-1)
        start = max(start + 1, sentence.start)
        ends = [i for c in _CLAUSE_END if (i := text.find(c, at, sentence.end)) >= 0]
        return _Span(start, min(ends, default=sentence.end))

    def quote(self, span: _Span) -> tuple[str, int]:
        a, b = self.norm.span(span.start, span.end)
        return self.norm.original[a:b], a


def _cut_line_ends(text: str) -> set[int]:
    """Positions of line ends that cut a sentence (a column break): no closing punctuation before them."""
    out = set()
    for m in re.finditer(r"\n", text):
        before = text[: m.start()].rstrip()
        if before and before[-1] not in "。！？；!?;：:”」）)" and len(before) - before.rfind("\n") > 20:
            out.add(m.start())
    return out


def extract_candidates(text: str, *, published_on: date | None, names: NameBook) -> list[Candidate]:
    """Every candidate figure in `text`, in the order they are printed."""
    doc = _Document(text, published_on, names)
    found: list[Candidate] = []
    seen: set[tuple] = set()
    for sentence in doc.sentences():
        periods = find_periods(
            doc.norm.text,
            published_year=doc.published_year,
            context_year=doc.context_year(sentence.start),
            start=sentence.start,
            end=sentence.end,
        )
        milestones = list(_milestones(doc, sentence, periods))
        dates = [p for _, p in milestones]
        plain_periods = [p for p in periods if p not in dates]
        candidates = [c for c, _ in milestones]
        candidates += _figures(doc, sentence, plain_periods)
        candidates += _ranks(doc, sentence, plain_periods)
        for candidate in candidates:
            key = (
                re.sub(r"\s+", "", candidate.quote),
                candidate.value,
                candidate.unit,
                candidate.kind,
                candidate.value_printed,
            )
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return sorted(found, key=lambda c: (c.offset, c.value_offset))


# --- numbers with units ---------------------------------------------------------------------------


def _figures(doc: _Document, sentence: _Span, periods: list[Period]) -> list[Candidate]:
    text = doc.norm.text
    out = []
    for m in FIGURE_RE.finditer(text, sentence.start, sentence.end):
        if _is_not_a_figure(text, m):
            continue
        num_group = "num" if m.group("num") else "cn"
        printed_norm = m.group(num_group)
        try:
            number = to_decimal(printed_norm)
            high = to_decimal(m.group("high")) if m.group("high") else None
            value, unit = _normalise_unit(number, m.group("unit"))
        except ValueError:
            continue
        clause = doc.clause(m.start(), sentence)
        quote, offset = doc.quote(clause)
        before = text[clause.start : m.start()]
        after = text[m.end() : clause.end]
        comparator = _comparator(before, m, after)
        kind, measure = _kind(before, after, m.group("unit"))
        if kind == "change" and measure == "level":
            kind = "actual"
        scope = _scope(doc, m.start(), m.end(), sentence, clause)
        if scope and _names_right_after(doc, m.end(), clause) and kind in ("actual",):
            kind = "attribute"  # 总投资 19.96 亿元的 X: a fact of X
        period = _period_for(periods, m.start(), clause) if kind != "attribute" else None
        indicator = _indicator(before, after, unit, measure, m.group("unit"))
        value_printed = doc.norm.original_slice(m.start(num_group), m.end("high") if high else m.end(num_group))
        unit_printed = doc.norm.original_slice(m.start("unit"), m.end("unit"))
        confidence = 0.55
        confidence += 0.15 if indicator else 0
        confidence += 0.1 if scope and scope.id is not None else 0
        confidence += 0.05 if period else 0
        confidence -= 0.15 if num_group == "cn" else 0
        confidence -= 0.1 if comparator == "~" or m.group("unit") in ("万", "亿", "万亿") else 0
        confidence -= 0.2 if _at_a_cut(doc, clause, sentence) else 0
        out.append(
            Candidate(
                value=value,
                unit=unit,
                value_printed=value_printed if not high else doc.norm.original_slice(m.start("num"), m.end("high")),
                unit_printed=unit_printed,
                quote=quote,
                offset=offset,
                kind=kind,
                period=period.label if period else "",
                period_start=period.start if period else None,
                period_end=period.end if period else None,
                scope=scope,
                indicator=indicator,
                comparator=">=" if high and not comparator else comparator,
                confidence=max(0.05, min(0.99, confidence)),
                measure=measure,
                value_max=_normalise_unit(high, m.group("unit"))[0] if high else None,
                value_offset=doc.norm.index[m.start(num_group)],
            )
        )
    return out


def _normalise_unit(number: Decimal, unit: str) -> tuple[Decimal, str]:
    """The importer's normalisation (one home: curation.normalise), with 余/多 and a bare 亿 (百亿级) read."""
    for spelling in (unit, unit.replace("余", "").replace("多", "")):
        try:
            return normalise_unit(number, spelling)
        except ValueError:
            continue
    raise ValueError(f"unknown unit {unit!r}")


def _is_not_a_figure(text: str, m: re.Match) -> bool:
    unit, end = m.group("unit"), m.end()
    following = text[end : end + 1]
    if m.group("cn") and m.group("cn") in ("一", "〇", "零") and not unit.startswith(("万", "亿")):
        return True  # 一个, 一批, 一座: an article, not a count
    if m.group("cn") and unit[-1:] in "年月日":
        return True
    if unit == "个" and following == "月":
        return True  # 3个月: a duration
    if unit[-1:] in "个项家条批" and following and following in "一二三四五六七八九十":
        return True  # 三个一批, 五个一: a slogan
    if text[max(0, m.start() - 1) : m.start()] == "第":
        return True
    # a number inside a short quoted slogan (“两张图”, “六助”)
    open_at = text.rfind("“", max(0, m.start() - 6), m.start())
    if open_at >= 0 and "”" in text[end : end + 6] and "”" not in text[open_at : m.start()]:
        return True
    return False


def _comparator(before: str, m: re.Match, after: str) -> str:
    if m.group("yu") or "余" in m.group("unit") or "多" in m.group("unit"):
        return ">="
    for word, comparator in COMPARATOR_AFTER:
        if after.startswith(word):
            return comparator
    tail = before[-4:]
    for word, comparator in COMPARATOR_BEFORE:
        if tail.endswith(word) or tail[:-1].endswith(word) and tail[-1:] in "达到为":
            return comparator
    return ""


def _kind(before: str, after: str, unit: str) -> tuple[str, str]:
    """(kind, measure) from the words of the clause before the figure."""
    measure = "level"
    if unit in ("%", "百分点", "个百分点"):
        if any(w in before[-8:] for w in SHARE_WORDS) and not any(w in before[-8:] for w in GROWTH_WORDS):
            measure = "share"
        elif any(w in before[-12:] for w in GROWTH_WORDS) or unit != "%":
            measure = "growth_yoy"
    if before.rstrip("近约超达").endswith(("由", "从")) or before.endswith(("现有", "由", "从")):
        return "attribute", measure  # 由 4300 吨跃升至 1.3 万吨: what there is now
    target_at = max((before.rfind(w) for w in TARGET_WORDS), default=-1)
    actual_at = max((before.rfind(w) for w in ACTUAL_WORDS), default=-1)
    if target_at >= 0 and target_at >= actual_at:
        return "target", measure
    if measure == "growth_yoy":
        return "change", measure
    attribute_at = max((before.rfind(w) for w in ATTRIBUTE_WORDS), default=-1)
    if attribute_at >= 0 and attribute_at >= actual_at and len(before) - attribute_at <= 8:
        return "attribute", measure
    return "actual", measure


def _indicator(before: str, after: str, unit: str, measure: str, unit_printed: str) -> str | None:
    """The indicator whose word stands nearest the figure in its clause and whose unit fits."""
    best = None
    counted = unit_printed[-1:] in "个家宗项"
    for word, code, indicator_unit in indicator_vocabulary():
        if not _unit_fits(unit, measure, indicator_unit):
            continue
        at = before.rfind(word)
        if at >= 0:
            distance = len(before) - (at + len(word))
            if best is None or distance < best[0]:
                best = (distance, code)
        at = after[:10].find(word)
        if at >= 0 and (counted or at == 0):
            distance = -1 if counted else at
            if best is None or distance < best[0]:
                best = (distance, code)
    return best[1] if best else None


def _unit_fits(unit: str, measure: str, indicator_unit: str | None) -> bool:
    if measure in ("growth_yoy", "share"):
        return indicator_unit != "%"
    if indicator_unit is None:
        return unit not in ("%", "百分点", "date", "")
    return unit == indicator_unit


def _period_for(periods: list[Period], at: int, clause: _Span) -> Period | None:
    before = [p for p in periods if p.end_at <= at]
    if before:
        return before[-1]
    after = [p for p in periods if clause.start <= p.start_at and p.end_at <= clause.end]
    return after[0] if after else None


def _at_a_cut(doc: _Document, clause: _Span, sentence: _Span) -> bool:
    """The clause runs into a column break: its sentence goes on somewhere else."""
    return clause.end == sentence.end and sentence.end in doc.cut_lines


# --- scope ----------------------------------------------------------------------------------------


def _names_right_after(doc: _Document, end: int, clause: _Span) -> Mention | None:
    for mention in doc.mentions:
        if end < mention.start <= end + 2 and doc.norm.text[end : mention.start] == "的"[: mention.start - end]:
            return mention
    return None


def _scope(doc: _Document, start: int, end: int, sentence: _Span, clause: _Span) -> Scope | None:
    """The entity a figure is about: a name right after it (X 亿元的 Y), else the nearest name before it
    in its sentence, else the first after it in its clause, else the last in its paragraph before it,
    else the last region the text named."""
    right_after = _names_right_after(doc, end, clause)
    if right_after:
        return right_after.scope
    before = [m for m in doc.mentions if sentence.start <= m.start and m.end <= start]
    if before:
        return _best(before).scope
    after = [m for m in doc.mentions if end <= m.start and m.end <= clause.end]
    if after:
        return after[0].scope
    paragraph_start = doc.norm.text.rfind("\n", 0, start) + 1
    earlier = [m for m in doc.mentions if paragraph_start <= m.start and m.end <= start]
    if earlier:
        return _best(earlier).scope
    regions = [m for m in doc.mentions if m.end <= start and m.scope.kind == "region" and m.scope.id is not None]
    return regions[-1].scope if regions else None


def _best(mentions: list[Mention]) -> Mention:
    """The last known name, unless only proposals are left (a known name beats a guess)."""
    known = [m for m in mentions if m.scope.id is not None]
    return (known or mentions)[-1]


# --- ranks and milestones -------------------------------------------------------------------------


def _ranks(doc: _Document, sentence: _Span, periods: list[Period]) -> list[Candidate]:
    text, out = doc.norm.text, []
    for m in RANK_RE.finditer(text, sentence.start, sentence.end):
        following = text[m.end() : m.end() + 1]
        if not (m.group("scope") or m.group("verb") or m.group("unit")):
            continue
        if not m.group("unit") and following and following in _NOT_AFTER_RANK:
            continue
        if not m.group("scope") and m.group("verb") in ("排", "居", "列") and not m.group("unit"):
            continue
        clause = doc.clause(m.start("n"), sentence)
        quote, offset = doc.quote(clause)
        period = _period_for(periods, m.start(), clause)
        scope = _scope(doc, m.start(), m.end(), sentence, clause)
        out.append(
            Candidate(
                value=to_decimal(m.group("n")),
                unit="",
                value_printed=doc.norm.original_slice(m.start("n"), m.end("n")),
                unit_printed=doc.norm.original_slice(m.start("unit"), m.end("unit")) if m.group("unit") else "",
                quote=quote,
                offset=offset,
                kind="rank",
                period=period.label if period else "",
                period_start=period.start if period else None,
                period_end=period.end if period else None,
                scope=scope,
                indicator=None,
                comparator="",
                confidence=0.6 if m.group("scope") else 0.45,
                value_offset=doc.norm.index[m.start("n")],
            )
        )
    return out


def _milestones(doc: _Document, sentence: _Span, periods: list[Period]):
    """(candidate, its date) for each date followed in its sentence by 开工, 投产, 封顶 …: 2025年6月开工."""
    text = doc.norm.text
    for i, period in enumerate(periods):
        if period.precision not in ("month", "day") and not (period.precision == "year" and period.explicit):
            continue
        tail = text[period.end_at : sentence.end]
        if tail.startswith(_NOT_A_MILESTONE_AFTER):
            continue
        limit = 3 if period.precision == "year" else 40
        next_period = periods[i + 1].start_at if i + 1 < len(periods) else sentence.end
        verb = _MILESTONE_VERB_RE.search(text, period.end_at, min(sentence.end, period.end_at + limit + 4, next_period))
        if not verb or verb.start() - period.end_at > limit or "未" in text[verb.start() - 2 : verb.start()]:
            continue
        start_clause = doc.clause(period.start_at, sentence)
        end_clause = doc.clause(verb.start(), sentence)
        quote, offset = doc.quote(_Span(start_clause.start, end_clause.end))
        scope = _milestone_scope(doc, sentence, period, end_clause)
        yield (
            Candidate(
                value=Decimal(period.start.strftime("%Y%m%d")),
                unit="date",
                value_printed=doc.norm.original_slice(period.start_at, period.end_at),
                unit_printed="",
                quote=quote,
                offset=offset,
                kind="milestone",
                period=period.label,
                period_start=period.start,
                period_end=period.end,
                scope=scope,
                indicator=None,
                comparator="",
                confidence=0.7 if scope and scope.kind == "project" else 0.5,
                milestone=_MILESTONE_KIND[verb.group(0)],
                value_offset=doc.norm.index[period.start_at],
            ),
            period,
        )


def _milestone_scope(doc: _Document, sentence: _Span, period: Period, end_clause: _Span) -> Scope | None:
    inside = [m for m in doc.mentions if sentence.start <= m.start and m.end <= end_clause.end]
    projects = [m for m in inside if m.scope.kind == "project"]
    chosen = (projects or inside)[-1:] if (projects or inside) else []
    return chosen[0].scope if chosen else None
