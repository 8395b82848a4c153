"""Write rows back out as a ledger (XLSX or CSV) in the columns ``read_ledger`` reads, and the blank template."""

import csv
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from shangdang_portal.export import csv_safe, xlsx_safe_row

from . import cells
from .columns import COLUMNS, Column

TITLE = "上党区重大项目建设台账"
# Dropdowns cover at least this many rows, so a clerk adding projects under a short export still gets them.
VALIDATION_ROWS = 1000


def header_text(column: Column, *, year: int | None = None, ytd_months: int | None = None) -> str:
    """The header the writer prints: money says 万元, the plan names its year, the year-to-date its months."""
    header = column.header
    if column.key == "annual_plan" and year:
        header = f"{year}年计划投资"
    elif column.key == "ledger_ytd" and ytd_months:
        header = f"1-{ytd_months}月完成投资"
    if column.kind == "money":
        header += "（万元）"
    return header


def cell_text(column: Column, value) -> str:
    """One value as the ledger writes it (the same text in XLSX and CSV, except money and coordinates in XLSX)."""
    if value is None:
        return ""
    if column.kind == "date":
        return cells.format_date(value, done_word=column.done_word or "已开工")
    if column.kind == "batch":
        return cells.format_batch(value)
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind == "choice":
        return dict(column.choices).get(value, str(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _values(row) -> Mapping:
    return row.values if hasattr(row, "values") and not isinstance(row, Mapping) else row


def _cells(rows: Iterable, columns: list[Column]):
    for number, row in enumerate(rows, start=1):
        values = _values(row)
        out = []
        for column in columns:
            if column.key == "row_number":
                out.append(number)
                continue
            value = values.get(column.key)
            if column.kind in ("money", "coordinate") and isinstance(value, Decimal):
                out.append(value)  # a number, so the sheet can sum it
            else:
                out.append(cell_text(column, value))
        yield out


def write_ledger(
    rows: Iterable,
    *,
    format: str = "xlsx",
    year: int | None = None,
    ytd_months: int | None = None,
    title: str | None = None,
) -> bytes:
    """Rows (``LedgerRow`` or mappings of column key → value, as ``read_ledger`` returns them) → file bytes.

    Reading the result with ``read_ledger`` gives the same values. ``year`` names the plan column
    ("2026年计划投资"), ``ytd_months`` the year-to-date column ("1-10月完成投资").
    """
    headers = [header_text(column, year=year, ytd_months=ytd_months) for column in COLUMNS]
    if format == "csv":
        return _write_csv(rows, headers)
    if format == "xlsx":
        return _write_xlsx(rows, headers, title or (f"上党区{year}年重大项目建设台账" if year else TITLE))
    raise ValueError(f"unknown ledger format {format!r}")


def blank_template(*, format: str = "xlsx", year: int | None = None, ytd_months: int | None = None) -> bytes:
    """An empty ledger with every column, for districts to fill in."""
    return write_ledger([], format=format, year=year, ytd_months=ytd_months)


def _write_csv(rows, headers) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for out in _cells(rows, COLUMNS):
        # Text that Excel would run as a formula gets the apostrophe Excel itself uses; the reader drops it.
        writer.writerow([format(value, "f") if isinstance(value, Decimal) else csv_safe(value) for value in out])
    # The BOM makes Excel on Chinese Windows open UTF-8 instead of guessing GBK.
    return buffer.getvalue().encode("utf-8-sig")


def _write_xlsx(rows, headers, title) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "台账"
    last_column = get_column_letter(len(COLUMNS))
    sheet.append([title])
    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    count = 0
    for out in _cells(rows, COLUMNS):
        # Formula-like text stays a text cell; control characters a cell cannot hold are dropped.
        sheet.append(xlsx_safe_row(sheet, out))
        count += 1
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 30 if column.key in ("name", "description", "company") else 14
        if column.kind in ("money", "coordinate", "date", "batch"):
            continue
        for cell in sheet[letter][2:]:
            cell.number_format = "@"  # text, so codes and phone numbers keep their leading zeros
    last_row = 2 + max(count, VALIDATION_ROWS)
    for index, column in enumerate(COLUMNS, start=1):
        if column.kind == "choice":
            options = [label for _code, label in column.choices]
        elif column.kind == "bool":
            options = ["是", "否"]
        else:
            continue
        letter = get_column_letter(index)
        validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        validation.error = f"请从下拉列表中选择{column.header}"
        validation.errorTitle = column.header
        validation.add(f"{letter}3:{letter}{last_row}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "C3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
