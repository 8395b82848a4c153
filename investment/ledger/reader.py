"""Read a district's project ledger (台账, XLSX or CSV) into clean rows, with every error by row, column and reason.

The contract for whoever builds on it (matching, preview, saving):

- ``read_ledger(file, *, filename, year=None) -> LedgerSheet``; it never raises on bad content.
- ``LedgerSheet.rows``: one ``LedgerRow`` per project row, in sheet order. ``values`` has a key for every
  recognised column present in the sheet (see ``columns.COLUMNS``; not ``row_number``), ``None`` for an
  empty cell; a key whose cell could not be read is left out and its ``CellError`` is in ``errors``.
  ``raw`` holds every recognised cell as text ("" when empty), for showing and re-editing.
- ``LedgerSheet.errors``: every ``CellError``, in sheet order. ``line`` is the sheet's own 1-based row;
  ``line is None`` marks a sheet-level error (no header, no 项目名称 column, too large, unreadable), after
  which ``rows`` is empty.
- ``warnings`` (unknown or repeated columns, a year the header and the caller disagree on), ``skipped``
  (rows left out on purpose, counted by reason), ``header_row``, ``columns`` (key → header as written),
  ``year`` (the ledger's year) and ``ytd_months`` (N of the "1-N月完成投资" header).
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from shangdang_portal import spreadsheets

from . import cells
from .columns import (
    COLUMNS_BY_KEY,
    REQUIRED_KEYS,
    CellContext,
    Column,
    HeaderMatch,
    match_header,
    normalize_header,
)

LIMITS = spreadsheets.LEDGER
MAX_FILE_BYTES = LIMITS.max_bytes
MAX_DATA_ROWS = LIMITS.max_rows
MAX_COLUMNS = LIMITS.max_columns
HEADER_SCAN_ROWS = 15
MIN_HEADER_MATCHES = 3

# Why a row below the header is not a project: blank, a section heading (一、产业项目), a 合计/小计 row,
# a note (注：…), or the row of column numbers (1 2 3 …) some ledgers print under the header.
SKIP_REASONS = ("blank", "section", "total", "note", "column_numbers")

_ORDINAL = re.compile(r"[(]?[一二三四五六七八九十百]+[)]?[、.]?|第[一二三四五六七八九十]+部分")
_HEADING = re.compile(
    r"(?:[一二三四五六七八九十百]+[、.]|[(][一二三四五六七八九十百]+[)]|第[一二三四五六七八九十]+部分).*"
)
_TOTAL = re.compile(r"(?:总合计|合计|小计|总计|累计)(?:[(:].*)?")
_NOTE = re.compile(r"(?:注|说明|备注|填报|填表|制表|审核|单位[:])")
_TITLE_YEAR = re.compile(r"(\d{4})年")


@dataclass
class CellError:
    line: int | None  # the sheet's own 1-based row; None for a sheet-level error
    column: str  # the header as written ("" for a sheet-level error)
    key: str  # the column's key in code ("" when no column applies)
    value: str  # the raw cell text
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("第%(line)s行“%(column)s”：%(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class LedgerRow:
    line: int
    values: dict[str, Any]
    raw: dict[str, str]


@dataclass
class LedgerSheet:
    rows: list[LedgerRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SKIP_REASONS, 0))
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    year: int | None = None
    ytd_months: int | None = None
    sheet_name: str = ""

    @property
    def fatal(self) -> bool:
        """True when the sheet as a whole could not be read (then there are no rows)."""
        return any(error.line is None for error in self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_by_line(self) -> dict[int | None, list[CellError]]:
        grouped: dict[int | None, list[CellError]] = {}
        for error in self.errors:
            grouped.setdefault(error.line, []).append(error)
        return grouped


class _SheetError(Exception):
    """The whole sheet is refused; the message says why."""


@dataclass
class _Binding:
    column: Column
    index: int
    header: str
    context: CellContext
    months: int | None = None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return cells.number_text(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value).strip()


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    elif isinstance(file, str | PurePath):
        with open(file, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _SheetError(spreadsheets.file_too_large(LIMITS).message)
    if not data:
        raise _SheetError(_("文件是空的"))
    return data


def _bounded(rows):
    """Sheet rows as (line, values) within the ledger's limits (shangdang_portal.spreadsheets)."""
    try:
        yield from spreadsheets.bounded_rows(rows, LIMITS, above_data=HEADER_SCAN_ROWS)
    except spreadsheets.SheetTooLarge as refused:
        raise _SheetError(refused.message) from None


def _xlsx_sheets(data: bytes):
    try:
        workbook = spreadsheets.open_xlsx(data, LIMITS)
    except spreadsheets.SheetTooLarge as refused:
        raise _SheetError(refused.message) from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise _SheetError(_("无法读取该XLSX文件，请确认文件未损坏")) from None
    for worksheet in workbook.worksheets:
        yield worksheet.title, _bounded(spreadsheets.worksheet_rows(worksheet, LIMITS))


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312, which Excel on Chinese Windows writes.
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise _SheetError(_("无法识别CSV文件的编码，请另存为UTF-8或GBK编码")) from None


def _csv_sheets(data: bytes):
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    yield "", _bounded(csv.reader(io.StringIO(text, newline=""), dialect))


def _header_matches(row) -> dict[int, Any]:
    matches = {}
    for index, value in enumerate(row):
        if value is not None:
            found = match_header(value)
            if found is not None:
                matches[index] = found
    return matches


def _find_header(rows: list[tuple[int, tuple]]) -> int | None:
    """Index in ``rows`` of the first row naming enough known columns."""
    for position, (_line, row) in enumerate(rows[:HEADER_SCAN_ROWS]):
        matches = _header_matches(row)
        if len({found.column.key for found in matches.values()}) >= MIN_HEADER_MATCHES:
            return position
    return None


def _combined_header(rows, position) -> tuple[list, dict, int]:
    """The header cells, column by column, filling a two-row header from the row below or above.

    Returns (header texts, header matches, position of the last header row).
    """
    _line, row = rows[position]
    width = max(len(row), *(len(other) for _, other in rows[position : position + 2]))
    texts = [row[i] if i < len(row) else None for i in range(width)]
    matches = _header_matches(texts)
    last = position
    for neighbour in (position + 1, position - 1):
        if not 0 <= neighbour < len(rows) or abs(rows[neighbour][0] - rows[position][0]) != 1:
            continue
        other = rows[neighbour][1]
        other_matches = _header_matches(other)
        gaps = [i for i in other_matches if i not in matches]
        if neighbour > position and len(gaps) < 2:
            continue
        if neighbour < position and not gaps:
            continue
        upper = rows[position][1] if neighbour > position else other
        group = None  # a merged group header ("投资情况（亿元）") above the cells it spans
        for index in range(width):
            above = upper[index] if index < len(upper) else None
            if above not in (None, ""):
                group = above
            if index in other_matches and index not in matches:
                found = other_matches[index]
                if found.unit is None and group is not None and found.column.kind == "money":
                    unit = normalize_header(_cell_text(group))[1]
                    if unit:
                        found = HeaderMatch(found.column, unit, found.year, found.months)
                matches[index] = found
                texts[index] = other[index]
        if neighbour > position:
            last = neighbour
    return texts, matches, last


def _skip_reason(row, bindings_by_key) -> str | None:
    """Why a non-blank row below the header is not a project, or None when it is one."""
    filled = [(index, cells.normalize(_cell_text(value)).replace(" ", "")) for index, value in enumerate(row)]
    filled = [(index, text) for index, text in filled if text]
    texts = [text for _, text in filled]
    number_column = bindings_by_key["row_number"].index if "row_number" in bindings_by_key else None
    if (
        len(texts) >= 3
        and all(re.fullmatch(r"\d+", text) for text in texts)
        and [int(text) for text in texts] == list(range(int(texts[0]), int(texts[0]) + len(texts)))
    ):
        return "column_numbers"
    if any(_TOTAL.fullmatch(text) for text in texts[:3]):
        return "total"

    def cell(key):
        binding = bindings_by_key.get(key)
        if binding is None or binding.index >= len(row):
            return ""
        return cells.normalize(_cell_text(row[binding.index])).replace(" ", "")

    if _ORDINAL.fullmatch(cell("row_number")):
        return "section"
    if not cell("row_number") and _HEADING.fullmatch(cell("name")):
        return "section"
    if len(texts) == 1:
        if _HEADING.fullmatch(texts[0]):
            return "section"
        if _NOTE.match(texts[0]) and not cell("name"):
            return "note"
    if all(index == number_column for index, _ in filled):
        return "blank"  # a template row numbered in advance and never filled in
    return None


def read_ledger(file, *, filename: str, year: int | None = None) -> LedgerSheet:
    """Read a ledger from XLSX or CSV bytes, a file object or a path; ``filename`` tells the format."""
    sheet = LedgerSheet(year=year)
    try:
        _read(sheet, file, filename)
    except _SheetError as refused:
        sheet.rows = []
        sheet.errors = [error for error in sheet.errors if error.line is None]
        sheet.errors.append(CellError(None, "", "", "", str(refused)))
    return sheet


def _read(sheet: LedgerSheet, file, filename: str) -> None:
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xls":
        raise _SheetError(_("不支持旧版.xls格式，请在Excel中另存为.xlsx后再导入"))
    data = _read_bytes(file)
    if suffix in (".xlsx", ".xlsm") or (suffix != ".csv" and data[:4] == b"PK\x03\x04"):
        sheets = _xlsx_sheets(data)
    elif suffix in (".csv", ".txt", ""):
        sheets = _csv_sheets(data)
    else:
        raise _SheetError(_("不支持的文件类型“%(suffix)s”，请上传.xlsx或.csv文件") % {"suffix": suffix})

    for name, row_iter in sheets:
        head = []
        for item in row_iter:
            head.append(item)
            if len(head) >= HEADER_SCAN_ROWS:
                break
        position = _find_header(head)
        if position is None:
            continue
        sheet.sheet_name = name
        rows = head + list(row_iter)
        _read_rows(sheet, rows, position)
        return
    raise _SheetError(_("未找到表头：前%(rows)s行中没有一行包含“项目名称”等列名") % {"rows": HEADER_SCAN_ROWS})


def _bind_columns(sheet: LedgerSheet, texts, matches) -> tuple[list[_Binding], list[int]]:
    bindings: list[_Binding] = []
    seen: dict[str, _Binding] = {}
    header_years = []
    for index, text in enumerate(texts):
        written = _cell_text(text)
        if not written:
            continue
        found = matches.get(index)
        if found is None:
            sheet.warnings.append(
                _("未识别的列“%(header)s”（第%(index)s列），已忽略") % {"header": written, "index": index + 1}
            )
            continue
        key = found.column.key
        if key in seen:
            sheet.warnings.append(
                _("列“%(header)s”与“%(first)s”重复，已忽略后者") % {"header": written, "first": seen[key].header}
            )
            continue
        if found.year is not None:
            header_years.append(found.year)
        binding = _Binding(found.column, index, written, CellContext(unit=found.unit or "万元"), found.months)
        seen[key] = binding
        bindings.append(binding)
        sheet.columns[key] = written
        if key == "ledger_ytd":
            sheet.ytd_months = found.months
    return bindings, header_years


def _read_rows(sheet: LedgerSheet, rows, position) -> None:
    texts, matches, last = _combined_header(rows, position)
    sheet.header_row = rows[position][0]
    bindings, header_years = _bind_columns(sheet, texts, matches)
    missing = [key for key in REQUIRED_KEYS if key not in sheet.columns]
    if missing:
        raise _SheetError(
            _("缺少必填列“%(header)s”") % {"header": "、".join(COLUMNS_BY_KEY[key].header for key in missing)}
        )

    title_years = [
        int(match)
        for _line, row in rows[:position]
        for value in row
        if isinstance(value, str)
        for match in _TITLE_YEAR.findall(cells.normalize(value))
    ]
    found_year = header_years[0] if header_years else (title_years[0] if title_years else None)
    if sheet.year is None:
        sheet.year = found_year
    elif found_year is not None and found_year != sheet.year:
        sheet.warnings.append(
            _("表中年份为%(found)s年，与所选的%(year)s年不一致，按%(year)s年读取")
            % {"found": found_year, "year": sheet.year}
        )
    for binding in bindings:
        binding.context = CellContext(unit=binding.context.unit, year=sheet.year)

    by_key = {binding.column.key: binding for binding in bindings}
    data = rows[last + 1 :]
    if data:
        sheet.skipped["blank"] = data[-1][0] - rows[last][0] - len(data)
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for line, row in data:
        reason = _skip_reason(row, by_key)
        if reason is not None:
            sheet.skipped[reason] = sheet.skipped.get(reason, 0) + 1
            continue
        sheet.rows.append(_read_row(sheet, line, row, bindings, by_key, seen_codes, seen_names))


def _read_row(sheet, line, row, bindings, by_key, seen_codes, seen_names) -> LedgerRow:
    values: dict[str, Any] = {}
    raw: dict[str, str] = {}

    def error(key: str, message: str) -> None:
        binding = by_key[key]
        sheet.errors.append(CellError(line, binding.header, key, raw.get(key, ""), message))

    for binding in bindings:
        key = binding.column.key
        cell = row[binding.index] if binding.index < len(row) else None
        raw[key] = _cell_text(cell)
        if binding.column.parse is None:
            continue
        try:
            values[key] = binding.column.parse(cell, binding.context)
        except ValueError as invalid:
            error(key, str(invalid))

    if "name" in values and values["name"] is None:
        error("name", _("项目名称不能为空"))
    if "longitude" in by_key or "latitude" in by_key:
        problem = cells.check_coordinates(values.get("longitude"), values.get("latitude"))
        if problem is not None:
            keys, message = problem
            for key in keys:
                values.pop(key, None)
            error(keys[0], message)
    for key, seen in (("code", seen_codes), ("name", seen_names)):
        value = values.get(key)
        if value is None:
            continue
        if value in seen:
            values.pop(key)
            error(key, _("与第%(line)s行重复") % {"line": seen[value]})
        else:
            seen[value] = line
    return LedgerRow(line=line, values=values, raw=raw)
