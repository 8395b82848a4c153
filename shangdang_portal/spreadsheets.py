"""The one home of what an uploaded spreadsheet may be, for every reader (the ledger, the progress sheet).

A sheet is bounded before any cell is parsed: the file's bytes, then the XML its XLSX package unpacks to
(a 140 KB file can hold a million rows, or shared strings of gigabytes), then while streaming the rows
(openpyxl read-only): at most `max_rows` filled rows and `max_columns` columns, blank rows skipped, a long
run of them ending the sheet. Going past a limit raises SheetTooLarge, whose message names the limit.
"""

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

# A run of this many blank rows ends the sheet: formatting dragged down to row 1,048,576 is not data.
MAX_BLANK_RUN = 1_000


@dataclass(frozen=True)
class SheetLimits:
    max_bytes: int  # the uploaded file
    max_unpacked_bytes: int  # everything inside an XLSX package, uncompressed
    max_rows: int  # filled (non-blank) rows of data
    max_columns: int


# The district's ledger (台账): one row a project, with room for title and header rows above the data.
LEDGER = SheetLimits(max_bytes=10 * 1024 * 1024, max_unpacked_bytes=200 * 1024 * 1024, max_rows=20_000, max_columns=200)
# The staff's monthly progress sheet: one row per project and month, a few dozen columns at most.
PROGRESS = SheetLimits(max_bytes=2 * 1024 * 1024, max_unpacked_bytes=40 * 1024 * 1024, max_rows=1_000, max_columns=50)


class SheetTooLarge(ValueError):
    """The sheet passes one of its limits; the message says which."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def file_too_large(limits: SheetLimits) -> SheetTooLarge:
    return SheetTooLarge(_("文件超过%(mb)sMB，请拆分后再导入") % {"mb": limits.max_bytes // 2**20})


def check_size(data: bytes, limits: SheetLimits) -> None:
    if len(data) > limits.max_bytes:
        raise file_too_large(limits)


def check_xlsx_package(data: bytes, limits: SheetLimits) -> None:
    """Refuses a package that unpacks to more than the limit, from the sizes its directory declares
    (zipfile stops reading a member at its declared size, so a member cannot lie its way past this)."""
    check_size(data, limits)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        unpacked = sum(member.file_size for member in package.infolist())
    if unpacked > limits.max_unpacked_bytes:
        raise SheetTooLarge(
            _("表格解压后超过%(mb)sMB，请删除多余内容或拆分后再导入") % {"mb": limits.max_unpacked_bytes // 2**20}
        )


def open_xlsx(data: bytes, limits: SheetLimits):
    """A read-only (streaming) workbook of `data` once its size and unpacked size are within the limits.
    Raises SheetTooLarge, or zipfile.BadZipFile / KeyError / OSError / ValueError for a file that is no XLSX."""
    from openpyxl import load_workbook

    check_xlsx_package(data, limits)
    return load_workbook(io.BytesIO(data), read_only=True, data_only=True)


def worksheet_rows(worksheet, limits: SheetLimits) -> Iterator[tuple]:
    """A read-only worksheet's rows as value tuples, one column past the limit so a wider sheet is noticed."""
    # The dimension a file declares is often wrong; reading past it is bounded by bounded_rows instead.
    worksheet.reset_dimensions()
    return worksheet.iter_rows(values_only=True, max_col=limits.max_columns + 1)


def _blank(row) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def bounded_rows(rows: Iterable, limits: SheetLimits, *, above_data: int = 0) -> Iterator[tuple[int, tuple]]:
    """(1-based line, values cut to max_columns) for every filled row, blank ones skipped and a long blank run
    ending the sheet; SheetTooLarge as soon as there are more filled rows or columns than the limits allow.
    `above_data` filled rows (titles, headers) are allowed on top of max_rows."""
    blank_run = 0
    filled = 0
    for line, row in enumerate(rows, start=1):
        if _blank(row):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                return
            continue
        blank_run = 0
        if len(row) > limits.max_columns and not _blank(row[limits.max_columns :]):
            raise SheetTooLarge(_("列数超过%(max)s列，请检查文件") % {"max": limits.max_columns})
        filled += 1
        if filled > limits.max_rows + above_data:
            raise SheetTooLarge(_("数据超过%(max)s行，请拆分后再导入") % {"max": limits.max_rows})
        yield line, tuple(row[: limits.max_columns])
