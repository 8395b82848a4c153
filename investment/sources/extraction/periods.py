"""Periods and dates in a sentence: 2025年, 1-8月, 一季度, 上半年, 今年 (against the report's date), 十四五.

Each expression is found with its position in the normalised text so that a figure takes the nearest
one before it; a date followed by 开工/投产 … is a milestone, not a period (see `extractor`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from shangdang_portal.calendar import month_end

from .numbers import CN_DIGITS, to_decimal

_N = rf"(?:\d{{1,2}}|十[一二]?|[{CN_DIGITS}])"  # a month or a quarter, in digits or words
_YEAR = r"(?P<year>(?:19|20)\d{2}|[一二][〇零一二三四五六七八九]{3})年"
RELATIVE_YEARS = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "上一年": -1, "明年": 1, "来年": 1}
_RELATIVE = RELATIVE_YEARS
_CONTEXT_YEAR = ("全年", "年内", "年底", "年末", "年初")
_PLANS = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
_QUARTER_WORDS = {"上半年": (1, 6), "下半年": (7, 12), "前三季度": (1, 9)}

PERIOD_RE = re.compile(
    rf"(?:{_YEAR}|(?P<relative>{'|'.join(_RELATIVE)})|(?P<context>{'|'.join(_CONTEXT_YEAR)}))?"
    rf"(?:(?P<m1>{_N})(?:-|—|－|~|～|至|到)(?P<m2>{_N})月"
    rf"|第?(?P<quarter>[1-4一二三四])季度"
    rf"|(?P<half>{'|'.join(_QUARTER_WORDS)})"
    rf"|(?P<month>{_N})月(?:份)?(?:(?P<day>\d{{1,2}}|[{CN_DIGITS}十]{{1,3}})日)?)?"
    rf"|(?P<plan>{'|'.join(_PLANS)})"
)


@dataclass(frozen=True)
class Period:
    start_at: int  # in the normalised text
    end_at: int
    label: str
    start: date | None
    end: date | None
    precision: str  # "year" | "months" | "month" | "day" | "plan"
    explicit: bool = False  # the year is printed (2025年), not taken from the context


YEAR_RE = re.compile(_YEAR)


def explicit_years(text: str) -> list[tuple[int, int]]:
    """(position, year) of every printed year (2025年, 二〇二五年)."""
    out = []
    for m in YEAR_RE.finditer(text):
        year = _n(m.group("year"))
        if 1900 < year < 2200:
            out.append((m.start(), year))
    return out


def _n(printed: str) -> int:
    return int(to_decimal(printed))


def find_periods(
    text: str, *, published_year: int | None, context_year: int | None, start: int = 0, end: int | None = None
) -> list[Period]:
    """Every period expression in text[start:end]. 今年/去年 count from `published_year`; 全年 and a bare
    1-8月 mean `context_year` (the year the report is about)."""
    out = []
    for m in PERIOD_RE.finditer(text, start, len(text) if end is None else end):
        if not m.group(0) or (m.group("year") is None and m.group("relative") is None and not _has_part(m)):
            if not m.group("context") and not m.group("plan"):
                continue
        period = _period(m, published_year, context_year)
        if period:
            out.append(period)
    return out


def _has_part(m: re.Match) -> bool:
    return any(m.group(g) for g in ("m1", "quarter", "half", "month"))


def _period(m: re.Match, published_year: int | None, context_year: int | None) -> Period | None:
    if m.group("plan"):
        first, last = _PLANS[m.group("plan")]
        return Period(m.start(), m.end(), m.group("plan"), date(first, 1, 1), date(last, 12, 31), "plan")
    if m.group("year"):
        year = _n(m.group("year"))
    elif m.group("relative"):
        year = published_year + _RELATIVE[m.group("relative")] if published_year else None
    else:
        year = context_year
    if year is None or not 1900 < year < 2200:
        return None
    try:
        period = _dated(m, year)
    except ValueError:  # 13月, 2月30日: not a date
        return None
    return replace(period, explicit=bool(m.group("year") or m.group("relative")))


def _dated(m: re.Match, year: int) -> Period:
    at = (m.start(), m.end())
    if m.group("m1"):
        first, last = _n(m.group("m1")), _n(m.group("m2"))
        if not 1 <= first <= last <= 12:
            raise ValueError("months out of order")
        return Period(*at, f"{year}年{first}-{last}月", date(year, first, 1), month_end(date(year, last, 1)), "months")
    if m.group("quarter"):
        q = _n(m.group("quarter"))
        words = "一二三四"[q - 1]
        return Period(*at, f"{year}年{words}季度", date(year, 3 * q - 2, 1), month_end(date(year, 3 * q, 1)), "months")
    if m.group("half"):
        first, last = _QUARTER_WORDS[m.group("half")]
        label = f"{year}年{m.group('half')}"
        return Period(*at, label, date(year, first, 1), month_end(date(year, last, 1)), "months")
    if m.group("month"):
        month = _n(m.group("month"))
        if m.string[max(0, m.start() - 2) : m.start()] in ("截至", "截止") and not m.group("day"):
            # 截至10月底: the year so far, January to that month
            return Period(*at, f"{year}年1-{month}月", date(year, 1, 1), month_end(date(year, month, 1)), "months")
        if m.group("day"):
            day = date(year, month, _n(m.group("day")))
            return Period(*at, f"{year}年{month}月{day.day}日", day, day, "day")
        first = date(year, month, 1)
        return Period(*at, f"{year}年{month}月", first, month_end(first), "month")
    return Period(*at, f"{year}年", date(year, 1, 1), date(year, 12, 31), "year")
