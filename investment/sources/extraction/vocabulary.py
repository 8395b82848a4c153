"""The words the extractor reads a figure's kind, comparator, milestone and indicator from.

Kept in one place so that a reviewer who sees a figure misread can add the word that was missing.
"""

from __future__ import annotations

import functools

from ..curation import COUNT_UNITS, UNITS, load_indicators

# Unit spellings as they appear in the normalised text (no spaces), longest first in the regex.
UNIT_SPELLINGS = sorted({u.replace(" ", "") for u in UNITS} | COUNT_UNITS, key=len, reverse=True)

COMPARATOR_BEFORE = [
    ("不低于", ">="),
    ("不少于", ">="),
    ("超过", ">="),
    ("突破", ">="),
    ("超", ">="),
    ("逾", ">="),
    ("不超过", "<="),
    ("不到", "<="),
    ("将近", "~"),
    ("接近", "~"),
    ("大约", "~"),
    ("近", "~"),
    ("约", "~"),
]
COMPARATOR_AFTER = [
    ("以上", ">="),
    ("余", ">="),
    ("多", ">="),
    ("以内", "<="),
    ("以下", "<="),
    ("内", "<="),
    ("左右", "~"),
    ("级", "~"),  # 百亿级: of that order
]

# A plan or a goal: anywhere before the figure in its sentence (计划2025年完成投资10亿元以上) …
TARGET_WORDS = (
    "目标",
    "力争",
    "计划",
    "预计",
    "预期",
    "争取",
    "确保",
    "力促",
    "拟",
    "届时",
    "规划",
    "预测",
    "未来",
    "达产后",
    "建成后",
    "投运后",
    "投产后",
)
# Words that contain a target word but name a thing (the year's plan) or a result (争取到), not an intention.
NOT_TARGET_WORDS = ("年度计划", "投资计划", "目标任务", "争取到")
# A figure followed by one of these in its clause is the size of that thing (5万千瓦光伏项目, 300MW生产线).
THING_NOUNS = ("项目", "生产线", "工程", "产线")
# … or, for words that also mean something else (将 also marks an object: 将项目建设作为…), in its clause.
CLAUSE_TARGET_WORDS = ("将", "要")
# A result: beats a target word further back in the sentence (今年目标…，截至目前已…).
ACTUAL_WORDS = ("已", "累计", "截至", "共有", "现有", "目前")
# What was done, in the clause: 完成固定资产投资85.6亿元 is a result, not the size of a thing.
RESULT_WORDS = ("完成", "实现", "新增", "达到", "累计")
GROWTH_WORDS = ("增长", "同比", "增速", "提高", "提升", "上升", "下降", "降低", "减少", "增加", "上涨", "回落", "增幅")
SHARE_WORDS = ("占比", "比重", "占")
# A fact about a thing: its size, cost or capacity.
ATTRIBUTE_WORDS = (
    "总投资",
    "计划投资",
    "投资",
    "占地",
    "面积",
    "建筑面积",
    "产能",
    "年产",
    "日产",
    "规模",
    "装机",
    "容量",
    "全长",
    "长约",
    "处理能力",
    "能力",
    "现有",
    "年供水量",
)
# What a count of ideas rather than things is about (七个方面主抓手, 三项重点改革, 五个统一).
ABSTRACT_NOUNS = (
    "方面",
    "抓手",
    "举措",
    "重点改革",
    "改革",
    "行动",
    "机制",
    "体系",
    "理念",
    "任务",
    "工作法",
    "统一",
    "一体化",
    "必须",
    "原则",
    "坚持",
    "导向",
    "思路",
    "转变",
    "战略",
    "精神",
)
RANK_SCOPES = ("全国", "全省", "全市", "全区", "全县", "省内", "市内", "同类", "同行业", "各县区")
RANK_VERBS = ("排名", "排", "位居", "位列", "名列", "居", "列")

# Milestone verbs → Milestone kinds (projects.models.Milestone, curation MILESTONE_KINDS).
MILESTONE_VERBS = [
    ("建成投产", "in_production"),
    ("竣工投产", "in_production"),
    ("签约", "signed"),
    ("摘牌", "land_granted"),
    ("拿地", "land_granted"),
    ("供地", "land_granted"),
    ("开工", "started"),
    ("动工", "started"),
    ("开建", "started"),
    ("启动建设", "started"),
    ("封顶", "topped_out"),
    ("试生产", "in_production"),
    ("投产", "in_production"),
    ("投用", "in_production"),
    ("投运", "in_production"),
    ("投入运营", "in_production"),
    ("投入使用", "in_production"),
    ("运营", "in_production"),
    ("开业", "in_production"),
    ("下线", "in_production"),
    ("达产", "at_capacity"),
    ("达效", "at_capacity"),
    ("竣工", "completed"),
    ("完工", "completed"),
    ("建成", "completed"),
    ("通车", "completed"),
    ("交付", "completed"),
]

# Words that name an indicator, beyond its name in indicators.yaml. The nearest one before the figure
# wins; the indicator's unit must fit the figure's (a growth rate fits any level indicator).
INDICATOR_WORDS: dict[str, tuple[str, ...]] = {
    "fixed_asset_investment": ("固定资产投资", "固投"),
    "industrial_investment": ("工业投资", "产业项目投资"),
    "transformation_investment": ("转型项目投资",),
    "infrastructure_investment": ("基础设施投资", "基础设施建设投资", "基础设施和公共服务项目完成投资"),
    "project_investment": ("累计完成投资", "项目投资"),
    "total_investment": ("总投资", "计划总投资"),
    "annual_planned_investment": ("年度计划投资", "年度投资计划"),
    "signed_amount": ("签约额", "签约金额", "签约资金"),
    "signed_projects": ("签约项目",),
    "projects_started": ("开工项目", "开工建设项目", "新开工项目"),
    "projects_in_production": ("投产项目", "竣工投产"),
    "project_count": ("项目",),
    "signed_to_started_rate": ("开工率",),
    "started_to_production_rate": ("投产率",),
    "production_to_capacity_rate": ("达效率",),
    "industrial_value_added": ("规上工业增加值", "规模以上工业增加值", "工业增加值"),
    "gdp": ("地区生产总值", "GDP"),
    "retail_sales": ("社会消费品零售总额", "社零"),
    "fiscal_revenue": ("一般公共预算收入",),
    "policy_funds": ("政策资金", "政策性资金", "扶持资金", "争取资金"),
    "output_value": ("产值",),
    "revenue": ("营收", "营业收入", "销售收入"),
    "tax": ("税收",),
    "profit": ("利润",),
    "capacity": ("产能", "年产", "日产", "装机", "处理能力", "生产线", "供水量"),
    "floor_area": ("建筑面积", "厂房"),
    "land_area": ("占地", "用地面积"),
    "jobs": ("就业岗位", "岗位"),
    "enterprises": ("企业",),
    "output_volume": ("产量",),
    "sales_volume": ("销量",),
    "coal_output": ("原煤产量", "原煤"),
    "grain_sown_area": ("粮食种植面积",),
    "development_zones": ("开发区",),
    "platform_companies": ("平台公司",),
    "land_parcels_granted": ("标准地", "宗地"),
    "land_granted_area": ("出让面积",),
}


@functools.cache
def indicator_vocabulary() -> tuple[tuple[str, str, str | None], ...]:
    """(word, indicator code, the indicator's unit) for every word, longest first; only codes in indicators.yaml."""
    rows = []
    for item in load_indicators():
        code, unit = item["code"], item.get("unit")
        for word in {item["name_zh"], *INDICATOR_WORDS.get(code, ())}:
            rows.append((word, code, unit))
    return tuple(sorted(rows, key=lambda r: len(r[0]), reverse=True))
