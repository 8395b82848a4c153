"""The figure extractor on sentences of its own: each messy form real reports print, read the way a reviewer would."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from investment.sources.extraction import Candidate, NameBook, Scope, extract_candidates

PUBLISHED = dt.date(2025, 7, 15)


@pytest.fixture(scope="module")
def book():
    return NameBook(
        [
            ("project", "康宁医药产业园", ["康宁产业园"], 11),
            ("company", "山西康宁制药集团有限公司", ["康宁制药"], 21),
            ("park", "长治高新技术产业开发区", ["长治高新区"], 31),
            ("region", "潞州区", [], 3),
            ("region", "长治市", [], 1),
        ]
    )


def extract(text, book, published_on=PUBLISHED):
    found = extract_candidates(text, published_on=published_on, names=book)
    for c in found:  # the contract every caller relies on: the quote is the stored text at its offset
        assert text[c.offset : c.offset + len(c.quote)] == c.quote
        assert c.kind in ("actual", "target", "change", "rank", "attribute", "milestone")
        assert c.comparator in ("", ">=", "<=", "~")
        assert 0 <= c.confidence <= 1
    return found


def one(text, book, printed, **kwargs) -> Candidate:
    matches = [c for c in extract(text, book, **kwargs) if c.value_printed == printed]
    assert len(matches) == 1, [(c.value_printed, c.unit_printed, c.kind) for c in extract(text, book)]
    return matches[0]


def test_money_in_yi_is_normalised_to_wan_with_the_printed_forms_kept(book):
    text = "康宁医药产业园总投资 32 亿元，建设标准化厂房。"
    c = one(text, book, "32")
    assert (c.value, c.unit, c.unit_printed) == (Decimal(320000), "万元", "亿元")
    assert (c.kind, c.indicator, c.scope) == ("attribute", "total_investment", Scope("project", "康宁医药产业园", 11))
    assert c.quote == "康宁医药产业园总投资 32 亿元" and c.offset == 0


@pytest.mark.parametrize(
    ("sentence", "printed", "unit_printed", "value", "unit"),
    [
        ("光伏玻璃产量 1077 万平米。", "1077", "万平米", Decimal(10770000), "m²"),
        ("年产能 1.3 万吨。", "1.3", "万吨", Decimal(13000), "吨"),
        ("新增光伏装机 20 兆瓦。", "20", "兆瓦", Decimal(20000), "千瓦"),
        ("风电装机 5 万千瓦。", "5", "万千瓦", Decimal(50000), "千瓦"),
        ("新建道路 12.5 公里。", "12.5", "公里", Decimal("12.5"), "公里"),
        ("流转土地 860 亩。", "860", "亩", Decimal(860), "亩"),
        ("引进企业 12 家。", "12", "家", Decimal(12), "家"),
        ("实施项目 35 个。", "35", "个", Decimal(35), "个"),
        ("办结事项 98 项。", "98", "项", Decimal(98), "项"),
        ("综合满意度 98.5%。", "98.5", "%", Decimal("98.5"), "%"),
    ],
)
def test_units_are_normalised_as_the_importer_normalises_them(book, sentence, printed, unit_printed, value, unit):
    c = one(sentence, book, printed)
    assert (c.unit_printed, c.value, c.unit) == (unit_printed, value, unit)


def test_full_width_digits_spaces_and_traditional_characters_keep_the_original_offsets(book):
    text = "前言。\n潞州區完成固定資產投資８５．６億元，產量 1 077 萬噸。"
    money = one(text, book, "８５．６")
    assert (money.value, money.unit, money.unit_printed) == (Decimal(856000), "万元", "億元")
    assert money.quote == "潞州區完成固定資產投資８５．６億元" and money.offset == text.index("潞州區")
    assert (money.kind, money.indicator, money.scope.name) == ("actual", "fixed_asset_investment", "潞州区")
    spaced = one(text, book, "1 077")
    assert (spaced.value, spaced.unit, spaced.unit_printed) == (Decimal(10770000), "吨", "萬噸")


@pytest.mark.parametrize(
    ("sentence", "printed", "unit_printed", "value"),
    [
        ("两条生产线稳定投产。", "两", "条", Decimal(2)),
        ("建成十亿袋颗粒剂生产线。", "十", "亿袋", Decimal(1000000000)),
        ("惠及近千名老人。", "千", "名", Decimal(1000)),
        ("六个园中园迎来春色。", "六", "个", Decimal(6)),
        ("年产量预计 1.3 万吨。", "1.3", "万吨", Decimal(13000)),
    ],
)
def test_chinese_numerals_and_mixed_forms(book, sentence, printed, unit_printed, value):
    c = one(sentence, book, printed)
    assert (c.unit_printed, c.value) == (unit_printed, value)


def test_a_hundred_yi_class_is_an_approximate_amount(book):
    c = one("未来五年，可形成百亿级产业集群。", book, "百")
    assert (c.value, c.unit, c.comparator, c.kind) == (Decimal(1000000), "万元", "~", "target")


@pytest.mark.parametrize(
    ("sentence", "printed", "comparator"),
    [
        ("全年供应土地 3000 亩以上。", "3000", ">="),
        ("建成 300 余米生产线。", "300", ">="),
        ("带动就业 800 余就业岗位。", "800", ">="),
        ("惠及近千名老人。", "千", "~"),
        ("年效益超 100 亿元。", "100", ">="),
        ("3 天内办结全部手续。", "3", "<="),
        ("粮食种植面积稳定在27万亩左右。", "27", "~"),
        ("占地约 560 亩。", "560", "~"),
    ],
)
def test_hedges_become_comparators(book, sentence, printed, comparator):
    assert one(sentence, book, printed).comparator == comparator


def test_a_range_keeps_both_ends(book):
    c = one("全区计划建设 3-5 个专业镇。", book, "3-5")
    assert (c.value, c.value_max, c.comparator, c.kind) == (Decimal(3), Decimal(5), ">=", "target")


def test_kinds_actual_target_change_rank_attribute(book):
    text = (
        "今年上半年，潞州区完成固定资产投资85.6亿元，同比增长12.3%，增速位居全市第一。"
        "全年力争签约额达到200亿元。康宁医药产业园总投资 32 亿元。"
    )
    kinds = {c.value_printed: (c.kind, c.measure) for c in extract(text, book)}
    assert kinds["85.6"] == ("actual", "level")
    assert kinds["12.3"] == ("change", "growth_yoy")
    assert kinds["一"][0] == "rank"
    assert kinds["200"] == ("target", "level")
    assert kinds["32"] == ("attribute", "level")


def test_a_rank_is_read_but_an_ordinal_or_a_tier_is_not(book):
    rank = one("空气质量改善率跃居全市第二；", book, "二")
    assert (rank.kind, rank.value, rank.unit) == ("rank", Decimal(2), "")
    assert extract("商业发展迈入全国第一方阵，第一批项目签约。", book) == []


def test_a_date_before_an_event_is_a_milestone_and_a_year_of_a_figure_is_a_period(book):
    text = "康宁医药产业园计划 2025年6月开工，2026年建成投产。2025年签约额达到145亿元。"
    found = extract(text, book)
    milestones = [(c.value_printed, c.milestone, c.period_start) for c in found if c.kind == "milestone"]
    assert milestones == [
        ("2025年6月", "started", dt.date(2025, 6, 1)),
        ("2026年", "in_production", dt.date(2026, 1, 1)),
    ]
    started = next(c for c in found if c.milestone == "started")
    assert (started.value, started.unit, started.scope.name) == (Decimal(20250601), "date", "康宁医药产业园")
    signed = one(text, book, "145")
    assert (signed.kind, signed.period, signed.indicator) == ("actual", "2025年", "signed_amount")
    assert (signed.period_start, signed.period_end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_a_day_at_the_head_of_a_sentence_dates_every_event_in_it(book):
    text = "10月26日，随着康宁医药产业园一期全面完工，长治高新区主干道正式通车运行。"
    events = [(c.milestone, c.period_start) for c in extract(text, book) if c.kind == "milestone"]
    assert events == [("completed", dt.date(2025, 10, 26)), ("completed", dt.date(2025, 10, 26))]


@pytest.mark.parametrize(
    ("sentence", "label", "start", "end"),
    [
        ("2024年，全区新建道路 12 公里。", "2024年", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("1-8 月产量 1077 万平米。", "2025年1-8月", dt.date(2025, 1, 1), dt.date(2025, 8, 31)),
        ("一季度,完成投资 2.88 亿元。", "2025年一季度", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        ("2024年一季度，完成投资 2.88 亿元。", "2024年一季度", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("今年已完成 18 个小区改造。", "2025年", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("去年完成 18 个小区改造。", "2024年", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("上半年引进企业 12 家。", "2025年上半年", dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
        ("“十四五”期间累计投资 500 亿元。", "十四五", dt.date(2021, 1, 1), dt.date(2025, 12, 31)),
        ("二〇二四年引进企业 12 家。", "2024年", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ],
)
def test_periods(book, sentence, label, start, end):
    (c,) = [c for c in extract(sentence, book) if c.kind != "milestone"]
    assert (c.period, c.period_start, c.period_end) == (label, start, end)


def test_a_period_set_at_the_head_of_a_paragraph_carries_to_its_later_sentences(book):
    c = one("一季度，全市完成投资 30 亿元。工业投资完成 12 亿元。", book, "12")
    assert c.period == "2025年一季度"


def test_today_words_need_the_publication_date(book):
    (c,) = extract("今年已完成 18 个小区改造。", book, published_on=None)
    assert (c.period, c.period_start) == ("", None)


def test_scope_by_name_alias_or_a_proposed_new_entity(book):
    text = "康宁制药年产值 20 亿元。长治高新区新签约项目 23 个。山西恒瑞新材料有限公司年产 3 万吨石墨负极材料。"
    assert one(text, book, "20").scope == Scope("company", "山西康宁制药集团有限公司", 21)
    assert one(text, book, "23").scope == Scope("park", "长治高新技术产业开发区", 31)
    proposed = one(text, book, "3").scope
    assert proposed == Scope("company", "山西恒瑞新材料有限公司", None)


def test_a_figure_printed_inside_a_known_name_is_that_thing_s_size(book):
    names = NameBook([("project", "振东10亿袋颗粒剂建设", ["振东 10 亿袋颗粒剂建设"], 7)])
    c = one("续建项目包括振东 10 亿袋颗粒剂建设项目等。", names, "10")
    assert (c.scope.id, c.kind, c.indicator) == (7, "attribute", "capacity")


def test_words_that_describe_a_kind_of_thing_are_not_proposed_as_names(book):
    c = one("领代办项目 101 个。", NameBook(), "101")
    assert c.scope is None


@pytest.mark.parametrize(
    ("sentence", "indicator", "measure"),
    [
        ("力促全年固投增长10%以上。", "fixed_asset_investment", "growth_yoy"),
        ("规模以上工业增加值增长16.3%。", "industrial_value_added", "growth_yoy"),
        ("全年签约项目86个。", "signed_projects", None),
        ("签约金额162.3亿元。", "signed_amount", None),
        ("开工率超70%。", "signed_to_started_rate", None),
        ("营收 1.07 亿元。", "revenue", None),
        ("3598万吨原煤产量。", "coal_output", None),
        ("共出让标准地 8 宗。", "land_parcels_granted", None),
        ("转型项目投资完成36.9亿元,占工业投资比重95.1%。", "transformation_investment", None),
    ],
)
def test_indicators_come_from_the_indicator_vocabulary(book, sentence, indicator, measure):
    c = extract(sentence, book)[0]
    assert c.indicator == indicator
    if measure:
        assert c.measure == measure


def test_a_growth_rate_right_after_a_level_is_the_growth_of_that_indicator(book):
    assert one("全区GDP达到356.2亿元，增长5.8%。", book, "5.8").indicator == "gdp"
    assert one("全区GDP达到356.2亿元，居民收入增长5.8%。", book, "5.8").indicator is None


def test_an_indicator_whose_unit_does_not_fit_is_not_proposed(book):
    assert one("签约项目 86 个。", book, "86").indicator == "signed_projects"
    assert one("签约额增长 12%。", book, "12").indicator == "signed_amount"  # a growth rate fits a level indicator
    assert one("固定资产投资项目 45 个。", book, "45").indicator != "fixed_asset_investment"


def test_a_repeated_paragraph_yields_its_figures_once(book):
    paragraph = "教育是民生之基。今年新建幼儿园 3 所，新增学位 1200 个。\n"
    found = extract(paragraph * 3, book)
    assert [c.value_printed for c in found] == ["3", "1200"]
    assert found[0].offset == paragraph.index("今年")


def test_a_sentence_cut_by_a_column_break_is_quoted_only_from_what_is_there(book):
    text = (
        "主城区污水处理厂扩容搬迁项目有条不紊进行，项目建成后污水处理能力由 1.2 万 m³/d，可进一步提升城市水环境\n\n"
        "上村中心解决留守老人照料难题，贾掌 3/d 提升至 2 万 m 段正式通车。"
    )
    found = extract(text, book)
    assert [c.value_printed for c in found] == ["1.2"]  # "2 万 m" and "3/d" are halves of a cut figure
    assert found[0].unit == "m³/d" and found[0].value == Decimal(12000)
    assert "\n" not in found[0].quote
    assert found[0].confidence < 0.9


@pytest.mark.parametrize(
    "sentence",
    [
        "扎实推进“三个一批”活动。",
        "建立集成审批“两张图”。",
        "全力打造 15 分钟健身圈。",
        "用好经济工作七个方面主抓手。",
        "扎实推进三项重点改革。",
        "市委十二届七次全会召开。",
        "G207 国道与 G208 国道衔接。",
        "PM_{2.5}浓度下降。",
        "一个个项目拔地而起，一批企业落地。",
        "工期 3 个月。",
        "提供7×24小时自助服务。",
        "三次产业结构持续优化。",
    ],
)
def test_slogans_codes_ordinals_and_durations_are_not_figures(book, sentence):
    assert extract(sentence, book) == []


def test_as_json_is_the_contract_other_tools_read(book):
    (c,) = [c for c in extract("康宁医药产业园总投资 32 亿元。", book)]
    data = c.as_json()
    assert {"value", "unit", "quote", "offset", "kind", "period", "scope", "indicator", "confidence"} <= data.keys()
    assert data["value"] == "320000" and isinstance(data["value"], str)
    assert data["scope"] == {"kind": "project", "name": "康宁医药产业园", "id": 11}
    assert data["quote"] == "康宁医药产业园总投资 32 亿元" and data["offset"] == 0


def test_empty_and_figureless_texts_give_nothing(book):
    assert extract("", book) == []
    assert extract("冬意渐浓，实干不辍。\n\n", book) == []


MESSY = (
    "0123456789０１２.．,，。；、-至 \n年月日季度今全第一二两三十百千万亿〇"
    + "余近约超以上内个项家亿元吨米亩%开工投产目标增长市名总投资的项目公司“”GWh"
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=MESSY, max_size=60))
def test_any_text_gives_candidates_whose_quote_is_the_text_at_their_offset(text):
    names = NameBook([("region", "上党区", [], 1)])
    for c in extract_candidates(text, published_on=PUBLISHED, names=names):
        assert text[c.offset : c.offset + len(c.quote)] == c.quote
        assert c.value_printed and c.quote


def test_year_to_date_comparisons_and_changes(book):
    text = (
        "截至10月底，全市累计完成投资412.5亿元，占年度计划的86.3%。"
        "今年以来，到位资金98.6亿元，较去年同期增加21.4亿元，增速较上半年提高1.2个百分点。"
        "康宁医药产业园年产值将由 6 亿元增长至 20 亿元。"
    )
    ytd = one(text, book, "412.5")
    assert (ytd.period, ytd.period_start, ytd.period_end) == (
        "2025年1-10月",
        dt.date(2025, 1, 1),
        dt.date(2025, 10, 31),
    )
    assert one(text, book, "86.3").kind == "actual"  # the year's plan named, not a plan stated
    increase = one(text, book, "21.4")
    assert (increase.kind, increase.measure, increase.period) == ("change", "level", "2025年")  # not 去年: the base
    assert (one(text, book, "1.2").kind, one(text, book, "1.2").period) == ("change", "2025年")
    assert one(text, book, "6").kind == "attribute" and one(text, book, "20").kind == "target"
    assert one(text, book, "20").period == ""


def test_a_year_after_publication_is_a_plan_not_the_year_the_text_is_about(book):
    text = "全年新建道路 12 公里，康宁医药产业园预计2026年3月竣工，2026年建成投产。"
    assert one(text, book, "12").period == "2025年"


def test_a_book_finds_its_names_inside_a_longer_name_another_book_taught_the_segmenter():
    text = "振东集团十亿袋配方颗粒生产线已安装调试完成。"
    long_name = NameBook([("project", "振东集团十亿袋配方颗粒生产线", [], 1)])
    assert one(text, long_name, "十").scope.id == 1  # the long name is now one word of the shared segmenter
    short = NameBook([("company", "振东集团", [], 2)])
    assert one(text, short, "十").scope == Scope("company", "振东集团", 2)


def test_the_eval_matches_a_milestone_by_kind_and_by_the_date_as_precise_as_curated():
    from investment.sources.extraction.evaluation import Truth

    text = "康宁医药产业园2025年6月开工。"
    (started,) = extract(text, NameBook())
    month = Truth(0, len(text), Decimal(20250601), "started 2025-06", text, "month", "started")
    assert month.found_by(started)
    assert not Truth(0, len(text), Decimal(20250601), "", text, "month", "in_production").found_by(started)
    assert not Truth(0, len(text), Decimal(20250701), "", text, "month", "started").found_by(started)
    assert Truth(0, len(text), Decimal(20250101), "", text, "year", "started").found_by(started)
    assert not Truth(len(text), len(text) + 5, Decimal(20250601), "", text, "month", "started").found_by(started)
    figure = Truth(0, len(text), Decimal(20250601), "", text)  # a figure is never found by a milestone
    assert not figure.found_by(started)


def test_a_share_of_value_added_a_target_named_after_the_figure_and_a_project_named_after_its_event(book):
    text = "战略性新兴产业增加值仅占0.9%。定下2025年签约额145亿元的目标。今年开工建设康宁医药产业园。"
    share = one(text, book, "0.9")
    assert (share.kind, share.measure) == ("actual", "share")
    assert one(text, book, "145").kind == "target"
    (start,) = [c for c in extract(text, book) if c.kind == "milestone"]
    assert (start.milestone, start.scope.name, start.period) == ("started", "康宁医药产业园", "2025年")


def test_a_size_before_the_thing_it_sizes_and_funds_won_are_results(book):
    text = "建设5万千瓦光伏项目，300MW电堆组装生产线高速运转。争取到各类政策性资金76.9亿元。新开工项目 12 个。"
    for printed in ("5", "300"):
        c = one(text, book, printed)
        assert (c.kind, c.indicator) == ("attribute", "capacity")
    assert one(text, book, "76.9").kind == "actual"
    assert one(text, book, "12").kind == "actual"
