"""The ledger (台账): read a district's project spreadsheet into clean rows and write one back out.

Public API: ``read_ledger``, ``write_ledger``, ``blank_template``, the data classes ``LedgerSheet``,
``LedgerRow``, ``CellError``, the values ``LedgerDate`` and ``LedgerBatch``, and the column spec ``COLUMNS``.
See ``reader`` for the contract of what is read.
"""

from .cells import UNDATED, LedgerBatch, LedgerDate
from .columns import COLUMNS, COLUMNS_BY_KEY, Column
from .reader import MAX_COLUMNS, MAX_DATA_ROWS, MAX_FILE_BYTES, CellError, LedgerRow, LedgerSheet, read_ledger
from .writer import blank_template, write_ledger

__all__ = [
    "COLUMNS",
    "COLUMNS_BY_KEY",
    "MAX_COLUMNS",
    "MAX_DATA_ROWS",
    "MAX_FILE_BYTES",
    "UNDATED",
    "CellError",
    "Column",
    "LedgerBatch",
    "LedgerDate",
    "LedgerRow",
    "LedgerSheet",
    "blank_template",
    "read_ledger",
    "write_ledger",
]
