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

from ..curation import COUNT_UNITS
from ..curation import normalise as normalise_unit
from .candidates import Candidate, Scope
from .names import Mention, NameBook
from .numbers import CN_DIGITS, to_decimal
from .periods import Period, explicit_years, find_periods
from .text import NormalisedText, normalise
from .vocabulary import (
    ABSTRACT_NOUNS,
    ACTUAL_WORDS,
    ATTRIBUTE_WORDS,
    CLAUSE_TARGET_WORDS,
    COMPARATOR_AFTER,
    COMPARATOR_BEFORE,
    GROWTH_WORDS,
    MILESTONE_VERBS,
    NOT_TARGET_WORDS,
    RANK_SCOPES,
    RANK_VERBS,
    RESULT_WORDS,
    SHARE_WORDS,
    TARGET_WORDS,
    THING_NOUNS,
    UNIT_SPELLINGS,
    indicator_vocabulary,
)

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN = f"[{CN_DIGITS}十百千]+(?:万[{CN_DIGITS}十百千]+)?"
_UNITS = "|".join(re.escape(u) for u in UNIT_SPELLINGS)
FIGURE_RE = re.compile(
    rf"(?:(?<![A-Za-z0-9_.\-/×*:：])(?P<num>{_ARABIC})(?:(?:-|~|～|—|至|到)(?P<high>{_ARABIC}))?"
    rf"|(?<![第{CN_DIGITS}十百千万亿周])(?P<cn>{_CN}))"
    rf"(?P<yu>余|多)?"
    rf"(?P<unit>(?:万亿|亿|万)?(?:余|多)?(?:{_UNITS})|(?:万亿|亿|万)(?=级)|(?<=\d余)(?=[\u4e00-\u9fff]))"
)
RANK_RE = re.compile(
    rf"(?P<scope>{'|'.join(RANK_SCOPES)})?(?P<verb>{'|'.join(RANK_VERBS)})?"
    rf"第(?P<n>\d{{1,3}}|[一二三四五六七八九十]{{1,3}})(?P<unit>名|位)?"
)
_AFTER_RANK = set("，,。；;、的）)！？\n")
_SENTENCE_END = "。！？；!?;\n"
_CLAUSE_END = _SENTENCE_END + "，,：:"
_MILESTONE_VERB_RE = re.compile("|".join(sorted((v for v, _ in MILESTONE_VERBS), key=len, reverse=True)))
_MILESTONE_KIND = dict(MILESTONE_VERBS)
_NOT_A_MILESTONE_AFTER = ("以来", "以前", "之前", "以后", "至今", "底", "末", "前", "起")
_NOT_A_MILESTONE_VERB = ("额", "率", "项目", "金额", "数", "量")
_COMPARED_WITH = ("较", "比", "于")  # 较上半年提高, 比去年增加: the base of a comparison, not the period
_OWN_TIME = ("将", "预计", "计划", "拟", "后")
_YEAR_GAP = "将已于拟要全面正式底内前计划力争确保基本实现可"


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
        # The year the text is about: the one it prints most often, leaving out years after its publication
        # (plans: 2026年3月竣工 in a 2025 text).
        counts = Counter(y for _, y in years if self.published_year is None or y <= self.published_year)
        self.main_year = counts.most_common(1)[0][0] if counts else self.published_year
        self.cut_lines = _cut_line_ends(self.norm.text)
        self.periods_seen: list[Period] = []  # every plain period read so far, in order

    def paragraph_period(self, at: int) -> Period | None:
        paragraph_start = self.norm.text.rfind("\n", 0, at) + 1
        earlier = [p for p in self.periods_seen if paragraph_start <= p.start_at < at]
        return earlier[-1] if earlier else None

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
        doc.periods_seen.extend(p for p in plain_periods if p.precision != "plan" and not _compared(doc, p))
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
    last_indicator = None
    for m in FIGURE_RE.finditer(text, sentence.start, sentence.end):
        if _is_not_a_figure(text, m):
            continue
        num_group = "num" if m.group("num") else "cn"
        try:
            number = to_decimal(m.group(num_group))
            high = to_decimal(m.group("high")) if m.group("high") else None
            value, unit = _normalise_unit(number, m.group("unit"))
        except ValueError:
            continue
        clause = doc.clause(m.start(), sentence)
        quote, offset = doc.quote(clause)
        before = text[clause.start : m.start()]
        after = text[m.end() : clause.end]
        comparator = _comparator(before, m, after)
        kind, measure = _kind(before, text[sentence.start : m.start()], m.group("unit"), after)
        if kind == "change" and measure == "level" and m.group("unit") in ("%",):
            measure = "growth_yoy"
        indicator = _indicator(before, after, unit, measure, m.group("unit"))
        if indicator is None and measure == "growth_yoy" and before.startswith(GROWTH_WORDS):
            indicator = last_indicator  # X完成38.83亿元，同比增长6.93%: the growth of the figure just before
        last_indicator = indicator
        named = _name_around(doc, m.start(), m.end())
        scope = named.scope if named else _scope(doc, m.start(), m.end(), sentence, clause)
        if named and kind == "actual":
            kind = "attribute"  # 振东10亿袋颗粒剂, 30MW飞轮储能项目: a figure in a name is the thing's size
            if indicator is None and unit != "万元":
                indicator = "capacity"
        elif scope and _names_right_after(doc, m.end(), clause) and kind == "actual":
            kind = "attribute"  # 总投资 19.96 亿元的 X: a fact of X
        elif kind == "actual" and unit not in COUNT_UNITS and _sizes_a_thing(after):
            kind = "attribute"  # 5万千瓦光伏项目, 300MW半自动电堆组装生产线: the size of the thing named
            if indicator is None and unit not in ("万元", "%"):
                indicator = "capacity"
        period = None
        if kind != "attribute":
            period = _period_for(doc, periods, m.start(), clause, carry=kind in ("actual", "change"))
        # How sure: what was recognised raises it; words for numbers, hedges and column breaks lower it.
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
                value_printed=doc.norm.original_slice(m.start(num_group), m.end("high") if high else m.end(num_group)),
                unit_printed=doc.norm.original_slice(m.start("unit"), m.end("unit")),
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


def _sizes_a_thing(after: str) -> bool:
    """The words after the figure, up to its clause's end, name a project or a line, with no verb between."""
    head = after[:12]
    at = min((i for w in THING_NOUNS if (i := head.find(w)) >= 0), default=-1)
    return at >= 0 and not _MILESTONE_VERB_RE.search(head[:at]) and not any(w in head[:at] for w in ("的", "已", "将"))


def _normalise_unit(number: Decimal, unit: str) -> tuple[Decimal, str]:
    """The importer's normalisation (one home: curation.normalise), with 余/多 and a bare 亿 (百亿级) read."""
    if not unit:
        return number, ""  # 800 余就业岗位: a count of what follows
    for spelling in (unit, unit.replace("余", "").replace("多", "")):
        try:
            return normalise_unit(number, spelling)
        except ValueError:
            continue
    raise ValueError(f"unknown unit {unit!r}")


def _is_not_a_figure(text: str, m: re.Match) -> bool:
    unit, end = m.group("unit"), m.end()
    following = text[end : end + 1] or "。"
    last = unit[-1:] or "…"
    if m.group("cn") and m.group("cn") in ("一", "〇", "零") and not unit.startswith(("万", "亿")):
        return True  # 一个, 一批, 一座: an article, not a count
    if unit == "个" and following == "月":
        return True  # 3个月: a duration
    if unit == "次" and text.startswith("产业", end):
        return True  # 三次产业: the three sectors of the economy
    if last in "个项家条批" and following in "一二三四五六七八九十":
        return True  # 三个一批, 五个一: a slogan
    if text[max(0, m.start() - 1) : m.start()] in ("第", "届"):
        return True  # 第三, 十二届七次: ordinals
    if unit[-1:].isascii() and unit[-1:].isalpha() and following.isascii() and following.isalpha():
        return True  # 2GW followed by h: a longer unit the table lacks, or a code
    if last in "个项" and text[end : end + 6].startswith(ABSTRACT_NOUNS):
        return True  # 七个方面主抓手, 三项重点改革: a way of speaking, not a count to track
    if unit in ("分钟", "小时", "天") and "圈" in text[end : end + 4]:
        return True  # 15分钟健身圈: the name of a policy, not a measured time
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


def _kind(before: str, sentence_before: str, unit: str, after: str = "") -> tuple[str, str]:
    """(kind, measure) from the words before the figure in its clause and its sentence (and 的目标 after it)."""
    before = before.replace("增加值", "\0\0\0")  # 工业增加值 is a measure, not an increase
    measure = "level"
    if unit in ("%", "百分点", "个百分点"):
        if any(w in before[-8:] for w in SHARE_WORDS) and not any(w in before[-8:] for w in GROWTH_WORDS):
            measure = "share"
        elif any(w in before[-12:] for w in GROWTH_WORDS) or unit != "%":
            measure = "growth_yoy"
    if before.rstrip("近约超达").endswith(("由", "从")) or before.endswith(("现有", "由", "从")):
        return "attribute", measure  # 由 4300 吨跃升至 1.3 万吨: what there is now
    offset = len(sentence_before) - len(before)  # where the clause starts in the sentence
    for noun in NOT_TARGET_WORDS:  # 占年度计划的86.3%: the plan named, not a plan stated
        sentence_before = sentence_before.replace(noun, "\0" * len(noun))
        before = before.replace(noun, "\0" * len(noun))
    target_at = max(
        max((sentence_before.rfind(w) for w in TARGET_WORDS), default=-1),
        max((offset + at for w in CLAUSE_TARGET_WORDS if (at := before.rfind(w)) >= 0), default=-1),
    )
    actual_at = max((sentence_before.rfind(w) for w in ACTUAL_WORDS), default=-1)
    if (target_at >= 0 and target_at > actual_at) or after.startswith(("的目标", "目标")):
        return "target", measure
    if measure == "growth_yoy":
        return "change", measure
    if any(w in before[-4:] for w in GROWTH_WORDS) and not before.endswith(("至", "到")):
        return "change", measure  # 较去年同期增加21.4亿元: by how much, not how much (增长至20亿元 is a level)
    if measure == "share":
        return "actual", measure
    if any(w in before for w in (*ACTUAL_WORDS, *RESULT_WORDS)):
        return "actual", measure  # 完成固定资产投资85.6亿元: what was done, not the size of a thing
    attribute_at = max((before.rfind(w) for w in ATTRIBUTE_WORDS), default=-1)
    if attribute_at >= 0 and len(before) - attribute_at <= 8:
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


def _period_for(doc: _Document, periods: list[Period], at: int, clause: _Span, *, carry: bool) -> Period | None:
    """The nearest period before the figure in its sentence, else one in its clause after it, else (for a
    result, `carry`) the period the paragraph set earlier (一季度，… 。工业投资完成…)."""
    periods = [p for p in periods if not _compared(doc, p)]
    before = [p for p in periods if p.end_at <= at]
    if before:
        return before[-1]
    after = [p for p in periods if clause.start <= p.start_at and p.end_at <= clause.end]
    if after:
        return after[0]
    return doc.paragraph_period(at) if carry else None


def _compared(doc: _Document, period: Period) -> bool:
    return doc.norm.text[max(0, period.start_at - 1) : period.start_at] in _COMPARED_WITH


def _at_a_cut(doc: _Document, clause: _Span, sentence: _Span) -> bool:
    """The clause runs into a column break: its sentence goes on somewhere else."""
    return clause.end == sentence.end and sentence.end in doc.cut_lines


# --- scope ----------------------------------------------------------------------------------------


def _name_around(doc: _Document, start: int, end: int) -> Mention | None:
    """The known name the figure is printed inside of."""
    for mention in doc.mentions:
        if mention.known and mention.start <= start and end <= mention.end:
            return mention
    return None


def _names_right_after(doc: _Document, end: int, clause: _Span) -> Mention | None:
    for mention in doc.mentions:
        if end <= mention.start <= end + 1 and doc.norm.text[end : mention.start] in ("", "的"):
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
    regions = [m for m in doc.mentions if m.end <= start and m.scope.kind == "region" and m.known]
    return regions[-1].scope if regions else None


def _best(mentions: list[Mention]) -> Mention:
    """The last known name, unless only proposals are left (a known name beats a guess)."""
    known = [m for m in mentions if m.known]
    return (known or mentions)[-1]


# --- ranks and milestones -------------------------------------------------------------------------


def _ranks(doc: _Document, sentence: _Span, periods: list[Period]) -> list[Candidate]:
    text, out = doc.norm.text, []
    for m in RANK_RE.finditer(text, sentence.start, sentence.end):
        following = text[m.end() : m.end() + 1]
        if not (m.group("scope") or m.group("verb") or m.group("unit")):
            continue
        if not m.group("unit") and following and following not in _AFTER_RANK:
            continue  # 第一方阵, 第一批, 第二届: an ordinal, not a rank
        if not m.group("scope") and m.group("verb") in ("排", "居", "列") and not m.group("unit"):
            continue
        clause = doc.clause(m.start("n"), sentence)
        quote, offset = doc.quote(clause)
        period = _period_for(doc, periods, m.start(), clause, carry=True)
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
    """(candidate, its date) for each event a date is followed by in its sentence: 2025年6月开工; 10月26日，
    随着A完工，B正式通车 (two events on one day)."""
    text = doc.norm.text
    for i, period in enumerate(periods):
        if period.precision not in ("month", "day") and not (period.precision == "year" and period.explicit):
            continue
        if text[period.end_at : sentence.end].startswith(_NOT_A_MILESTONE_AFTER):
            continue
        next_period = periods[i + 1].start_at if i + 1 < len(periods) else sentence.end
        date_clause = doc.clause(period.start_at, sentence)
        # A date that is a clause of its own (10月26日，随着A完工，B通车) dates the sentence's events; a date
        # inside a clause (A五月份基本竣工,B即将…) dates that clause's event only.
        topic = not text[period.end_at : date_clause.end].strip()
        window_end = min(sentence.end if topic else date_clause.end, period.end_at + 80, next_period)
        seen: set[tuple] = set()
        for verb in _MILESTONE_VERB_RE.finditer(text, period.end_at, window_end):
            if text[verb.end() : verb.end() + 2].startswith(_NOT_A_MILESTONE_VERB):
                continue  # 签约额, 开工率, 投产项目: a figure's name, not an event
            gap = text[period.end_at : verb.start()]
            if "未" in gap[-2:]:
                continue
            if period.precision == "year" and (seen or gap.strip(_YEAR_GAP)):
                break  # a bare year dates only the event right after it: 2026年建成投产
            if seen and any(w in text[doc.clause(verb.start(), sentence).start : verb.start()] for w in _OWN_TIME):
                continue  # 10月26日，A完工，B将于…: the later event has a time of its own
            verb_clause = doc.clause(verb.start(), sentence)
            scope = _milestone_scope(doc, sentence, verb_clause, verb.start())
            kind = _MILESTONE_KIND[verb.group(0)]
            if (verb_clause.start, kind) in seen:
                continue  # 竣工…完工 in one clause: one event
            seen.add((verb_clause.start, kind))
            start_clause = doc.clause(period.start_at, sentence)
            quote, offset = doc.quote(_Span(start_clause.start, verb_clause.end))
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
                    milestone=kind,
                    value_offset=doc.norm.index[period.start_at],
                ),
                period,
            )


def _milestone_scope(doc: _Document, sentence: _Span, clause: _Span, verb_at: int) -> Scope | None:
    """The project nearest before the event's verb in its clause, else any name there, else the nearest
    project before it in its sentence."""
    in_clause = [m for m in doc.mentions if clause.start <= m.start and m.end <= verb_at]
    in_sentence = [m for m in doc.mentions if sentence.start <= m.start and m.end <= verb_at]
    after = [m for m in doc.mentions if verb_at <= m.start and m.end <= clause.end and m.scope.kind == "project"]
    for group in (
        [m for m in in_clause if m.scope.kind == "project"],
        after[:1],  # 今年开工建设苏店幼儿园: the project named after the verb
        in_clause,
        [m for m in in_sentence if m.scope.kind == "project"],
        in_sentence,
    ):
        if group:
            return group[-1].scope
    return None
