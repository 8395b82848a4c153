"""The campaign calendar and 序时进度, shared by every app: one rule for how much of the year has gone."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.utils import timezone

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_as_of(year: int, today: dt.date | None = None) -> dt.date:
    """Today within the current year; the last day of a past year."""
    today = today or timezone.localdate()
    return today if year >= today.year else dt.date(year, 12, 31)


def pro_rata(amount: Decimal | int, as_of_or_month: dt.date | int) -> Decimal:
    """序时进度 applied to an amount: the share of the year's months reached, counting the as-of month
    (reports are monthly), times the amount, to the cent.

    The one definition of time elapsed; `elapsed_rate` is this rule applied to 100 %. Multiplying before
    dividing keeps the result exact until the final rounding.
    """
    month = as_of_or_month if isinstance(as_of_or_month, int) else as_of_or_month.month
    return (Decimal(amount) * month / 12).quantize(CENT)


def elapsed_rate(as_of_or_month: dt.date | int) -> Decimal:
    """序时进度 in percent (0–100, two places)."""
    return pro_rata(HUNDRED, as_of_or_month)
