"""The ledger reader's bounds come from the one home of spreadsheet limits (shangdang_portal.spreadsheets):
a package that unpacks too far and a small file of a million tiny rows are refused before any row is read."""

import time

from investment.ledger import read_ledger
from investment.ledger import reader as ledger_reader
from shangdang_portal import spreadsheets
from tests.spreadsheets import with_padding, xlsx_with_rows

HEADER = ["序号", "项目名称", "四库", "总投资"]


def test_a_small_xlsx_of_a_million_tiny_rows_stops_at_the_row_limit(monkeypatch):
    parsed = []
    original = ledger_reader._read_row
    monkeypatch.setattr(ledger_reader, "_read_row", lambda *args: parsed.append(1) or original(*args))
    data = xlsx_with_rows(HEADER, [1, "项目", "建设库", 1], 1_000_000)
    assert len(data) < 1024 * 1024
    started = time.perf_counter()
    sheet = read_ledger(data, filename="ledger.xlsx")
    assert sheet.fatal and sheet.rows == []
    assert sheet.errors[0].message == f"数据超过{spreadsheets.LEDGER.max_rows}行，请拆分后再导入"
    assert parsed == []
    assert time.perf_counter() - started < 60


def test_a_package_that_unpacks_past_the_limit_is_refused_before_it_is_opened():
    megabytes = spreadsheets.LEDGER.max_unpacked_bytes // 2**20
    bomb = with_padding(xlsx_with_rows(HEADER, ["1", "甲项目", "建设库", 1], 1), megabytes + 1)
    assert len(bomb) < spreadsheets.LEDGER.max_bytes
    sheet = read_ledger(bomb, filename="ledger.xlsx")
    assert sheet.fatal
    assert sheet.errors[0].message == f"表格解压后超过{megabytes}MB，请删除多余内容或拆分后再导入"


def test_the_reader_takes_its_limits_from_the_shared_home():
    assert (ledger_reader.MAX_FILE_BYTES, ledger_reader.MAX_DATA_ROWS, ledger_reader.MAX_COLUMNS) == (
        spreadsheets.LEDGER.max_bytes,
        spreadsheets.LEDGER.max_rows,
        spreadsheets.LEDGER.max_columns,
    )
