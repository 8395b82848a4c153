"""CSV and XLSX export of any API list: `?format=csv` / `?format=xlsx` on the list URL, same filters.

A viewset mixes in ExportMixin and declares `export_columns`: (Chinese header, accessor) pairs, where
the accessor is a dotted attribute path or a callable taking the row. Money headers carry the unit,
e.g. "总投资(万元)". CSV streams row by row (UTF-8 with BOM so Excel reads the Chinese); XLSX is
written by openpyxl in write-only mode to a temporary file, so neither holds the whole list in memory.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework.renderers import JSONRenderer

EXPORT_FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 1000

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", *EXPORT_FORMATS],
    description=gettext_lazy(
        "json(默认)、csv 或 xlsx。csv/xlsx 导出经相同筛选和排序的全部结果(不分页)，表头为中文，金额单位为万元。"
    ),
)

Accessor = str | Callable[[object], object]

# Text a spreadsheet program would run as a formula (or DDE command) if it started a cell: names and
# notes come from users and from reports, so they are written as plain text, never as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_safe(value):
    """A CSV cell that Excel shows as the text it is: a leading apostrophe stops it being a formula."""
    return f"'{value}" if _formula_like(value) else value


def xlsx_text(value):
    """Text an XLSX cell can hold: the XML control characters openpyxl refuses (a stray \x0b pasted into a
    narrative) are dropped, so one such character cannot make a whole export fail."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_safe_row(sheet, row: Iterable) -> list:
    """A row for `sheet.append` where formula-like text is a string cell, not a live formula, and control
    characters are dropped."""
    safe = []
    for value in row:
        value = xlsx_text(value)
        if _formula_like(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            value = cell
        safe.append(value)
    return safe


def _resolve(obj, accessor: Accessor):
    if callable(accessor):
        return accessor(obj)
    value = obj
    for part in accessor.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
        if callable(value) and not hasattr(value, "all"):
            value = value()
    return value


def _cell(value):
    """A value as an export cell: money stays Decimal, yes/no in words, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal | int | date):
        return value
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def export_rows(queryset, columns) -> Iterator[list]:
    # iterator() with a chunk size keeps prefetch_related working while never loading the whole list.
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [_cell(_resolve(obj, accessor)) for _header, accessor in columns]


class _Echo:
    def write(self, value):
        return value


def csv_response(rows: Iterable[list], headers: list[str], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # the BOM tells Excel the file is UTF-8
        yield writer.writerow([csv_safe(h) for h in headers])
        for row in rows:
            yield writer.writerow([csv_safe(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows: Iterable[list], headers: list[str], filename: str, title: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    sheet.append(xlsx_safe_row(sheet, headers))
    for row in rows:
        sheet.append(xlsx_safe_row(sheet, row))
    spool = tempfile.TemporaryFile()
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


class ExportMixin:
    """Adds `?format=csv|xlsx` to a viewset's list; the export honours the list's filters and ordering."""

    export_columns: list[tuple[str, Accessor]] = []
    export_filename = "export"

    def _export_format(self, request) -> str | None:
        fmt = request.query_params.get("format")
        return fmt if getattr(self, "action", None) == "list" and fmt in EXPORT_FORMATS else None

    def perform_content_negotiation(self, request, force=False):
        # The export bypasses renderers; errors on an export URL (a bad filter) still answer in JSON.
        if self._export_format(request):
            renderer = JSONRenderer()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)

    @extend_schema(parameters=[FORMAT_PARAMETER])
    def list(self, request, *args, **kwargs):
        fmt = self._export_format(request)
        if fmt is None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        headers = [str(h) for h, _a in self.export_columns]
        rows = export_rows(queryset, self.export_columns)
        name = f"{self.export_filename}-{timezone.localdate():%Y%m%d}"
        if fmt == "csv":
            return csv_response(rows, headers, name)
        title = str(queryset.model._meta.verbose_name_plural)
        return xlsx_response(rows, headers, name, title)
