"""Cell parsers for the ledger (台账): each turns one spreadsheet cell into a clean value or raises ValueError.

Every parser accepts what openpyxl or the csv module hands over (str, int, float, Decimal, datetime, None)
and returns None for an empty cell. The ValueError's message is short, in Chinese, and ready to show the
user beside the row and column.
"""

import datetime
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

import cn2an
from django.utils.translation import gettext as _

from shangdang_portal import coordinates
from shangdang_portal.money import MAX_MONEY, MONEY

# What clerks write in a cell that has nothing to say.
EMPTY_MARKERS = frozenset(
    {"", "-", "--", "—", "——", "–", "/", "\\", "无", "暂无", "空", "待定", "未定", "null", "none", "n/a"}
)

MONEY_UNITS = {
    "万元": Decimal(1),
    "万": Decimal(1),
    "亿元": Decimal(10000),
    "亿": Decimal(10000),
    "元": Decimal("0.0001"),
}
# The register keeps 万元 to MONEY["decimal_places"] places; rounding there also drops float artefacts
# (0.30000000000000004) left by formulas.
MONEY_PLACES = Decimal(1).scaleb(-MONEY["decimal_places"])
COORDINATE_PLACES = Decimal("0.0000001")

# Excel's day 0 for serial numbers (1900 date system, with its leap-year bug already folded in).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serial numbers of 1990-01-01 and 2100-12-31: a bare number in that range is a date, not a year.
EXCEL_SERIAL_RANGE = (32874, 73415)
YEAR_RANGE = (1949, 2100)

TRUE_WORDS = frozenset({"✓", "√", "✔", "☑", "是", "有", "y", "yes", "true", "1", "t", "对"})
FALSE_WORDS = frozenset({"×", "✗", "✘", "x", "否", "不是", "n", "no", "false", "0", "f"})


class LedgerDate(NamedTuple):
    """A date as precise as the sheet gave it.

    ``value`` is the first day of the month/year when ``precision`` is "month"/"year".
    ``LedgerDate(None, None)`` (see ``UNDATED``) means the sheet says it happened (已开工/已投产) but not when.
    """

    value: datetime.date | None
    precision: str | None  # "day" | "month" | "year" | None when undated

    @property
    def undated(self) -> bool:
        return self.value is None


UNDATED = LedgerDate(None, None)
DONE_WORDS = frozenset(
    {"已开工", "已投产", "已签约", "已完成", "已竣工", "已达产", "已建成", "已建成投产", "已开工建设"}
)


class LedgerBatch(NamedTuple):
    """One 三个一批 batch as the ledger names it: "2026年第二批开工" is (2026, 2, "started")."""

    year: int
    round: int
    kind: str  # Milestone.Kind: "signed" | "started" | "in_production"


BATCH_KINDS = {"签约": "signed", "开工": "started", "投产": "in_production"}
BATCH_LABELS = {value: label for label, value in BATCH_KINDS.items()}


def normalize(value) -> str:
    """NFKC (full-width digits and punctuation to ASCII), then trimmed; None is ""."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return normalize(value).replace(" ", "").lower() in EMPTY_MARKERS
    return False


def number_text(value) -> str:
    """A numeric cell as the digits a person would read (1234.0 → "1234", 0.1 → "0.1", never 1e-05)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr gives the shortest text that round-trips, so 1234.5 reads back as "1234.5", not its binary tail.
        dec = Decimal(repr(value))
    elif isinstance(value, Decimal):
        dec = value
    else:
        return normalize(value)
    if dec == dec.to_integral_value():
        return str(int(dec))
    return format(dec, "f")


# C0 control characters other than tab and line breaks: never meant as text, and an XLSX cell cannot hold them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_text(value) -> str | None:
    """Text as written: trimmed, runs of blanks (including full-width ones) made one space, blank lines dropped."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        text = number_text(value)
    elif isinstance(value, datetime.datetime | datetime.date):
        text = value.isoformat()
    else:
        # Line breaks inside a cell (建设内容 often has them) stay; other runs of blanks become one space.
        text = CONTROL_CHARACTERS.sub("", str(value or ""))  # a stray \x0b pasted from elsewhere
        lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in text.splitlines())
        text = "\n".join(line for line in lines if line)
    if is_empty(text):
        return None
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]  # the apostrophe a CSV export put before formula-like text (shangdang_portal.export)
    return text


def parse_code(value) -> str | None:
    """项目编号: normalised (full-width to ASCII, no blanks); a numeric cell keeps its digits."""
    text = number_text(value) if isinstance(value, int | float | Decimal) else normalize(value)
    text = re.sub(r"\s+", "", text)
    if is_empty(text):
        return None
    return text


def _decimal(text: str) -> Decimal:
    text = text.replace(",", "").replace(" ", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise InvalidOperation(text)
    return Decimal(text)


def parse_money(value, unit: str = "万元") -> Decimal | None:
    """Money in the header's unit (万元, 亿元 or 元) → Decimal in 万元, rounded to the register's places.

    A unit written in the cell ("1.2亿元") wins over the header's.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(_("不是有效的金额"))
    text = number_text(value) if isinstance(value, int | float | Decimal) else normalize(value)
    if is_empty(text):
        return None
    text = text.replace(" ", "")
    cell_unit = re.search(r"(万元|亿元|万|亿|元)$", text)
    if cell_unit:
        unit = cell_unit.group(1)
        text = text[: cell_unit.start()]
    try:
        amount = _decimal(text)
    except InvalidOperation:
        raise ValueError(_("不是有效的金额")) from None
    if amount < 0:
        raise ValueError(_("金额不能为负数"))
    amount = amount * MONEY_UNITS[unit]
    if amount.as_tuple().exponent < MONEY_PLACES.as_tuple().exponent:
        amount = amount.quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)
    if amount > MAX_MONEY:
        raise ValueError(_("金额过大"))
    return amount


def _arabic(text: str) -> str:
    """Chinese numerals inside text to digits ("二〇二五年三月" → "2025年3月"), via cn2an."""
    if re.search(r"[〇零一二三四五六七八九十百千两]", text):
        try:
            return cn2an.transform(text, "cn2an")
        except (ValueError, KeyError):
            return text
    return text


def parse_count(value) -> int | None:
    """A whole number written in digits or Chinese numerals ("三", "十二", "12")."""
    if value is None:
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(number_text(value))
    else:
        text = normalize(value)
        if is_empty(text):
            return None
        try:
            number = Decimal(str(cn2an.cn2an(text, "smart")))
        except (ValueError, KeyError, InvalidOperation):
            raise ValueError(_("不是有效的数字")) from None
    if number != number.to_integral_value():
        raise ValueError(_("应为整数"))
    return int(number)


def _checked_date(year: int, month: int = 1, day: int = 1) -> datetime.date:
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ValueError(_("年份不合理"))
    if not 1 <= month <= 12:
        raise ValueError(_("月份应在1-12之间"))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(_("日期不存在")) from None


_DAY_PATTERNS = (
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"),
    re.compile(r"(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})(?:[T ]?\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
# "2025年3月", "2025年3月底", "2025年3月上旬" — the part of the month is coarser than a day: month precision.
_MONTH_PATTERNS = (
    re.compile(r"(\d{4})年(\d{1,2})月(?:份)?(?:底|末|初|中|中旬|上旬|下旬|前|左右)?"),
    re.compile(r"(\d{4})[.\-/](\d{1,2})"),
)
_YEAR_PATTERN = re.compile(r"(\d{4})年?(?:度|底|末|初|内|上半年|下半年|年底)?")


def parse_date(value) -> LedgerDate | None:
    """A date as Chinese sheets write it → LedgerDate(date, precision).

    Accepts 2025年3月15日, 2025年3月, 2025年, 2025.3, 2025.03.15, 2025-03-15, 2025/3/15, 二〇二五年三月,
    Excel date cells, Excel serial numbers and a bare year; 已开工/已投产 give UNDATED.
    """
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return LedgerDate(_checked_date(value.year, value.month, value.day), "day")
    if isinstance(value, datetime.date):
        return LedgerDate(_checked_date(value.year, value.month, value.day), "day")
    if isinstance(value, bool):
        raise ValueError(_("不是有效的日期"))
    if isinstance(value, int | float | Decimal):
        number = Decimal(number_text(value))
        if number == number.to_integral_value() and YEAR_RANGE[0] <= number <= YEAR_RANGE[1]:
            return LedgerDate(_checked_date(int(number)), "year")
        if EXCEL_SERIAL_RANGE[0] <= number <= EXCEL_SERIAL_RANGE[1]:
            return LedgerDate(EXCEL_EPOCH + datetime.timedelta(days=int(number)), "day")
        text = number_text(value)  # 2025.3 typed into a numeric cell
    else:
        text = normalize(value)
    text = re.sub(r"\s+", "", text)
    if is_empty(text):
        return None
    if text in DONE_WORDS:
        return UNDATED
    text = _arabic(text)
    for pattern in _DAY_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return LedgerDate(_checked_date(year, month, day), "day")
    for pattern in _MONTH_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month = (int(part) for part in match.groups())
            return LedgerDate(_checked_date(year, month), "month")
    match = _YEAR_PATTERN.fullmatch(text)
    if match:
        return LedgerDate(_checked_date(int(match.group(1))), "year")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        try:
            serial = Decimal(text)
        except InvalidOperation:
            serial = Decimal(-1)
        if EXCEL_SERIAL_RANGE[0] <= serial <= EXCEL_SERIAL_RANGE[1]:
            return LedgerDate(EXCEL_EPOCH + datetime.timedelta(days=int(serial)), "day")
    raise ValueError(_("不是有效的日期"))


def format_date(value: LedgerDate | None, *, done_word: str = "已开工") -> str:
    """The text a ledger shows for a date at its precision: 2025-03-15, 2025年3月, 2025年."""
    if value is None:
        return ""
    if value.undated:
        return done_word
    if value.precision == "year":
        return f"{value.value.year}年"
    if value.precision == "month":
        return f"{value.value.year}年{value.value.month}月"
    return value.value.isoformat()


def parse_bool(value) -> bool | None:
    """✓/√/是/Y/yes → True; ×/否/N/no → False."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = number_text(value) if isinstance(value, int | float | Decimal) else normalize(value)
    text = text.replace(" ", "").lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    if is_empty(text):
        return None
    raise ValueError(_("应填“是”或“否”"))


def choice_lookup(choices, aliases: dict[str, str] | None = None, suffixes: tuple[str, ...] = ()) -> dict[str, str]:
    """Every spelling a clerk may use for a TextChoices member → its code.

    Each label is accepted with and without the given suffixes (省级重点/省级, 谋划库/谋划), and so is the code.
    """
    lookup: dict[str, str] = {}

    def add(word: str, code: str) -> None:
        word = normalize(word).replace(" ", "").lower()
        lookup.setdefault(word, code)
        for suffix in suffixes:
            if word.endswith(suffix) and len(word) > len(suffix):
                lookup.setdefault(word[: -len(suffix)], code)
            else:
                lookup.setdefault(word + suffix, code)

    for code, label in choices.choices:
        add(str(label), code)
        add(code, code)
    for word, code in (aliases or {}).items():
        add(word, code)
    return lookup


def parse_choice(value, lookup: dict[str, str], labels: list[str]) -> str | None:
    """A choice by its Chinese label (or an alias, or the code) → the code."""
    text = normalize(value).replace(" ", "").lower()
    if is_empty(text):
        return None
    code = lookup.get(text)
    if code is None:
        raise ValueError(
            _("无法识别“%(value)s”，应为：%(labels)s") % {"value": normalize(value), "labels": "、".join(labels)}
        )
    return code


_BATCH_PATTERN = re.compile(
    r"(?:(?P<year>\d{4})年度?)?(?:第(?P<round>\d{1,2})批(?:次)?)?[\"“”]?(?P<kind>签约|开工|投产)[\"“”]?"
    r"(?:一批)?(?:第(?P<round2>\d{1,2})批(?:次)?)?(?:项目)?"
)


def parse_batch(value, year: int | None = None) -> LedgerBatch | None:
    """三个一批批次: "2026年第二批开工" → LedgerBatch(2026, 2, "started"); the sheet's year fills a missing one."""
    text = re.sub(r"\s+", "", normalize(value))
    if is_empty(text):
        return None
    text = _arabic(text)
    match = _BATCH_PATTERN.fullmatch(text)
    if not match:
        raise ValueError(_("不是有效的批次，应如“2026年第二批开工”"))
    round_ = match.group("round") or match.group("round2")
    if not round_:
        raise ValueError(_("批次缺少轮次，应如“2026年第二批开工”"))
    batch_year = int(match.group("year")) if match.group("year") else year
    if batch_year is None:
        raise ValueError(_("批次缺少年份，应如“2026年第二批开工”"))
    if not YEAR_RANGE[0] <= batch_year <= YEAR_RANGE[1]:
        raise ValueError(_("年份不合理"))
    if int(round_) < 1:
        raise ValueError(_("批次轮次应从1开始"))
    return LedgerBatch(batch_year, int(round_), BATCH_KINDS[match.group("kind")])


def format_batch(batch: LedgerBatch | None) -> str:
    if batch is None:
        return ""
    return f"{batch.year}年第{cn2an.an2cn(batch.round)}批{BATCH_LABELS[batch.kind]}"


def parse_coordinate(value) -> Decimal | None:
    """A longitude or latitude in decimal degrees ("112.87", "112.87°", "E112.87"); bounds are checked per row."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(_("不是有效的经纬度"))
    text = number_text(value) if isinstance(value, int | float | Decimal) else normalize(value)
    text = re.sub(r"\s+", "", text)
    if is_empty(text):
        return None
    text = re.sub(r"^[EeNn东北]|[EeNn°度]$", "", text)
    try:
        number = _decimal(text)
    except InvalidOperation:
        raise ValueError(_("不是有效的经纬度")) from None
    if number.as_tuple().exponent < -7:
        number = number.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP)
    return number


# Whether a point is plausible (inside China, not swapped) has one home: shangdang_portal.coordinates.
check_coordinates = coordinates.check_coordinates


def parse_phone(value) -> str | None:
    """联系电话: one or more numbers as written; a numeric cell keeps its digits (no 1.38e10)."""
    text = number_text(value) if isinstance(value, int | float | Decimal) else normalize(value)
    text = re.sub(r"\s+", " ", text).strip()
    if is_empty(text):
        return None
    if len(re.sub(r"\D", "", text)) < 5:
        raise ValueError(_("不是有效的电话号码"))
    return text
