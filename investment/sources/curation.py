"""Reads and checks the curation files (fixtures/curation/*.yaml) against the report texts.

Pure Python on purpose: reviewers run it on a file while editing it
(`python -m investment.sources.curation fixtures/curation/000.yaml`), and the `import_reports`
command builds the database from what it returns, so the two can never disagree.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from shangdang_portal.calendar import month_end

FIXTURES_DIR = Path(__file__).resolve().parents[2] / "fixtures"
CURATION_DIR = FIXTURES_DIR / "curation"
REPORTS_DIR = FIXTURES_DIR / "reports"

REGION_LEVELS = {"city", "district", "county"}
PARK_KINDS = {"development_zone", "sub_park", "cluster"}
PARK_LEVELS = {"national", "provincial", "city", None}
CATEGORIES = {"industry", "infrastructure", "public_welfare", "ecology", "service", None}
CONSTRUCTION_TYPES = {"new", "continuing", "expansion", "renovation", None}
PRIORITY_LEVELS = {"provincial", "city", "district", None}
POOLS = {"planning", "reserve", "construction", "operating", None}
MILESTONE_KINDS = {
    "signed",
    "land_granted",
    "started",
    "topped_out",
    "in_production",
    "at_capacity",
    "completed",
}
FIGURE_KINDS = {"actual", "target", "rate", "attribute"}
MEASURES = {"level", "growth_yoy", "share"}
COMPARATORS = {">=", "<=", "~", None}
SCOPE_KEYS = {"region", "park", "project", "company"}

# unit as printed -> (normalised unit, factor). Money always ends in 万元.
UNITS: dict[str, tuple[str, Decimal]] = {
    "亿元": ("万元", Decimal(10000)),
    "亿": ("万元", Decimal(10000)),
    "万元": ("万元", Decimal(1)),
    "元": ("万元", Decimal("0.0001")),
    "万平米": ("m²", Decimal(10000)),
    "万平方米": ("m²", Decimal(10000)),
    "万㎡": ("m²", Decimal(10000)),
    "平方米": ("m²", Decimal(1)),
    "平米": ("m²", Decimal(1)),
    "㎡": ("m²", Decimal(1)),
    "m²": ("m²", Decimal(1)),
    "m2": ("m²", Decimal(1)),
    "平方公里": ("km²", Decimal(1)),
    "km²": ("km²", Decimal(1)),
    "万亩": ("亩", Decimal(10000)),
    "亩": ("亩", Decimal(1)),
    "%": ("%", Decimal(1)),
    "％": ("%", Decimal(1)),
    "个百分点": ("百分点", Decimal(1)),
    "百分点": ("百分点", Decimal(1)),
    "万吨": ("吨", Decimal(10000)),
    "吨": ("吨", Decimal(1)),
    "万千瓦": ("千瓦", Decimal(10000)),
    "千瓦": ("千瓦", Decimal(1)),
    "兆瓦": ("千瓦", Decimal(1000)),
    "MW": ("千瓦", Decimal(1000)),
    "GW": ("千瓦", Decimal(1000000)),
    "万千瓦时": ("千瓦时", Decimal(10000)),
    "千瓦时": ("千瓦时", Decimal(1)),
    "kWh": ("千瓦时", Decimal(1)),
    "MWh": ("千瓦时", Decimal(1000)),
    "GWh": ("千瓦时", Decimal(1000000)),
    "亿千瓦时": ("千瓦时", Decimal(100000000)),
    "万人": ("人", Decimal(10000)),
    "万人次": ("人次", Decimal(10000)),
    "公里": ("公里", Decimal(1)),
    "米": ("米", Decimal(1)),
    "万m³/d": ("m³/d", Decimal(10000)),
    "万立方米": ("m³", Decimal(10000)),
    "万 m³/d": ("m³/d", Decimal(10000)),
    "m³/d": ("m³/d", Decimal(1)),
    "毫米": ("mm", Decimal(1)),
    "mm": ("mm", Decimal(1)),
    "分钟": ("分钟", Decimal(1)),
    "天": ("天", Decimal(1)),
    "小时": ("小时", Decimal(1)),
    "公顷": ("公顷", Decimal(1)),
    "万余元": ("万元", Decimal(1)),
    "余万元": ("万元", Decimal(1)),
    "余亿元": ("万元", Decimal(10000)),
    "万余户": ("户", Decimal(10000)),
    "人次": ("人次", Decimal(1)),
    "万亿元": ("万元", Decimal(100000000)),
    "斤": ("斤", Decimal(1)),
    "万斤": ("斤", Decimal(10000)),
    "亿斤": ("斤", Decimal(100000000)),
    "千米": ("公里", Decimal(1)),
    "倍": ("倍", Decimal(1)),
}
# A count in 万 or 亿 (1.9万套, 十亿袋) is the count times this.
MAGNITUDES = {"万": Decimal(10000), "亿": Decimal(100000000)}
# Counted things keep their unit: 个, 家, 人, 宗, 件, 条, 台, 套, 所, 张, 户 …
COUNT_UNITS = set("个家人宗件条台套所张户座项批次名辆栋间处颗片场根支袋位株棵头只幢")

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


class CurationError(ValueError):
    """A curation file disagrees with its report or with these rules; `where` says which entry."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


def parse_number(printed: str) -> Decimal:
    """A number as printed: digits with optional separators, or a small Chinese numeral."""
    text = str(printed).strip().replace(",", "").replace("，", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    if text and all(ch in _CN_DIGITS or ch in _CN_UNITS for ch in text):
        total, current = 0, 0
        for ch in text:
            if ch in _CN_DIGITS:
                current = _CN_DIGITS[ch]
            else:
                total += (current or 1) * _CN_UNITS[ch]
                current = 0
        return Decimal(total + current)
    raise ValueError(f"{printed!r} is not a number")


def normalise(value: Decimal, unit: str) -> tuple[Decimal, str]:
    """(value, unit as printed) -> (value, normalised unit); 亿元 -> 万元, 万平米 -> m², …"""
    unit = unit.strip()
    if unit in UNITS:
        target, factor = UNITS[unit]
        return value * factor, target
    if unit in COUNT_UNITS:
        return value, unit
    if len(unit) == 2 and unit[0] in MAGNITUDES and unit[1] in COUNT_UNITS:
        return value * MAGNITUDES[unit[0]], unit[1]
    raise ValueError(f"unknown unit {unit!r}")


_PERIOD_RES = [
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"^(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})$"), "months"),
]


def _month_end(year: int, month: int) -> dt.date:
    return month_end(dt.date(year, month, 1))


def parse_period(period: str | None) -> tuple[dt.date | None, dt.date | None]:
    """A period label -> (first day, last day); None -> (None, None)."""
    if period in (None, ""):
        return None, None
    period = str(period)
    for regex, kind in _PERIOD_RES:
        m = regex.match(period)
        if not m:
            continue
        g = [int(x) for x in m.groups()]
        if kind == "year":
            return dt.date(g[0], 1, 1), dt.date(g[0], 12, 31)
        if kind == "quarter":
            first = 3 * g[1] - 2
            return dt.date(g[0], first, 1), _month_end(g[0], first + 2)
        if kind == "month":
            return dt.date(g[0], g[1], 1), _month_end(g[0], g[1])
        if kind == "day":
            day = dt.date(*g)
            return day, day
        start, end = dt.date(g[0], g[1], 1), _month_end(g[2], g[3])
        if end < start:
            raise ValueError(f"period {period!r} ends before it starts")
        return start, end
    raise ValueError(f"period {period!r} is not YYYY, YYYY-MM, YYYY-QN, YYYY-MM..YYYY-MM or YYYY-MM-DD")


def parse_partial_date(value) -> dt.date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD (YAML may already give a date) -> the first day it names."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value)
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")


def date_precision(value) -> str:
    """How precise a partial date is: "year" (YYYY), "month" (YYYY-MM) or "day"."""
    text = "" if value is None or isinstance(value, dt.date) else str(value)
    if re.fullmatch(r"\d{4}", text):
        return "year"
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return "month"
    return "day"


@dataclass
class Quote:
    text: str
    offset: int


@dataclass
class CheckedFigure:
    raw: dict
    quote: Quote
    value_printed: str
    unit_printed: str
    value: Decimal
    unit: str
    period_start: dt.date | None
    period_end: dt.date | None


@dataclass
class CurationFile:
    path: Path
    report: dict
    text: str
    regions: list[dict] = field(default_factory=list)
    parks: list[dict] = field(default_factory=list)
    companies: list[dict] = field(default_factory=list)
    platform_companies: list[dict] = field(default_factory=list)
    industry_chains: list[dict] = field(default_factory=list)
    specialty_towns: list[dict] = field(default_factory=list)
    innovation_outposts: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    figures: list[CheckedFigure] = field(default_factory=list)
    new_indicators: list[dict] = field(default_factory=list)
    quotes: dict[int, Quote] = field(default_factory=dict)


def locate(text: str, quote: str, where: str) -> Quote:
    """Where a quote stands in the report; the first occurrence (repeated paragraphs repeat it)."""
    if not quote or not isinstance(quote, str):
        raise CurationError(where, "quote is missing")
    offset = text.find(quote)
    if offset < 0:
        raise CurationError(where, f"quote not found verbatim in the report: {quote!r}")
    return Quote(quote, offset)


def _read_yaml(path: Path, kind: type):
    """A YAML file's content, which must be a `kind` (dict or list); CurationError naming the file if not."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except OSError as exc:
        raise CurationError(str(path), f"cannot be read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CurationError(str(path), f"is not UTF-8 text: {exc}") from exc
    except yaml.YAMLError as exc:
        raise CurationError(str(path), f"is not valid YAML: {exc}") from exc
    if data is None:
        return kind()
    if not isinstance(data, kind):
        shape = "a mapping (key: value)" if kind is dict else "a list"
        raise CurationError(str(path), f"must be {shape}, not a {type(data).__name__}")
    return data


def load_indicators(path: Path | None = None) -> list[dict]:
    path = Path(path or CURATION_DIR / "indicators.yaml")
    indicators = _read_yaml(path, list)
    for n, item in enumerate(indicators, start=1):
        if not isinstance(item, dict) or "code" not in item:
            raise CurationError(f"{path}#{n}", "an indicator must be a mapping with a code")
    return indicators


def _check_choice(where: str, name: str, value, allowed: set) -> None:
    if value not in allowed:
        shown = sorted(a for a in allowed if a is not None)
        raise CurationError(where, f"{name} {value!r} is not one of {shown}")


def load_file(path: Path, indicator_codes: set[str] | None = None) -> CurationFile:
    """Parse one curation file and check it against its report; raises CurationError."""
    path = Path(path)
    data = _read_yaml(path, dict)
    cf = _read_report(path, data)
    codes = set(indicator_codes or set()) | {i["code"] for i in cf.new_indicators}
    names = _check_entities(cf)
    _check_projects(cf, names)
    _check_figures(cf, data.get("figures") or [], names, codes)
    return cf


def _read_report(path: Path, data: dict) -> CurationFile:
    """The report the file curates (its text must exist) and the file's lists of entities, unchecked."""
    report = data.get("report") or {}
    where = path.name
    if not isinstance(report, dict):
        raise CurationError(where, "report must be a mapping")
    if "file" not in report:
        raise CurationError(where, "report.file is missing")
    text_path = REPORTS_DIR / report["file"]
    if not text_path.exists():
        raise CurationError(where, f"report text {text_path} does not exist")
    parse_partial_date(report.get("published"))
    cf = CurationFile(path=path, report=report, text=text_path.read_text(encoding="utf-8"))
    for key in (*ENTITY_KEYS, "new_indicators"):
        items = data.get(key) or []
        if not isinstance(items, list):
            raise CurationError(where, f"{key} must be a list")
        setattr(cf, key, items)
    return cf


def _check_entities(cf: CurationFile) -> dict[str, set[str]]:
    """Regions, parks, companies, chains, towns and outposts: their choices and quotes; returns the names
    each scope kind may use in this file (projects are added by _check_projects)."""
    where, text = cf.path.name, cf.text
    names: dict[str, set[str]] = {k: set() for k in SCOPE_KEYS}
    for i, r in enumerate(cf.regions):
        w = f"{where} regions[{i}] {r.get('name')}"
        _check_choice(w, "level", r.get("level"), REGION_LEVELS)
        names["region"].add(r["name"])
    for i, p in enumerate(cf.parks):
        w = f"{where} parks[{i}] {p.get('name')}"
        _check_choice(w, "kind", p.get("kind"), PARK_KINDS)
        _check_choice(w, "level", p.get("level"), PARK_LEVELS)
        parse_partial_date(p.get("approved"))
        if p.get("area_km2") is not None:
            parse_number(p["area_km2"])
        if p.get("quote"):
            locate(text, p["quote"], w)
        names["park"].add(p["name"])
    for key in ("companies", "platform_companies", "industry_chains", "specialty_towns", "innovation_outposts"):
        for i, c in enumerate(getattr(cf, key)):
            if c.get("quote"):
                locate(text, c["quote"], f"{where} {key}[{i}] {c.get('name')}")
            if key in ("companies", "platform_companies"):
                names["company"].add(c["name"])
    return names


def _check_projects(cf: CurationFile, names: dict[str, set[str]]) -> None:
    """Each project's choices, its park and company (listed in the same file), quotes and milestones."""
    where, text = cf.path.name, cf.text
    for i, p in enumerate(cf.projects):
        w = f"{where} projects[{i}] {p.get('name')}"
        if not p.get("name"):
            raise CurationError(w, "name is missing")
        _check_choice(w, "category", p.get("category"), CATEGORIES)
        _check_choice(w, "construction_type", p.get("construction_type"), CONSTRUCTION_TYPES)
        _check_choice(w, "priority_level", p.get("priority_level"), PRIORITY_LEVELS)
        _check_choice(w, "pool", p.get("pool"), POOLS)
        if p.get("park") and p["park"] not in names["park"]:
            raise CurationError(w, f"park {p['park']!r} is not listed under parks")
        if p.get("company") and p["company"] not in names["company"]:
            raise CurationError(w, f"company {p['company']!r} is not listed under companies")
        if p.get("quote"):
            locate(text, p["quote"], w)
        for j, m in enumerate(p.get("milestones") or []):
            mw = f"{w} milestones[{j}]"
            _check_choice(mw, "kind", m.get("kind"), MILESTONE_KINDS)
            try:
                parse_partial_date(m.get("date"))
                parse_partial_date(m.get("planned"))
            except ValueError as exc:
                raise CurationError(mw, str(exc)) from exc
            if m.get("date") is not None and m.get("planned") is not None:
                raise CurationError(mw, "a milestone is either reached (date) or planned, not both")
            locate(text, m.get("quote"), mw)
        names["project"].add(p["name"])


def _check_figures(cf: CurationFile, figures: list, names: dict[str, set[str]], codes: set[str]) -> None:
    """Each figure against its quote (value and unit printed in it), its choices, indicator and scope; the
    checked figures, normalised, are appended to cf.figures. A figure listed twice is an error."""
    seen: set[tuple] = set()
    for i, f in enumerate(figures):
        w = f"{cf.path.name} figures[{i}]"
        q = locate(cf.text, f.get("quote"), w)
        value_printed, unit_printed = str(f.get("value", "")).strip(), str(f.get("unit", "")).strip()
        if not value_printed:
            raise CurationError(w, "value is missing")
        if value_printed not in q.text:
            raise CurationError(w, f"value {value_printed!r} does not appear in its quote")
        if unit_printed and unit_printed not in q.text:
            raise CurationError(w, f"unit {unit_printed!r} does not appear in its quote")
        _check_choice(w, "kind", f.get("kind"), FIGURE_KINDS)
        _check_choice(w, "measure", f.get("measure", "level"), MEASURES)
        _check_choice(w, "comparator", f.get("comparator"), COMPARATORS)
        if f.get("indicator") is not None and f["indicator"] not in codes:
            raise CurationError(w, f"indicator {f['indicator']!r} is not in indicators.yaml")
        if f.get("indicator") is None and not f.get("subject"):
            raise CurationError(w, "a figure needs an indicator or a subject")
        scope = f.get("scope") or {}
        if len(scope) != 1 or next(iter(scope)) not in SCOPE_KEYS:
            raise CurationError(w, f"scope must name exactly one of {sorted(SCOPE_KEYS)}")
        ((skind, sname),) = scope.items()
        if sname not in names[skind]:
            raise CurationError(w, f"scope {skind} {sname!r} is not listed in this file")
        try:
            number = parse_number(value_printed)
            value, unit = normalise(number, unit_printed) if unit_printed else (number, "")
            start, end = parse_period(f.get("period"))
        except ValueError as exc:
            raise CurationError(w, str(exc)) from exc
        key = (q.text, value_printed, unit_printed, f.get("indicator"), f.get("subject"), skind, sname)
        if key in seen:
            raise CurationError(w, "the same figure is listed twice")
        seen.add(key)
        cf.figures.append(CheckedFigure(f, q, value_printed, unit_printed, value, unit, start, end))


def load_all(directory: Path | None = None) -> list[CurationFile]:
    directory = Path(directory or CURATION_DIR)
    if not directory.is_dir():
        raise CurationError(str(directory), "is not a folder")
    codes = {i["code"] for i in load_indicators(directory / "indicators.yaml")}
    return [load_file(p, codes) for p in sorted(directory.glob("[0-9][0-9][0-9].yaml"))]


ENTITY_KEYS = (
    "regions",
    "parks",
    "companies",
    "platform_companies",
    "industry_chains",
    "specialty_towns",
    "innovation_outposts",
    "projects",
)
# Fields that describe the entity itself; list fields (aliases, industries) are merged, text kept first.
_MERGED_LISTS = {"aliases", "leading_industries", "supporting_industries", "milestones"}
_FREE_TEXT = {"quote", "description", "note", "capacity"}


def merge_entities(files: list[CurationFile]) -> dict[str, dict[str, dict]]:
    """One record per entity across all files, keyed by canonical name.

    A name used in one file that is an alias in another resolves to the canonical record. Two files
    that give different values for the same scalar attribute raise CurationError: a reviewer decides.
    Free text (description, capacity) is kept from the newest report that has it.
    """
    merged: dict[str, dict[str, dict]] = {k: {} for k in ENTITY_KEYS}
    aliases: dict[str, dict[str, str]] = {k: {} for k in ENTITY_KEYS}
    for cf in files:
        for key in ENTITY_KEYS:
            for item in getattr(cf, key):
                for alias in item.get("aliases") or []:
                    aliases[key].setdefault(alias, item["name"])
    order = sorted(files, key=lambda f: str(f.report.get("published") or ""), reverse=True)
    for cf in order:
        for key in ENTITY_KEYS:
            for item in getattr(cf, key):
                name = item["name"]
                canonical = aliases[key].get(name, name) if name not in merged[key] else name
                record = merged[key].setdefault(canonical, {"name": canonical, "_sources": []})
                record["_sources"].append(cf.report["file"])
                for field_name, value in item.items():
                    if field_name == "name" or value in (None, "", []):
                        continue
                    if field_name in _MERGED_LISTS:
                        existing = record.setdefault(field_name, [])
                        for v in value:
                            if v not in existing and v != canonical:
                                existing.append(v)
                    elif field_name in _FREE_TEXT:
                        record.setdefault(field_name, value)
                    elif field_name not in record:
                        record[field_name] = value
                    elif str(record[field_name]) != str(value):
                        raise CurationError(
                            f"{cf.path.name} {key} {name}",
                            f"{field_name} is {value!r} here but {record[field_name]!r} in "
                            f"{', '.join(record['_sources'][:-1])}",
                        )
                if name != canonical:
                    record.setdefault("aliases", [])
                    if name not in record["aliases"]:
                        record["aliases"].append(name)
    return merged


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(CURATION_DIR.glob("[0-9][0-9][0-9].yaml"))
    codes = {i["code"] for i in load_indicators()}
    status = 0
    for p in paths:
        try:
            cf = load_file(p, codes)
        except CurationError as exc:
            print(f"ERROR {exc}")
            status = 1
            continue
        print(
            f"ok {p.name}: {len(cf.projects)} projects, {len(cf.parks)} parks, "
            f"{len(cf.companies)} companies, {len(cf.figures)} figures"
        )
    if not argv and status == 0:
        try:
            merged = merge_entities(load_all())
        except CurationError as exc:
            print(f"ERROR across files: {exc}")
            return 1
        print("ok across files: " + ", ".join(f"{len(v)} {k}" for k, v in merged.items()))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
