"""序时进度 and the campaign calendar: one rule for the share of the year gone."""

import datetime as dt
from decimal import Decimal

from shangdang_portal.calendar import add_months, default_as_of, elapsed_rate, month_end, pro_rata


def test_elapsed_counts_the_as_of_month():
    assert elapsed_rate(dt.date(2025, 3, 1)) == Decimal("25.00")
    assert elapsed_rate(dt.date(2025, 1, 31)) == Decimal("8.33")
    assert elapsed_rate(12) == Decimal("100.00")


def test_pro_rata_spreads_an_amount_by_the_same_rule():
    assert pro_rata(Decimal("1200"), dt.date(2025, 3, 31)) == Decimal("300.00")
    assert pro_rata(Decimal("1000"), 1) == Decimal("83.33")
    # the percentage is the rule applied to 100
    for month in range(1, 13):
        assert elapsed_rate(month) == pro_rata(100, month)


def test_calendar_helpers():
    assert month_end(dt.date(2024, 2, 10)) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 11, 15), 3) == dt.date(2026, 2, 15)
    assert default_as_of(2024, today=dt.date(2025, 5, 6)) == dt.date(2024, 12, 31)
    assert default_as_of(2025, today=dt.date(2025, 5, 6)) == dt.date(2025, 5, 6)
