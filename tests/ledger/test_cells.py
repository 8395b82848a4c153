"""The ledger's cell parsers: every form a district writes a value in, and the message for what cannot be read."""

import datetime
from decimal import Decimal

import pytest

from investment.ledger.cells import (
    UNDATED,
    LedgerBatch,
    LedgerDate,
    check_coordinates,
    format_batch,
    format_date,
    parse_batch,
    parse_bool,
    parse_code,
    parse_coordinate,
    parse_count,
    parse_date,
    parse_money,
    parse_phone,
    parse_text,
)
from investment.ledger.columns import COLUMNS_BY_KEY, CellContext, match_header

D = datetime.date


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("1234.5", "万元", Decimal("1234.5")),
        ("1,234.5", "万元", Decimal("1234.5")),
        ("１，２３４．５", "万元", Decimal("1234.5")),
        ("  800 ", "万元", Decimal("800")),
        (12.5, "亿元", Decimal("125000")),
        ("1.2亿元", "万元", Decimal("12000")),
        ("3000万元", "亿元", Decimal("3000")),
        (1234567, "元", Decimal("123.46")),
        (0.1 + 0.2, "万元", Decimal("0.30")),
        (5000, "万元", Decimal("5000")),
        (Decimal("7.25"), "万元", Decimal("7.25")),
        ("—", "万元", None),
        ("-", "万元", None),
        ("/", "万元", None),
        ("无", "万元", None),
        ("", "万元", None),
        (None, "万元", None),
    ],
)
def test_money_is_a_decimal_in_wan_yuan(value, unit, expected):
    result = parse_money(value, unit)
    assert result == expected
    assert result is None or isinstance(result, Decimal)


def test_money_from_a_float_has_no_binary_tail():
    assert str(parse_money(1234.5)) == "1234.5"
    assert str(parse_money(0.1 + 0.2)) == "0.30"


@pytest.mark.parametrize(
    ("value", "message"),
    [("abc", "不是有效的金额"), ("-5", "金额不能为负数"), ("1.2.3", "不是有效的金额"), ("2" * 12, "金额过大")],
)
def test_bad_money_says_why(value, message):
    with pytest.raises(ValueError, match=message):
        parse_money(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025年3月", LedgerDate(D(2025, 3, 1), "month")),
        ("2025年3月15日", LedgerDate(D(2025, 3, 15), "day")),
        ("2025.3", LedgerDate(D(2025, 3, 1), "month")),
        ("2025.03.15", LedgerDate(D(2025, 3, 15), "day")),
        ("2025-03-15", LedgerDate(D(2025, 3, 15), "day")),
        ("2025/3/15", LedgerDate(D(2025, 3, 15), "day")),
        ("2025-03-15 00:00:00", LedgerDate(D(2025, 3, 15), "day")),
        ("２０２５年３月", LedgerDate(D(2025, 3, 1), "month")),
        ("二〇二五年三月", LedgerDate(D(2025, 3, 1), "month")),
        ("2027年6月底", LedgerDate(D(2027, 6, 1), "month")),
        ("2025年", LedgerDate(D(2025, 1, 1), "year")),
        (2025, LedgerDate(D(2025, 1, 1), "year")),
        (2025.3, LedgerDate(D(2025, 3, 1), "month")),
        (datetime.datetime(2025, 3, 15), LedgerDate(D(2025, 3, 15), "day")),
        (D(2025, 3, 15), LedgerDate(D(2025, 3, 15), "day")),
        (45731, LedgerDate(D(2025, 3, 15), "day")),
        ("45731", LedgerDate(D(2025, 3, 15), "day")),
        ("已开工", UNDATED),
        ("已投产", UNDATED),
        ("—", None),
        (None, None),
    ],
)
def test_dates_in_every_form_keep_their_precision(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025年13月", "月份应在1-12之间"),
        ("2025-02-30", "日期不存在"),
        ("明年", "不是有效的日期"),
        ("1800年", "年份不合理"),
        ("12345", "不是有效的日期"),
    ],
)
def test_impossible_dates_say_why(value, message):
    with pytest.raises(ValueError, match=message):
        parse_date(value)


@pytest.mark.parametrize(
    "value", [LedgerDate(D(2025, 3, 15), "day"), LedgerDate(D(2025, 3, 1), "month"), LedgerDate(D(2025, 1, 1), "year")]
)
def test_a_date_is_written_at_its_precision_and_reads_back(value):
    assert parse_date(format_date(value)) == value


def test_date_text_at_precision():
    assert format_date(LedgerDate(D(2025, 3, 1), "month")) == "2025年3月"
    assert format_date(LedgerDate(D(2025, 3, 15), "day")) == "2025-03-15"
    assert format_date(LedgerDate(D(2025, 1, 1), "year")) == "2025年"
    assert format_date(UNDATED, done_word="已投产") == "已投产"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("✓", True), ("√", True), ("是", True), ("Y", True), ("yes", True), ("×", False), ("否", False)]
    + [("N", False), ("no", False), ("", None), (None, None)],
)
def test_booleans(value, expected):
    assert parse_bool(value) is expected


def test_a_bad_boolean_says_what_to_write():
    with pytest.raises(ValueError, match="是.*否"):
        parse_bool("也许")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026年第二批开工", LedgerBatch(2026, 2, "started")),
        ("2026年第2批签约", LedgerBatch(2026, 2, "signed")),
        ("二〇二六年第三批投产项目", LedgerBatch(2026, 3, "in_production")),
        ("第一批开工", LedgerBatch(2025, 1, "started")),
        ("", None),
    ],
)
def test_batches(value, expected):
    assert parse_batch(value, year=2025) == expected


def test_a_batch_is_written_as_the_campaign_names_it():
    assert format_batch(LedgerBatch(2026, 2, "started")) == "2026年第二批开工"
    assert parse_batch(format_batch(LedgerBatch(2026, 12, "signed"))) == LedgerBatch(2026, 12, "signed")


@pytest.mark.parametrize(
    ("value", "message"), [("第二批开工", "缺少年份"), ("2026年开工", "缺少轮次"), ("开会", "批次")]
)
def test_bad_batches(value, message):
    with pytest.raises(ValueError, match=message):
        parse_batch(value)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("priority_level", "省级重点", "provincial"),
        ("priority_level", "省级", "provincial"),
        ("priority_level", "市级重点项目", "city"),
        ("priority_level", "区级", "district"),
        ("priority_level", "district", "district"),
        ("pool", "谋划库", "planning"),
        ("pool", "储备", "reserve"),
        ("pool", "达产达效", "operating"),
        ("category", "基础设施项目", "infrastructure"),
        ("category", "产业", "industry"),
        ("construction_type", "技术改造", "renovation"),
        ("construction_type", "续建", "continuing"),
    ],
)
def test_choices_by_chinese_label_with_or_without_suffix(key, value, expected):
    assert COLUMNS_BY_KEY[key].parse(value, CellContext()) == expected


def test_an_unknown_choice_lists_the_labels():
    with pytest.raises(ValueError, match="无法识别“金库”，应为：谋划库、储备库、建设库、达产达效库"):
        COLUMNS_BY_KEY["pool"].parse("金库", CellContext())


def test_counts_in_chinese_numerals():
    assert parse_count("十二") == 12
    assert parse_count("3") == 3
    with pytest.raises(ValueError):
        parse_count("许多")


def test_text_code_and_phone():
    assert parse_text(" 新建厂房\u3000 2万平方米 \r\n\r\n购置设备 ") == "新建厂房 2万平方米\n购置设备"
    assert parse_code("ＳＤ２０２６ ０００１") == "SD20260001"
    assert parse_code(1001.0) == "1001"
    assert parse_phone(13812345678.0) == "13812345678"
    assert parse_phone("0355-1234567") == "0355-1234567"
    with pytest.raises(ValueError, match="电话"):
        parse_phone("张三")


def test_coordinates():
    assert parse_coordinate("113.1234567") == Decimal("113.1234567")
    assert parse_coordinate("E113.05°") == Decimal("113.05")
    assert check_coordinates(Decimal("113.05"), Decimal("36.05")) is None
    assert check_coordinates(Decimal("36.05"), Decimal("113.05")) == (("longitude", "latitude"), "经度和纬度填反了")
    assert check_coordinates(Decimal("200"), Decimal("36")) == (("longitude",), "经度应在-180到180之间")
    assert check_coordinates(Decimal("113"), Decimal("-95")) == (("latitude",), "纬度应在-90到90之间")
    assert check_coordinates(Decimal("2.35"), Decimal("48.85")) == (("longitude",), "经纬度不在中国境内")
    with pytest.raises(ValueError, match="经纬度"):
        parse_coordinate("东边")


@pytest.mark.parametrize(
    ("header", "key", "unit", "year", "months"),
    [
        ("总投资（亿元）", "total_investment", "亿元", None, None),
        ("总投资(万元)", "total_investment", "万元", None, None),
        ("计划总投资\n（万元）", "total_investment", "万元", None, None),
        ("*项目名称", "name", None, None, None),
        ("2026年计划投资", "annual_plan", None, 2026, None),
        ("年度计划投资（万元）", "annual_plan", "万元", None, None),
        ("1-10月完成投资", "ledger_ytd", None, None, 10),
        ("2026年1—9月完成投资（亿元）", "ledger_ytd", "亿元", 2026, 9),
        ("项目单位", "company", None, None, None),
        ("业主单位", "company", None, None, None),
        ("所在县区", "region", None, None, None),
        ("项目性质", "construction_type", None, None, None),
        ("重点级别", "priority_level", None, None, None),
        ("项目库", "pool", None, None, None),
        ("开工时间", "actual_start", None, None, None),
        ("建设单位", "company", None, None, None),
    ],
)
def test_headers_and_what_they_say(header, key, unit, year, months):
    found = match_header(header)
    assert (found.column.key, found.unit, found.year, found.months) == (key, unit, year, months)


def test_unknown_headers_match_nothing():
    assert match_header("形象进度") is None
    assert match_header("1-13月完成投资") is None
