"""Hand-built XLSX files for the limit tests: a sheet of a million tiny rows in a small file, and a package
that unpacks to far more than it weighs, written straight as XML so building them costs a second, not minutes."""

import io
import zipfile
from xml.sax.saxutils import escape

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def _cell(reference: str, value) -> str:
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx_with_rows(header: list, row, count: int, *, declared: str = "A1") -> bytes:
    """An XLSX whose first sheet is `header` and then `count` copies of `row` (`{n}` in a string is the line)."""
    workbook = Workbook()
    skeleton = io.BytesIO()
    workbook.save(skeleton)
    namespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{namespace}">']
    parts.append(f'<dimension ref="{declared}"/><sheetData>')
    parts.append('<row r="1">' + "".join(_cell(f"{_column(i)}1", v) for i, v in enumerate(header)) + "</row>")
    if not any(isinstance(v, str) and "{n}" in v for v in row):
        # The same row again and again, without cell references (they are optional): deflate packs a million
        # of them into a few hundred kilobytes.
        parts.append(("<row>" + "".join(_cell("", v).replace(' r=""', "") for v in row) + "</row>") * count)
    for line in range(2, count + 2) if parts[-1].startswith('<row r="1">') else ():  # rows that differ
        cells = "".join(
            _cell(f"{_column(i)}{line}", v.format(n=line) if isinstance(v, str) else v) for i, v in enumerate(row)
        )
        parts.append(f'<row r="{line}">{cells}</row>')
    parts.append("</sheetData></worksheet>")
    return _replace(skeleton.getvalue(), {SHEET: "".join(parts).encode()})


def with_padding(data: bytes, megabytes: int) -> bytes:
    """The same package with a member of `megabytes` MB of zeros: a few kilobytes more on disk."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for member in source.infolist():
            target.writestr(member, source.read(member.filename))
        with target.open("xl/padding.bin", "w") as padding:
            block = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                padding.write(block)
    return out.getvalue()


def _replace(data: bytes, members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, members.get(member.filename, source.read(member.filename)))
    return out.getvalue()
