"""Reading a district's ledger: the header found under a title, sections and totals skipped, every cell error kept."""

import datetime
import io
import time
from decimal import Decimal

import openpyxl
import pytest

from investment.ledger import COLUMNS, MAX_COLUMNS, MAX_DATA_ROWS, LedgerDate, read_ledger
from investment.ledger import reader as ledger_reader

from .builders import HEADERS, realistic_ledger, xlsx

D = datetime.date


@pytest.fixture(scope="module")
def realistic():
    data, expected, skipped = realistic_ledger(300)
    return read_ledger(data, filename="上党区台账.xlsx"), expected, skipped


def test_a_realistic_ledger_reads_cleanly(realistic):
    sheet, expected, skipped = realistic
    assert sheet.errors == []
    assert sheet.warnings == []
    assert sheet.header_row == 3
    assert sheet.year == 2026
    assert sheet.ytd_months == 10
    assert sheet.sheet_name == "重大项目"
    assert len(sheet.rows) == 300
    assert [row.line for row in sheet.rows] == sorted(expected)
    assert {reason: count for reason, count in sheet.skipped.items() if count} == skipped
    assert set(sheet.columns) == set(HEADERS)
    assert sheet.columns["total_investment"] == "总投资\n（亿元）"


@pytest.mark.parametrize("index", [0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 49, 50, 150, 199, 200, 201, 250, 299])
def test_sampled_rows_have_the_right_values(realistic, index):
    sheet, expected, _skipped = realistic
    row = sheet.rows[index]
    assert row.values == expected[row.line]


def test_values_have_the_contract_types(realistic):
    sheet, _expected, _skipped = realistic
    row = sheet.rows[0]
    assert isinstance(row.values["total_investment"], Decimal)
    assert row.values["planned_start"] == LedgerDate(D(2025, 3, 1), "month")
    assert row.raw["total_investment"] == "12.5"
    assert row.raw["code"] == "SD２０２６０００１"
    assert "row_number" not in row.values and row.raw["row_number"] == "1"


def test_reading_300_rows_is_quick(realistic):
    data, _expected, _skipped = realistic_ledger(300)
    started = time.perf_counter()
    read_ledger(data, filename="a.xlsx")
    assert time.perf_counter() - started < 5


BAD_HEADER = ["序号", "项目编号", "项目名称", "总投资（万元）", "计划开工时间", "四库", "项目级别", "经度", "纬度"]


def test_every_bad_cell_is_reported_by_line_column_and_reason_in_one_pass():
    data = xlsx(
        [
            ["上党区2026年重大项目建设台账"],
            BAD_HEADER,
            [1, "A1", "好项目", "1000", "2025年3月", "建设库", "省级重点", 113.1, 36.1],
            [2, "A2", "坏金额", "一千万", "2025年3月", "建设库", "省级重点", 113.1, 36.1],
            [3, "A3", "负金额", "-5", "2025年3月", "建设库", "省级重点", 113.1, 36.1],
            [4, "A4", "坏日期", "100", "2025年13月", "建设库", "省级重点", 113.1, 36.1],
            [5, "A5", "坏库", "100", "2025年3月", "金库", "省级重点", 113.1, 36.1],
            [6, "A6", "坏级别", "100", "2025年3月", "建设库", "国家级", 113.1, 36.1],
            [7, "A7", "经纬度反了", "100", "2025年3月", "建设库", "市级", 36.1, 113.1],
            [8, "A8", None, "100", "2025年3月", "建设库", "区级", 113.1, 36.1],
            [9, "A9", "多处错误", "abc", "2025-02-30", "建设库", "区级", 2.35, 48.85],
            [10, "A1", "好项目", "100", None, None, None, None, None],
        ],
        merge="A1:I1",
    )
    sheet = read_ledger(data, filename="bad.xlsx")
    found = [(error.line, error.column, error.key, error.value, error.message) for error in sheet.errors]
    assert found == [
        (4, "总投资（万元）", "total_investment", "一千万", "不是有效的金额"),
        (5, "总投资（万元）", "total_investment", "-5", "金额不能为负数"),
        (6, "计划开工时间", "planned_start", "2025年13月", "月份应在1-12之间"),
        (7, "四库", "pool", "金库", "无法识别“金库”，应为：谋划库、储备库、建设库、达产达效库"),
        (8, "项目级别", "priority_level", "国家级", "无法识别“国家级”，应为：省级重点、市级重点、区级重点"),
        (9, "经度", "longitude", "36.1", "经度和纬度填反了"),
        (10, "项目名称", "name", "", "项目名称不能为空"),
        (11, "总投资（万元）", "total_investment", "abc", "不是有效的金额"),
        (11, "计划开工时间", "planned_start", "2025-02-30", "日期不存在"),
        (11, "经度", "longitude", "2.35", "经纬度不在中国境内"),
        (12, "项目编号", "code", "A1", "与第3行重复"),
        (12, "项目名称", "name", "好项目", "与第3行重复"),
    ]
    assert len(sheet.rows) == 10
    good, bad_money = sheet.rows[0], sheet.rows[1]
    assert good.values["total_investment"] == Decimal(1000)
    assert "total_investment" not in bad_money.values and bad_money.values["pool"] == "construction"
    swapped = sheet.rows[6]
    assert "longitude" not in swapped.values and "latitude" not in swapped.values
    assert str(sheet.errors[0]) == "第4行“总投资（万元）”：不是有效的金额"
    assert sorted(sheet.errors_by_line()) == [4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert not sheet.fatal


def test_a_sheet_without_a_project_name_column_is_refused():
    sheet = read_ledger(
        xlsx([["项目编号", "建设单位", "总投资", "四库"], ["A1", "某公司", 1, "建设库"]]), filename="a.xlsx"
    )
    assert sheet.fatal and sheet.rows == []
    assert [error.message for error in sheet.errors] == ["缺少必填列“项目名称”"]


def test_a_sheet_without_a_header_is_refused():
    sheet = read_ledger(xlsx([["a", "b", "c"], [1, 2, 3]]), filename="a.xlsx")
    assert sheet.fatal
    assert "未找到表头" in sheet.errors[0].message


def test_unknown_and_repeated_columns_are_warnings():
    data = xlsx(
        [
            ["项目名称", "形象进度", "开工时间", "实际开工时间", "四库"],
            ["甲项目", "主体封顶", "2025年3月", "2025年4月", "建设库"],
        ]
    )
    sheet = read_ledger(data, filename="a.xlsx")
    assert sheet.errors == []
    assert sheet.warnings == ["未识别的列“形象进度”（第2列），已忽略", "列“实际开工时间”与“开工时间”重复，已忽略后者"]
    assert sheet.rows[0].values == {
        "name": "甲项目",
        "actual_start": LedgerDate(D(2025, 3, 1), "month"),
        "pool": "construction",
    }


def test_a_two_row_header_under_a_merged_group_takes_its_unit():
    rows = [
        ["序号", "项目名称", "投资情况（亿元）", None, None, "四库"],
        [None, None, "总投资", "2026年计划投资", "1-9月完成投资", None],
        [1, "甲项目", 1.5, 0.5, 0.25, "建设库"],
    ]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("C1:E1")
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:B2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_ledger(buffer.getvalue(), filename="a.xlsx")
    assert result.errors == [] and result.warnings == []
    assert result.rows[0].line == 3
    assert result.rows[0].values == {
        "name": "甲项目",
        "total_investment": Decimal(15000),
        "annual_plan": Decimal(5000),
        "ledger_ytd": Decimal(2500),
        "pool": "construction",
    }
    assert result.year == 2026 and result.ytd_months == 9


def test_the_callers_year_wins_and_a_different_sheet_year_is_a_warning():
    data = xlsx([["项目名称", "2025年计划投资", "批次"], ["甲项目", 100, "第二批开工"]])
    sheet = read_ledger(data, filename="a.xlsx", year=2026)
    assert sheet.year == 2026
    assert sheet.rows[0].values["batch"].year == 2026
    assert sheet.warnings == ["表中年份为2025年，与所选的2026年不一致，按2026年读取"]


def _csv(text: str, encoding: str) -> bytes:
    return text.encode(encoding)


CSV_TEXT = (
    "项目编号,项目名称,总投资（亿元）,四库,计划开工时间\n"
    'A1,上党区甲项目,"1,234.5",建设库,2025年3月\n'
    "A2,上党区乙项目,２．５,谋划,2025.03.15\n"
)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk(encoding):
    sheet = read_ledger(_csv(CSV_TEXT, encoding), filename="台账.csv")
    assert sheet.errors == []
    assert sheet.header_row == 1
    assert [row.values for row in sheet.rows] == [
        {
            "code": "A1",
            "name": "上党区甲项目",
            "total_investment": Decimal("12345000"),
            "pool": "construction",
            "planned_start": LedgerDate(D(2025, 3, 1), "month"),
        },
        {
            "code": "A2",
            "name": "上党区乙项目",
            "total_investment": Decimal("25000"),
            "pool": "planning",
            "planned_start": LedgerDate(D(2025, 3, 15), "day"),
        },
    ]
    assert [row.line for row in sheet.rows] == [2, 3]


def test_a_file_too_large_is_refused_before_reading():
    sheet = read_ledger(b"a" * (10 * 1024 * 1024 + 1), filename="big.csv")
    assert sheet.fatal and sheet.errors[0].message == "文件超过10MB，请拆分后再导入"


def test_too_many_rows_are_refused_in_xlsx():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["序号", "项目名称", "四库"])
    for number in range(1, MAX_DATA_ROWS + 20):
        sheet.append([number, f"项目{number}", "建设库"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    started = time.perf_counter()
    result = read_ledger(buffer.getvalue(), filename="a.xlsx")
    assert result.fatal and result.rows == []
    assert result.errors[0].message == "数据超过20000行，请拆分后再导入"
    assert time.perf_counter() - started < 30


def test_a_million_row_csv_stops_at_the_bound(monkeypatch):
    # A million rows (5 MB, under the size bound) cost no more than the row bound: no row is parsed.
    parsed = []
    original = ledger_reader._read_row

    def counting(*args):
        parsed.append(1)
        return original(*args)

    monkeypatch.setattr(ledger_reader, "_read_row", counting)
    text = "项目名称,四库,总投资\n" + "x,,1\n" * 1_000_000
    started = time.perf_counter()
    result = read_ledger(text.encode(), filename="a.csv")
    assert result.errors[0].message == "数据超过20000行，请拆分后再导入"
    assert parsed == []
    assert time.perf_counter() - started < 10


def test_too_many_columns_are_refused():
    header = ["项目名称", "四库", "总投资"] + [f"列{n}" for n in range(MAX_COLUMNS)]
    sheet = read_ledger(xlsx([header, ["甲"] * len(header)]), filename="a.xlsx")
    assert sheet.fatal and sheet.errors[0].message == "列数超过200列，请检查文件"


def test_trailing_blank_rows_end_the_sheet():
    rows = [["项目名称", "四库", "总投资"], ["甲项目", "建设库", 1]] + [[None]] * 2000 + [["乙项目", "建设库", 2]]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            sheet.cell(number, column, value).number_format = "0.00"  # formatted but empty, as Excel leaves them
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_ledger(buffer.getvalue(), filename="a.xlsx")
    assert [row.values["name"] for row in result.rows] == ["甲项目"]


def test_old_xls_and_other_files_are_refused_with_a_hint():
    assert "另存为.xlsx" in read_ledger(b"\xd0\xcf\x11\xe0", filename="a.xls").errors[0].message
    assert "不支持的文件类型" in read_ledger(b"abc", filename="a.pdf").errors[0].message
    assert "无法读取" in read_ledger(b"PK\x03\x04broken", filename="a.xlsx").errors[0].message


def test_reads_from_a_file_object_and_a_path(tmp_path):
    data = _csv(CSV_TEXT, "utf-8-sig")
    assert len(read_ledger(io.BytesIO(data), filename="a.csv").rows) == 2
    path = tmp_path / "a.csv"
    path.write_bytes(data)
    assert len(read_ledger(path, filename=path.name).rows) == 2


def test_every_column_has_a_header_the_reader_knows():
    for column in COLUMNS:
        assert (
            read_ledger(xlsx([["项目名称", "四库", "总投资", column.header]]), filename="a.xlsx").columns.get(
                column.key
            )
            == column.header
        )


def test_a_row_of_column_numbers_and_numbered_empty_rows_are_skipped():
    data = xlsx(
        [
            ["序号", "项目名称", "四库", "总投资"],
            [1, 2, 3, 4],
            [1, "甲项目", "建设库", 10],
            [2],
            [3],
            ["注：金额单位为万元"],
        ]
    )
    sheet = read_ledger(data, filename="a.xlsx")
    assert [row.values["name"] for row in sheet.rows] == ["甲项目"]
    assert sheet.errors == []
    assert {reason: count for reason, count in sheet.skipped.items() if count} == {
        "column_numbers": 1,
        "blank": 2,
        "note": 1,
    }


def test_messages_follow_the_active_language():
    from django.utils import translation

    data = xlsx([["项目名称", "四库", "总投资"], ["甲项目", "金库", "-1"]])
    with translation.override("en"):
        sheet = read_ledger(data, filename="a.xlsx")
    assert [error.message for error in sheet.errors] == [
        "“金库” is not one of: 谋划库、储备库、建设库、达产达效库",
        "The amount cannot be negative",
    ]
