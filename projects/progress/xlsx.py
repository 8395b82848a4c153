"""The XLSX bulk entry of monthly progress: the template staff fill in for their projects, and reading a
filled-in sheet back into reports (read the rows, parse each, check them all, then save them together)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from shangdang_portal import spreadsheets
from shangdang_portal.export import xlsx_safe_row
from shangdang_portal.money import MAX_MONEY

from ..models import MAX_ID, ProgressReport, Project
from . import selectors, services

# (key, header) of the columns before the input: 项目 id (the database id) and 月份 identify the row; the
# others are shown for reading and ignored on upload: 项目编号 is the ledger's code (Project.code), as in the
# ledger export, and the last three are last month's approved figures.
REFERENCE_COLUMNS = [
    ("project_id", "项目 id"),
    ("project_code", "项目编号"),
    ("project", "项目名称"),
    ("period", "月份"),
    ("last_investment", "上月完成投资(万元)"),
    ("last_since_start", "上月累计完成投资(万元)"),
    ("last_physical_progress", "上月形象进度(%)"),
]
MONEY_FORMAT = "#,##0.00"


def xlsx_columns() -> list[tuple[str, str]]:
    """(key, header) of every column: the reference columns, then one per editable field of a report,
    headed by the field's verbose name. Headers are message ids, translated where they are written."""
    with translation.override(None):
        editable = [
            (name, str(ProgressReport._meta.get_field(name).verbose_name)) for name in ProgressReport.EDITABLE_FIELDS
        ]
    return REFERENCE_COLUMNS + editable


def _blank(name: str):
    # What an empty input cell holds: empty text for text fields, nothing for numbers.
    return "" if isinstance(ProgressReport._meta.get_field(name), models.CharField | models.TextField) else None


def progress_template_xlsx(*, projects: Iterable[Project], period: dt.date) -> bytes:
    """An XLSX sheet to fill in: one row per project for `period` that can still be written, last month's
    figures beside it. A project whose month is approved (locked) or waiting for review is left out: no
    upload could change it."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    columns = xlsx_columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = period.strftime("%Y-%m")
    sheet.append([str(_(label)) for _key, label in columns])
    previous = selectors.previous_period(period)
    for project in projects:
        if selectors.counted_report_for(project=project, period=period) is not None:
            continue
        current = selectors.open_report_for(project=project, period=period)
        if current is not None and current.status == ProgressReport.Status.SUBMITTED:
            continue
        last = selectors.counted_report_for(project=project, period=previous)
        reference = [
            project.pk,
            project.code or "",
            project.name,
            period.strftime("%Y-%m"),
            last.investment_completed if last else None,
            last.since_start if last else None,
            last.physical_progress if last else None,
        ]
        entered = [getattr(current, name) if current else _blank(name) for name in ProgressReport.EDITABLE_FIELDS]
        sheet.append(xlsx_safe_row(sheet, reference + entered))
    keys = [key for key, _label in columns]
    for key in ("last_investment", "last_since_start", "investment_completed"):
        for cell in sheet[get_column_letter(keys.index(key) + 1)][1:]:
            cell.number_format = MONEY_FORMAT
    sheet.freeze_panes = "D2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class XlsxRowErrors(ValidationError):
    """Every problem of an uploaded sheet, by row and column; nothing was saved."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__([f"{e['row']}:{e['column']} {e['message']}" for e in errors])


def _parse_cell(key: str, value):
    """One typed-in cell as the value the service takes; ValidationError with the reason if it is not one."""
    if key == "investment_completed":
        if value is None or value == "":
            raise ValidationError(_("请填写本月完成投资。"))
        try:
            amount = Decimal(str(value).replace(",", "").strip())
        except InvalidOperation:
            raise ValidationError(_("不是有效的金额。")) from None
        if not amount.is_finite():
            raise ValidationError(_("不是有效的金额。"))
        # Rounding a typed 10.005 to 10.01 would store a figure nobody entered: ask for it instead.
        if abs(amount) > MAX_MONEY:
            return amount  # the model's own bound answers that, in its words
        cents = amount.quantize(Decimal("0.01"))
        if cents != amount:
            raise ValidationError(_("金额最多保留两位小数。"))
        return cents
    if key in ("physical_progress", "workers_on_site"):
        if value is None or value == "":
            return 0
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError(_("必须是整数。")) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValidationError(_("必须是整数。"))
        return int(number)
    return "" if value is None else str(value).strip()


def _parse_period(value) -> dt.date:
    if isinstance(value, dt.datetime | dt.date):
        return dt.date(value.year, value.month, 1)
    try:
        year, month = str(value).strip().split("-")[:2]
        return dt.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise ValidationError(_("月份格式应为 YYYY-MM。")) from None


@dataclass
class SheetRow:
    """One filled-in line of the sheet, parsed: which project and month, and the values to save."""

    number: int
    project: Project
    period: dt.date
    values: dict


def _error(errors: list[dict], number: int, key: str, message) -> None:
    header = dict(xlsx_columns()).get(key)
    column = str(_(header)) if header else key
    for text in message.messages if isinstance(message, ValidationError) else [str(message)]:
        errors.append({"row": number, "column": column, "message": text})


def _sheet_bytes(file) -> bytes:
    limits = spreadsheets.PROGRESS
    if getattr(file, "size", None) is not None and file.size > limits.max_bytes:
        raise spreadsheets.file_too_large(limits)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limits.max_bytes + 1)
    spreadsheets.check_size(data, limits)
    return data


def read_rows(file) -> list[tuple[int, dict]]:
    """The sheet's non-blank lines as (row number, {column key: cell}); XlsxRowErrors if a column is missing.
    Headers are recognised in the active language and in the original Chinese. The sheet is bounded in size,
    rows and columns (shangdang_portal.spreadsheets.PROGRESS) before any cell is parsed."""
    limits = spreadsheets.PROGRESS
    try:
        workbook = spreadsheets.open_xlsx(_sheet_bytes(file), limits)
        rows = list(
            spreadsheets.bounded_rows(spreadsheets.worksheet_rows(workbook.active, limits), limits, above_data=1)
        )
    except spreadsheets.SheetTooLarge as refused:
        raise ValidationError({"file": refused.message}) from None
    except Exception:
        raise ValidationError({"file": _("文件不是有效的 XLSX 表格。")}) from None
    columns = xlsx_columns()
    labels = {str(_(label)): key for key, label in columns} | {label: key for key, label in columns}
    header_line, header_cells = rows[0] if rows else (1, ())
    header = [labels.get(str(cell).strip()) if cell is not None else None for cell in header_cells]
    header_label = {key: str(_(label)) for key, label in columns}
    missing = [header_label[k] for k in ("project_id", "period", *ProgressReport.EDITABLE_FIELDS) if k not in header]
    if missing:
        raise XlsxRowErrors([{"row": header_line, "column": m, "message": str(_("缺少该列。"))} for m in missing])
    lines = []
    for number, row in rows[1:]:
        cells = dict(zip(header, row, strict=False))
        # A line whose inputs are all empty was left as downloaded (its project and last month are filled
        # in for reading): nothing to save, not an error.
        if all(_empty(cells.get(k)) for k in ProgressReport.EDITABLE_FIELDS):
            continue
        lines.append((number, cells))
    return lines


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_row(number: int, cells: dict) -> tuple[SheetRow | None, list[dict]]:
    """One line as a SheetRow, or None and its errors by column."""
    errors: list[dict] = []
    project = None
    try:
        project_id = int(cells.get("project_id"))
        if not 1 <= project_id <= MAX_ID:
            raise Project.DoesNotExist
        project = Project.objects.get(pk=project_id)
    except (Project.DoesNotExist, TypeError, ValueError, OverflowError):
        # Go on: the row's other cells are checked too, so one upload lists every error.
        _error(errors, number, "project_id", _("没有这个项目。"))
    values = {}
    for key in ProgressReport.EDITABLE_FIELDS:
        try:
            values[key] = _parse_cell(key, cells.get(key))
            # The field's own bounds (形象进度 at most 100 %, lengths) now, beside every other cell's error,
            # rather than only once the rest of the row is right.
            ProgressReport._meta.get_field(key).clean(values[key], None)
        except ValidationError as exc:
            _error(errors, number, key, exc)
    try:
        period = _parse_period(cells.get("period"))
    except ValidationError as exc:
        _error(errors, number, "period", exc)
    if errors:
        return None, errors
    return SheetRow(number=number, project=project, period=period, values=values), errors


def validate_rows(lines: list[tuple[int, dict]]) -> tuple[list[SheetRow], list[dict]]:
    """Every line parsed, and a second line for the same project and month refused (it would silently
    overwrite the first); the rows that passed and all the errors."""
    rows: list[SheetRow] = []
    errors: list[dict] = []
    # (project id, month) → the row that first gave it.
    seen: dict[tuple[int, dt.date], int] = {}
    for number, cells in lines:
        row, row_errors = parse_row(number, cells)
        errors += row_errors
        if row is None:
            continue
        first = seen.setdefault((row.project.pk, row.period), number)
        if first != number:
            _error(errors, number, "period", _("与第 %(row)s 行是同一项目同一月份。") % {"row": first})
            continue
        rows.append(row)
    return rows, errors


def save_rows(rows: list[SheetRow], *, actor, submit: bool) -> tuple[list[ProgressReport], list[dict]]:
    """Creates or updates the month's report of each row through the workflow services (and submits it if
    asked); the saved reports and the errors the services gave, by row."""
    saved: list[ProgressReport] = []
    errors: list[dict] = []
    for row in rows:
        try:
            with transaction.atomic():
                current = selectors.open_report_for(project=row.project, period=row.period)
                if current is None:
                    report = services.progress_report_create(
                        project=row.project, period=row.period, actor=actor, **row.values
                    )
                else:
                    report = services.progress_report_update(
                        report=current, version=current.version, actor=actor, **row.values
                    )
                if submit:
                    report = services.progress_report_submit(report=report, actor=actor)
                saved.append(report)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                for message in messages:
                    _error(errors, row.number, key, message)
        except PermissionDenied as exc:
            _error(errors, row.number, "project_id", exc)
    return saved, errors


@transaction.atomic
def progress_xlsx_import(*, file, actor, submit: bool = False) -> list[ProgressReport]:
    """Reads a filled-in template: creates or updates one report per row, all rows or none."""
    rows, errors = validate_rows(read_rows(file))
    # The valid rows are saved even when others failed, so the answer lists the services' objections
    # (e.g. the total investment) too; raising then rolls every row back.
    saved, save_errors = save_rows(rows, actor=actor, submit=submit)
    errors = sorted(errors + save_errors, key=lambda e: e["row"])
    if errors:
        raise XlsxRowErrors(errors)
    return saved
