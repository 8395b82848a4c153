"""The ledger (台账): read a district's project spreadsheet into clean rows and write one back out.

Public API: ``read_ledger``, ``write_ledger``, ``blank_template``, the data classes ``LedgerSheet``,
``LedgerRow``, ``CellError``, the values ``LedgerDate`` and ``LedgerBatch``, and the column spec ``COLUMNS``.
See ``reader`` for the contract of what is read. ``LedgerRow.values`` by key (None for an empty cell):

- str: code (NFKC, no blanks), name, company, region, park, industry_chain, leader, responsible_unit,
  officer, liaison, phone, description (line breaks kept), note: as written, trimmed
- str code of the register's TextChoices: category (Category), construction_type (ConstructionType),
  priority_level (PriorityLevel), pool (Pool)
- LedgerBatch(year, round, kind): batch; kind is a Milestone.Kind: "signed" | "started" | "in_production"
- Decimal in 万元 (never float, rounded to the register's 2 places, not negative): total_investment,
  annual_plan (for ``LedgerSheet.year``), ledger_ytd (months 1..``LedgerSheet.ytd_months``)
- LedgerDate(value, precision): planned_start, actual_start, planned_production, actual_production;
  precision "day" | "month" | "year" (value is then the first day of it); UNDATED = (None, None) for 已开工/已投产
- bool: in_statistics, is_major
- Decimal degrees: longitude, latitude (both set only when they lie in China and are not swapped)
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
