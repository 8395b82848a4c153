"""Ledgers built the way district offices make them, for the reader's tests."""

import datetime
import io
import random
from decimal import Decimal

import openpyxl

from investment.ledger import UNDATED, LedgerBatch, LedgerDate

D = datetime.date
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")

# Headers in the order a district happened to use, with its own synonyms and 亿元 for total investment.
HEADERS = {
    "row_number": "序号",
    "name": "项目名称",
    "company": "项目单位",
    "region": "所在县区",
    "park": "园区",
    "industry_chain": "产业链",
    "category": "项目类别",
    "construction_type": "项目性质",
    "priority_level": "重点级别",
    "pool": "所属库",
    "batch": "批次",
    "total_investment": "总投资\n（亿元）",
    "annual_plan": "2026年计划投资（万元）",
    "ledger_ytd": "1-10月完成投资",
    "planned_start": "计划开工时间",
    "actual_start": "开工时间",
    "planned_production": "计划投产日期",
    "actual_production": "实际投产时间",
    "in_statistics": "是否入库入统",
    "leader": "包联领导",
    "responsible_unit": "责任单位",
    "officer": "责任人",
    "liaison": "联络员",
    "phone": "联系电话",
    "description": "建设内容及规模",
    "longitude": "经度",
    "latitude": "纬度",
    "code": "项目编号",
    "note": "备注",
}

PARKS = ["现代物流园", "医药健康产业园", "先进装备制造园"]
CHAINS = ["绿色煤炭", "数字装备制造", "医药", "新能源汽车", "光伏组件", "资源循环利用"]
CATEGORIES = [
    ("产业", "industry"),
    ("产业项目", "industry"),
    ("基础设施", "infrastructure"),
    ("民生", "public_welfare"),
]
TYPES = [("新建", "new"), ("续建", "continuing"), ("扩建", "expansion"), ("技改", "renovation")]
LEVELS = [("省级重点", "provincial"), ("市级", "city"), ("区级重点", "district")]
POOLS = [("谋划库", "planning"), ("储备", "reserve"), ("建设库", "construction"), ("达产达效库", "operating")]
BATCHES = [
    ("2026年第一批开工", LedgerBatch(2026, 1, "started")),
    ("2026年第二批签约", LedgerBatch(2026, 2, "signed")),
    ("第三批投产", LedgerBatch(2026, 3, "in_production")),  # the year comes from the sheet
    ("", None),
]
TOTALS = [  # (cell, Decimal in 万元) under a 亿元 header
    (12.5, Decimal("125000")),
    ("１２．３４", Decimal("123400")),
    ("1,234.5", Decimal("12345000")),
    (3, Decimal("30000")),
    ("—", None),
]
PLANS = [
    ("12,345.67", Decimal("12345.67")),
    (0.1 + 0.2, Decimal("0.30")),
    (5000, Decimal("5000")),
    (" 800 ", Decimal(800)),
]
PLANNED_STARTS = [
    ("2025年3月", LedgerDate(D(2025, 3, 1), "month")),
    ("2025年3月15日", LedgerDate(D(2025, 3, 15), "day")),
    ("2025.3", LedgerDate(D(2025, 3, 1), "month")),
    ("2025.03.15", LedgerDate(D(2025, 3, 15), "day")),
    ("2025-03-15", LedgerDate(D(2025, 3, 15), "day")),
    ("2025/3/15", LedgerDate(D(2025, 3, 15), "day")),
    ("2025年", LedgerDate(D(2025, 1, 1), "year")),
    (datetime.datetime(2025, 3, 15), LedgerDate(D(2025, 3, 15), "day")),
    (45731, LedgerDate(D(2025, 3, 15), "day")),  # an Excel serial number
    ("二〇二五年三月", LedgerDate(D(2025, 3, 1), "month")),
    ("２０２５年４月", LedgerDate(D(2025, 4, 1), "month")),
]
ACTUAL_STARTS = [("已开工", UNDATED), (datetime.datetime(2026, 4, 8), LedgerDate(D(2026, 4, 8), "day")), ("", None)]
PRODUCTIONS = [("2027年6月底", LedgerDate(D(2027, 6, 1), "month")), ("2027年", LedgerDate(D(2027, 1, 1), "year"))]
FLAGS = [("✓", True), ("是", True), ("否", False), ("√", True), ("×", False), ("", None)]


def project(i: int) -> tuple[dict, dict]:
    """The cells of the i-th project (by header key) and the values the reader should give for them."""
    code = f"SD2026{i + 1:04d}"
    cells = {
        "row_number": i + 1,
        "code": code.translate(FULL_WIDTH) if i % 7 == 0 else code,
        "name": f"上党区第{i + 1}号示范项目（一期）",
        "company": f"长治市示范{i}有限公司 ",
        "region": "上党区",
        "park": PARKS[i % 3],
        "industry_chain": CHAINS[i % 6],
        "category": CATEGORIES[i % 4][0],
        "construction_type": TYPES[i % 4][0],
        "priority_level": LEVELS[i % 3][0],
        "pool": POOLS[i % 4][0],
        "batch": BATCHES[i % 4][0],
        "total_investment": TOTALS[i % 5][0],
        "annual_plan": PLANS[i % 4][0],
        "ledger_ytd": i * 10.5,
        "planned_start": PLANNED_STARTS[i % len(PLANNED_STARTS)][0],
        "actual_start": ACTUAL_STARTS[i % 3][0],
        "planned_production": PRODUCTIONS[i % 2][0],
        "actual_production": "已投产" if i % 10 == 0 else None,
        "in_statistics": FLAGS[i % 6][0],
        "leader": "张三（区委常委、副区长）",
        "responsible_unit": "区发改局",
        "officer": "李四",
        "liaison": "王五",
        "phone": 13812345678 if i % 2 else "0355-5021234",
        "description": "新建厂房2万平方米\n购置设备100台（套）",
        "longitude": round(113.05 + i / 10000, 4),
        "latitude": "36.1" if i % 2 else 36.05,
        "note": None,
    }
    values = {
        "code": code,
        "name": cells["name"],
        "company": f"长治市示范{i}有限公司",
        "region": "上党区",
        "park": PARKS[i % 3],
        "industry_chain": CHAINS[i % 6],
        "category": CATEGORIES[i % 4][1],
        "construction_type": TYPES[i % 4][1],
        "priority_level": LEVELS[i % 3][1],
        "pool": POOLS[i % 4][1],
        "batch": BATCHES[i % 4][1],
        "total_investment": TOTALS[i % 5][1],
        "annual_plan": PLANS[i % 4][1],
        "ledger_ytd": Decimal(repr(i * 10.5)),
        "planned_start": PLANNED_STARTS[i % len(PLANNED_STARTS)][1],
        "actual_start": ACTUAL_STARTS[i % 3][1],
        "planned_production": PRODUCTIONS[i % 2][1],
        "actual_production": UNDATED if i % 10 == 0 else None,
        "in_statistics": FLAGS[i % 6][1],
        "leader": "张三（区委常委、副区长）",
        "responsible_unit": "区发改局",
        "officer": "李四",
        "liaison": "王五",
        "phone": "13812345678" if i % 2 else "0355-5021234",
        "description": "新建厂房2万平方米\n购置设备100台（套）",
        "longitude": Decimal(repr(round(113.05 + i / 10000, 4))),
        "latitude": Decimal("36.1") if i % 2 else Decimal("36.05"),
        "note": None,
    }
    return cells, values


def realistic_ledger(count: int = 300) -> tuple[bytes, dict[int, dict], dict[str, int]]:
    """A 上党区 ledger of ``count`` projects: (xlsx bytes, expected values by sheet line, expected skipped)."""
    keys = list(HEADERS)
    rest = keys[1:]
    random.Random(7).shuffle(rest)
    keys = [keys[0], *rest]  # 序号 first, the others in a district's own order
    width = len(keys)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "重大项目"
    sheet.append(["上党区2026年重大项目建设台账"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(["填报单位：上党区发展和改革局", None, None, None, None, "填报日期：2026年11月5日"])
    sheet.append([HEADERS[key] for key in keys])

    def put(cells: dict) -> int:
        sheet.append([cells.get(key) for key in keys])
        return sheet.max_row

    def section(number: str, title: str, total: int = 0) -> None:
        put({"row_number": number, "name": title, "total_investment": total or None})

    expected: dict[int, dict] = {}
    skipped = {"blank": 0, "section": 0, "total": 0}
    for i in range(count):
        if i == 0:
            sheet.append(["一、产业项目"])  # a heading alone in its row
            skipped["section"] += 1
        if i == 10:
            section("（一）", "新能源装备产业", 12345)  # a sub-heading with its own subtotal
            skipped["section"] += 1
        if i == count * 2 // 3:
            put({"row_number": None, "name": "小计", "total_investment": 999})
            skipped["total"] += 1
            section("二", "二、基础设施项目")
            skipped["section"] += 1
        if i and i % 50 == 0:
            sheet.append([])
            skipped["blank"] += 1
        cells, values = project(i)
        expected[put(cells)] = values
    put({"row_number": "合  计", "total_investment": 123456})
    skipped["total"] += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), expected, skipped


def xlsx(rows: list[list], *, merge: str | None = None) -> bytes:
    """A one-sheet workbook of the given rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
