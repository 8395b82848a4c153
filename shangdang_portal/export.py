"""CSV and XLSX export of any API list: `?format=csv` / `?format=xlsx` on the list URL, same filters.

A viewset mixes in ExportMixin and declares `export_columns`: (Chinese header, accessor) pairs, where
the accessor is a dotted attribute path, `Label("field")` (a choice's label) or a callable taking the row.
Money headers carry the unit, e.g. "总投资(万元)". CSV streams row by row (UTF-8 with BOM so Excel reads the
Chinese); XLSX is written by openpyxl in write-only mode to a temporary file, so neither holds the whole list
in memory. A viewset whose columns are all field paths and labels sets `export_values`: its rows then come
straight from the database as tuples (values_list over a server-side cursor), with no model built per row.

An export of more rows than the request may take (`EXPORT_INLINE_ROWS`, counted first) is never streamed
and never cut off: it answers 202 and runs as a task that writes the file (shangdang_portal.export_jobs).
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .renderers import PortalJSONRenderer

EXPORT_FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 1000
VALUES_CHUNK_SIZE = 5000
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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


class Label:
    """A column holding a choice field's label (`get_<field>_display()`), read from the choices once per
    export instead of once per row; a value outside the choices is written as it is."""

    def __init__(self, field: str):
        self.field = field

    def __call__(self, obj):
        return getattr(obj, f"get_{self.field}_display")()

    def labels(self, model) -> dict:
        return {value: str(label) for value, label in model._meta.get_field(self.field).flatchoices}


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
    kind = type(value)
    if kind is str:  # most cells: a shortcut, the same answer as below
        return value
    if kind is Decimal or kind is int or kind is date:
        return value
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


def value_rows(queryset, columns, extra: dict | None = None) -> Iterator[list]:
    """The rows of `export_rows` read as tuples: every accessor a field path ("region.name") or a Label, or
    named in `extra` ({accessor: {pk: value}}, a column computed apart in one query). On PostgreSQL the
    tuples come through a server-side cursor in chunks, so memory stays flat whatever the size."""
    extra = extra or {}
    lookups = ["pk"]
    plan = []  # per column: (index in the tuple, or None for an extra column; labels or the extra values)
    for _header, accessor in columns:
        if not isinstance(accessor, Label) and accessor in extra:
            plan.append((None, extra[accessor]))
            continue
        lookups.append(accessor.field if isinstance(accessor, Label) else accessor.replace(".", "__"))
        plan.append((len(lookups) - 1, accessor.labels(queryset.model) if isinstance(accessor, Label) else None))
    tuples = queryset.prefetch_related(None).values_list(*lookups)
    for row in tuples.iterator(chunk_size=VALUES_CHUNK_SIZE):
        cells = []
        for index, lookup in plan:
            if index is None:
                value = lookup.get(row[0])
            else:
                value = row[index]
                if lookup is not None:
                    value = lookup.get(value, value)
            cells.append(_cell(value))
        yield cells


def csv_lines(rows: Iterable[list], headers: list[str]) -> Iterator[str]:
    """The export's CSV text, piece by piece: the BOM, the header, one line per row, formula-safe."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # the BOM tells Excel the file is UTF-8
    yield writer.writerow([csv_safe(h) for h in headers])
    for row in rows:
        yield writer.writerow([csv_safe(v) for v in row])


class _Echo:
    def write(self, value):
        return value


def _batched(pieces: Iterable[str], size: int = 64 * 1024) -> Iterator[bytes]:
    """Pieces joined into blocks of about `size` characters: one write to the client per block, not per row."""
    block, length = [], 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(block).encode("utf-8")
            block, length = [], 0
    if block:
        yield "".join(block).encode("utf-8")


def csv_response(rows: Iterable[list], headers: list[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_batched(csv_lines(rows, headers)), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_xlsx(rows: Iterable[list], headers: list[str], title: str, out) -> None:
    """The export as an XLSX workbook (openpyxl write-only, one sheet) written to the file object `out`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    sheet.append(xlsx_safe_row(sheet, headers))
    for row in rows:
        sheet.append(xlsx_safe_row(sheet, row))
    workbook.save(out)


def xlsx_response(rows: Iterable[list], headers: list[str], filename: str, title: str) -> FileResponse:
    spool = tempfile.TemporaryFile()
    write_xlsx(rows, headers, title, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


class ExportMixin:
    """Adds `?format=csv|xlsx` to a viewset's list; the export honours the list's filters and ordering.

    Up to `EXPORT_INLINE_ROWS` rows (`EXPORT_INLINE_SLOW_ROWS` for XLSX and for exports built from models row by
    row) the file is the answer; a larger export answers 202 with its status URL and is written by a task
    (export_jobs), so a worker's timeout can never cut it short."""

    export_columns: list[tuple[str, Accessor]] = []
    export_filename = "export"
    # True when every accessor is a field path or a Label (or is computed by export_extra): rows are read as
    # tuples, not models.
    export_values = False

    def _export_format(self, request) -> str | None:
        fmt = request.query_params.get("format")
        return fmt if getattr(self, "action", None) == "list" and fmt in EXPORT_FORMATS else None

    def perform_content_negotiation(self, request, force=False):
        # The export bypasses renderers; errors on an export URL (a bad filter) still answer in JSON.
        if self._export_format(request):
            renderer = PortalJSONRenderer()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)

    def export_queryset(self):
        """The rows an export writes: the list's queryset with its filters and ordering."""
        return self.filter_queryset(self.get_queryset())

    def export_extra(self, queryset) -> dict:
        """Columns computed apart for a values export: {accessor: {pk: value}}."""
        return {}

    def export_rows(self, queryset) -> Iterator[list]:
        if self.export_values:
            return value_rows(queryset, self.export_columns, self.export_extra(queryset))
        return export_rows(queryset, self.export_columns)

    def export_headers(self) -> list[str]:
        return [str(h) for h, _a in self.export_columns]

    def export_name(self) -> str:
        return f"{self.export_filename}-{timezone.localdate():%Y%m%d}"

    def export_title(self, queryset) -> str:
        return str(queryset.model._meta.verbose_name_plural)

    @extend_schema(parameters=[FORMAT_PARAMETER])
    def list(self, request, *args, **kwargs):
        fmt = self._export_format(request)
        if fmt is None:
            return super().list(request, *args, **kwargs)
        queryset = self.export_queryset()
        fast = fmt == "csv" and self.export_values
        limit = settings.EXPORT_INLINE_ROWS if fast else settings.EXPORT_INLINE_SLOW_ROWS
        count = queryset.count()
        if count > limit:
            from .export_jobs import export_start

            return export_start(view=self, fmt=fmt, rows=count)
        rows = self.export_rows(queryset)
        if fmt == "csv":
            return csv_response(rows, self.export_headers(), self.export_name())
        return xlsx_response(rows, self.export_headers(), self.export_name(), self.export_title(queryset))
