"""Writing a ledger back out: what read_ledger reads from it is what was written, in XLSX and in CSV."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from investment.ledger import COLUMNS, UNDATED, LedgerBatch, LedgerDate, blank_template, read_ledger, write_ledger

from .builders import project

D = datetime.date
KEYS = [column.key for column in COLUMNS if column.key != "row_number"]


def full_rows() -> list[dict]:
    rows = [project(i)[1] for i in range(40)]
    rows.append(
        {
            "code": "0012",
            "name": "上党区 边界值项目\n（二期）",
            "company": None,
            "region": "上党区",
            "park": None,
            "industry_chain": None,
            "category": "ecology",
            "construction_type": "renovation",
            "priority_level": "district",
            "pool": "operating",
            "batch": LedgerBatch(2026, 12, "signed"),
            "total_investment": Decimal("0.01"),
            "annual_plan": Decimal("9999999999.99"),
            "ledger_ytd": Decimal(0),
            "planned_start": LedgerDate(D(2026, 1, 1), "year"),
            "actual_start": UNDATED,
            "planned_production": LedgerDate(D(2026, 12, 31), "day"),
            "actual_production": UNDATED,
            "in_statistics": False,
            "is_major": True,
            "leader": None,
            "responsible_unit": None,
            "officer": None,
            "liaison": None,
            "phone": "0355-5021234、13812345678",
            "description": "第一行\n第二行",
            "longitude": Decimal("135.9999999"),
            "latitude": Decimal("3.5"),
            "note": "备注：需协调用地",
        }
    )
    return [{key: row.get(key) for key in KEYS} for row in rows]


@pytest.mark.parametrize("format", ["xlsx", "csv"])
def test_write_then_read_gives_the_same_values_for_every_column(format):
    rows = full_rows()
    data = write_ledger(rows, format=format, year=2026, ytd_months=10)
    sheet = read_ledger(data, filename=f"out.{format}")
    assert sheet.errors == [] and sheet.warnings == []
    assert sheet.year == 2026 and sheet.ytd_months == 10
    assert set(sheet.columns) == {column.key for column in COLUMNS}
    assert [row.values for row in sheet.rows] == rows


def test_rows_read_are_rows_to_write():
    sheet = read_ledger(write_ledger(full_rows()), filename="a.xlsx")
    again = read_ledger(write_ledger(sheet.rows), filename="b.xlsx")
    assert [row.values for row in again.rows] == [row.values for row in sheet.rows]


def test_headers_say_wan_yuan_and_dates_are_written_at_their_precision():
    workbook = openpyxl.load_workbook(io.BytesIO(write_ledger(full_rows(), year=2026, ytd_months=10)))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[2]]
    assert headers[:3] == ["序号", "项目编号", "项目名称"]
    assert "总投资（万元）" in headers and "2026年计划投资（万元）" in headers and "1-10月完成投资（万元）" in headers
    by_header = dict(zip(headers, sheet[3], strict=True))
    assert by_header["计划开工时间"].value == "2025年3月"
    assert by_header["三个一批批次"].value == "2026年第一批开工"
    assert by_header["四库"].value == "谋划库"
    assert by_header["实际开工时间"].value == "已开工"
    assert sheet["A1"].value == "上党区2026年重大项目建设台账"
    last = dict(zip(headers, sheet[sheet.max_row], strict=True))
    assert last["计划开工时间"].value == "2026年" and last["计划投产时间"].value == "2026-12-31"
    assert last["实际投产时间"].value == "已投产"


def test_xlsx_has_dropdowns_for_the_choice_columns():
    sheet = openpyxl.load_workbook(io.BytesIO(blank_template())).active
    headers = [cell.value for cell in sheet[2]]
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        index = openpyxl.utils.column_index_from_string(column) - 1
        lists[headers[index]] = validation.formula1
    assert lists == {
        "项目类别": '"产业,基础设施,民生,生态,服务业"',
        "建设性质": '"新建,续建,扩建,技改"',
        "项目级别": '"省级重点,市级重点,区级重点"',
        "四库": '"谋划库,储备库,建设库,达产达效库"',
        "是否入库入统": '"是,否"',
        "是否重大项目": '"是,否"',
    }


def test_csv_starts_with_a_utf8_bom():
    data = write_ledger(full_rows()[:1], format="csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0].startswith("序号,项目编号,项目名称")


@pytest.mark.parametrize("format", ["xlsx", "csv"])
def test_the_template_reads_as_an_empty_ledger_with_every_column(format):
    sheet = read_ledger(blank_template(format=format), filename=f"template.{format}")
    assert sheet.errors == [] and sheet.warnings == [] and sheet.rows == []
    assert set(sheet.columns) == {column.key for column in COLUMNS}


def test_an_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError):
        write_ledger([], format="pdf")


@pytest.mark.parametrize("format", ["xlsx", "csv"])
def test_formula_like_text_and_control_characters_cannot_harm_the_export(format):
    rows = [{"name": '=HYPERLINK("http://example.org")项目', "note": "备注\x0b含控制字符", "description": "+1 新建"}]
    content = write_ledger(rows, format=format)
    if format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = [c for row in sheet.iter_rows() for c in row if c.value and str(c.value).startswith("=")]
        assert cells and all(c.data_type == "s" for c in cells)  # a text cell, never a formula
    else:
        assert "'=HYPERLINK" in content.decode("utf-8-sig")
    (row,) = read_ledger(content, filename=f"x.{format}").rows
    assert row.values["name"] == rows[0]["name"]
    assert row.values["description"] == "+1 新建"
    assert row.values["note"] == "备注含控制字符"
