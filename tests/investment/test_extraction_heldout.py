"""The extractor on a whole report it was not written against: a made-up 前三季度 bulletin in the style of a
district newspaper, scored against an answer key like `extraction_eval` scores the five source reports."""

import datetime as dt
from decimal import Decimal

import pytest

from investment.sources.extraction import NameBook, extract_candidates

TEXT = """上党区前三季度经济运行稳中有进
2026年10月20日  来源：长治日报
今年1-9月，上党区完成固定资产投资86.4亿元，同比增长12.3%，增速居全市第三。全区68个省市重点项目累计完成投资52.7亿元，占年度计划的81.5%。
其中，工业投资完成41.2亿元，同比增长18.6%。新签约项目二十三个，总投资一百二十亿元；新开工项目15个，新投产项目9个。
上党经开区规上工业增加值同比增长9.8%，园区企业达到112家。晋东南智能装备产业园项目总投资约25億元，计划2027年6月建成投产，达产后年产值超30亿元。
一季度，全区社会消费品零售总额完成１８.５亿元。全年力争完成固定资产投资115亿元以上。
"""

# (value as printed, normalised value, normalised unit, kind, indicator or None when the key does not fix one)
KEY = [
    ("86.4", Decimal(864000), "万元", "actual", "fixed_asset_investment"),
    ("12.3", Decimal("12.3"), "%", "change", "fixed_asset_investment"),
    ("三", Decimal(3), "", "rank", None),
    ("68", Decimal(68), "个", "actual", "project_count"),
    ("52.7", Decimal(527000), "万元", "actual", "project_investment"),
    ("81.5", Decimal("81.5"), "%", "actual", None),
    ("41.2", Decimal(412000), "万元", "actual", "industrial_investment"),
    ("18.6", Decimal("18.6"), "%", "change", "industrial_investment"),
    ("二十三", Decimal(23), "个", "actual", "signed_projects"),
    ("一百二十", Decimal(1200000), "万元", "attribute", "total_investment"),
    ("15", Decimal(15), "个", "actual", "projects_started"),
    ("9", Decimal(9), "个", "actual", "projects_in_production"),
    ("9.8", Decimal("9.8"), "%", "change", "industrial_value_added"),
    ("112", Decimal(112), "家", "actual", "enterprises"),
    ("25", Decimal(250000), "万元", "attribute", "total_investment"),
    ("2027年6月", Decimal(20270601), "date", "milestone", None),
    ("30", Decimal(300000), "万元", "target", "output_value"),
    ("１８.５", Decimal(185000), "万元", "actual", "retail_sales"),
    ("115", Decimal(1150000), "万元", "target", "fixed_asset_investment"),
]


@pytest.fixture(scope="module")
def found():
    book = NameBook([("region", "上党区", [], 2), ("park", "上党经济技术开发区", ["上党经开区", "经开区"], 1)])
    return extract_candidates(TEXT, published_on=dt.date(2026, 10, 20), names=book)


def test_every_figure_of_the_key_is_found_with_its_value_and_nothing_else(found):
    got = sorted((c.value_printed, c.value, c.unit) for c in found)
    want = sorted((printed, value, unit) for printed, value, unit, _, _ in KEY)
    assert got == want


def test_kinds_and_indicators_agree_with_the_key(found):
    by_printed = {c.value_printed: c for c in found}
    wrong = [
        (printed, by_printed[printed].kind, by_printed[printed].indicator)
        for printed, _, _, kind, indicator in KEY
        if by_printed[printed].kind != kind or (indicator and by_printed[printed].indicator != indicator)
    ]
    assert wrong == []


def test_periods_come_from_the_sentence_or_the_publication_date(found):
    by_printed = {c.value_printed: c for c in found}
    assert (by_printed["86.4"].period_start, by_printed["86.4"].period_end) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 9, 30),
    )
    assert (by_printed["１８.５"].period_start, by_printed["１８.５"].period_end) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
    )
    assert by_printed["115"].period == "2026年" and by_printed["115"].comparator == ">="
    assert by_printed["25"].comparator == "~" and by_printed["30"].comparator == ">="
