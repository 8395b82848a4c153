"""The ledger's columns, defined once: key in code, Chinese header, English label, synonyms, parser, required.

The reader matches headers against this list, the writer prints it, and the importer built on top reads
``LedgerRow.values`` by these keys. A header may carry a unit in brackets (总投资（亿元）); money columns read
it. Two headers are patterns: "2026年计划投资" names the plan's year and "1-10月完成投资" the months covered.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from projects.models import Category, ConstructionType, Pool, PriorityLevel

from . import cells


@dataclass(frozen=True)
class CellContext:
    """What a parser may need beyond the cell: the header's money unit and the sheet's year."""

    unit: str = "万元"
    year: int | None = None


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header the writer prints (money headers without their unit)
    label: str  # English label
    parse: Callable[[Any, CellContext], Any] | None  # None: recognised but not read (序号)
    synonyms: tuple[str, ...] = ()
    required: bool = False
    pattern: re.Pattern | None = None  # a header form with named groups "year" / "months"
    kind: str = "text"  # text | money | date | choice | bool | batch | coordinate — for the writer
    choices: tuple[tuple[str, str], ...] = ()  # (code, Chinese label) for choice columns
    done_word: str = ""  # what an undated "it happened" date is written as
    aliases: dict = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(normalize_header(name)[0] for name in (self.header, *self.synonyms))


def _text(value, ctx):
    return cells.parse_text(value)


def _money(value, ctx):
    return cells.parse_money(value, ctx.unit)


def _date(value, ctx):
    return cells.parse_date(value)


def _bool(value, ctx):
    return cells.parse_bool(value)


def _coordinate(value, ctx):
    return cells.parse_coordinate(value)


def _choice_column(key, header, label, choices, *, synonyms=(), aliases=None, suffixes=()) -> Column:
    lookup = cells.choice_lookup(choices, aliases, suffixes)
    labels = [str(choice_label) for choice_label in choices.labels]

    def parse(value, ctx):
        return cells.parse_choice(value, lookup, labels)

    return Column(
        key,
        header,
        label,
        parse,
        synonyms,
        kind="choice",
        choices=tuple((code, str(choice_label)) for code, choice_label in choices.choices),
        aliases=aliases or {},
    )


_UNIT = re.compile(r"[(\[]?(?:单位[:：]?)?(万元|亿元|元)[)\]]?$")


def normalize_header(text) -> tuple[str, str | None]:
    """A header cell → (comparable text, money unit or None): NFKC, no blanks or required-marks, unit cut off."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = re.sub(r"\s+", "", text).strip("*※★")
    unit = None
    match = _UNIT.search(text)
    if match and match.start() > 0:
        unit = match.group(1)
        text = text[: match.start()]
    return text, unit


COLUMNS: list[Column] = [
    Column("row_number", "序号", "No.", None, ("编号序号", "排序")),
    Column("code", "项目编号", "Project code", lambda value, ctx: cells.parse_code(value), ("编号", "项目代码")),
    Column("name", "项目名称", "Project name", _text, ("项目", "名称", "项目全称", "项目名"), required=True),
    Column(
        "company",
        "建设单位",
        "Company",
        _text,
        ("项目单位", "业主单位", "项目业主", "建设主体", "实施单位", "项目建设单位", "投资主体", "项目法人单位"),
    ),
    Column("region", "所属县区", "Region", _text, ("县区", "所在县区", "县(区)", "所属区县", "区县", "所在地")),
    Column("park", "所属园区", "Park", _text, ("园区", "所在园区", "所属开发区", "入驻园区")),
    Column("industry_chain", "产业链", "Industry chain", _text, ("所属产业链", "产业链条")),
    _choice_column(
        "category",
        "项目类别",
        "Category",
        Category,
        synonyms=("类别", "项目类型", "项目分类", "类型"),
        aliases={"产业项目": "industry", "工业": "industry", "社会民生": "public_welfare", "生态环保": "ecology"},
        suffixes=("项目", "类"),
    ),
    _choice_column(
        "construction_type",
        "建设性质",
        "Construction type",
        ConstructionType,
        synonyms=("项目性质", "性质"),
        aliases={"技术改造": "renovation", "改扩建": "expansion", "新开工": "new"},
        suffixes=("项目",),
    ),
    _choice_column(
        "priority_level",
        "项目级别",
        "Priority level",
        PriorityLevel,
        synonyms=("重点级别", "级别", "重点项目级别", "项目层级"),
        aliases={"省重点": "provincial", "市重点": "city", "区重点": "district", "县级": "district"},
        suffixes=("重点", "重点项目", "项目"),
    ),
    _choice_column(
        "pool",
        "四库",
        "Pool",
        Pool,
        synonyms=("所属库", "项目库", "入库类别", "库别", "四库类别", "所在库"),
        aliases={"达产库": "operating", "达效库": "operating"},
        suffixes=("库", "项目库"),
    ),
    Column(
        "batch",
        "三个一批批次",
        "Batch",
        lambda value, ctx: cells.parse_batch(value, ctx.year),
        ("批次", "三个一批", "所属批次", "三个一批活动批次"),
        kind="batch",
    ),
    Column(
        "total_investment",
        "总投资",
        "Total investment",
        _money,
        ("总投资额", "计划总投资", "项目总投资", "估算总投资"),
        kind="money",
    ),
    Column(
        "annual_plan",
        "年度计划投资",
        "Annual plan",
        _money,
        ("本年计划投资", "年计划投资", "年度投资计划", "计划投资"),
        pattern=re.compile(r"(?:(?P<year>\d{4})年度?)(?:计划投资|投资计划|计划完成投资)(?:额)?"),
        kind="money",
    ),
    Column(
        "ledger_ytd",
        "本年完成投资",
        "Completed this year (ledger)",
        _money,
        ("年度完成投资", "本年累计完成投资", "今年完成投资"),
        pattern=re.compile(
            r"(?:(?P<year>\d{4})年度?)?1[-~—–至到](?P<months>\d{1,2})月(?:份|底|末)?(?:累计)?完成(?:固定资产)?投资(?:额)?"
        ),
        kind="money",
    ),
    Column("planned_start", "计划开工时间", "Planned start", _date, ("计划开工日期", "计划开工"), kind="date"),
    Column(
        "actual_start",
        "实际开工时间",
        "Actual start",
        _date,
        ("实际开工日期", "实际开工", "开工时间", "开工日期"),
        kind="date",
        done_word="已开工",
    ),
    Column(
        "planned_production",
        "计划投产时间",
        "Planned production",
        _date,
        ("计划投产日期", "计划投产", "计划竣工投产时间", "计划建成投产时间"),
        kind="date",
        done_word="已投产",
    ),
    Column(
        "actual_production",
        "实际投产时间",
        "Actual production",
        _date,
        ("实际投产日期", "实际投产", "投产时间", "投产日期"),
        kind="date",
        done_word="已投产",
    ),
    Column(
        "in_statistics",
        "是否入库入统",
        "In statistics",
        _bool,
        ("入库入统", "是否入统", "入统", "是否纳统", "纳统"),
        kind="bool",
    ),
    Column("is_major", "是否重大项目", "Major project", _bool, ("重大项目",), kind="bool"),
    Column("leader", "包联领导", "Leader", _text, ("包联区领导", "包联县级领导", "包联领导及职务", "包联领导姓名")),
    Column("responsible_unit", "责任单位", "Responsible unit", _text, ("牵头单位", "责任部门", "牵头责任单位")),
    Column("officer", "责任人", "Officer", _text, ("专职推进干部", "推进责任人", "项目责任人", "专职干部")),
    Column("liaison", "联络员", "Liaison", _text, ("常驻联络员", "联系人", "驻企联络员")),
    Column(
        "phone",
        "联系电话",
        "Phone",
        lambda value, ctx: cells.parse_phone(value),
        ("电话", "联系方式", "手机", "手机号码"),
    ),
    Column(
        "description",
        "建设内容及规模",
        "Scope",
        _text,
        ("建设内容", "建设规模及内容", "主要建设内容", "建设内容和规模", "建设规模及主要内容", "建设规模"),
    ),
    Column("longitude", "经度", "Longitude", _coordinate, ("东经",), kind="coordinate"),
    Column("latitude", "纬度", "Latitude", _coordinate, ("北纬",), kind="coordinate"),
    Column("note", "备注", "Note", _text, ("说明", "备注说明")),
]

COLUMNS_BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = tuple(column.key for column in COLUMNS if column.required)

_BY_NAME: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in _column.names:
        _BY_NAME.setdefault(_name, _column)


@dataclass(frozen=True)
class HeaderMatch:
    column: Column
    unit: str | None
    year: int | None = None
    months: int | None = None


def match_header(text) -> HeaderMatch | None:
    """The column a header cell names, with what the header says about unit, year and months."""
    name, unit = normalize_header(text)
    if not name:
        return None
    column = _BY_NAME.get(name)
    if column is not None:
        return HeaderMatch(column, unit)
    for column in COLUMNS:
        if column.pattern is None:
            continue
        match = column.pattern.fullmatch(name)
        if match:
            groups = match.groupdict()
            year = int(groups["year"]) if groups.get("year") else None
            months = int(groups["months"]) if groups.get("months") else None
            if months is not None and not 1 <= months <= 12:
                return None
            return HeaderMatch(column, unit, year, months)
    return None
