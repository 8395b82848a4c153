"""The money filter: 万元 below 1 亿, 亿元 from there, thousands separators, Decimal all the way."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from shangdang_portal.templatetags.portal import percent, wan_yuan


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1623000"), "162.3 亿元"),
        (Decimal("10000"), "1 亿元"),
        (Decimal("9999.5"), "9,999.5 万元"),
        (Decimal("1234567.891"), "123.46 亿元"),
        (Decimal("0"), "0 万元"),
        ("800.00", "800 万元"),
        (None, "—"),
        ("not a number", "—"),
    ],
)
def test_wan_yuan(value, shown):
    with translation.override("zh-hans"):
        assert wan_yuan(value) == shown


def test_wan_yuan_in_english():
    with translation.override("en"):
        assert wan_yuan(Decimal("1623000")) == "162.3 × 100M yuan"


@given(st.decimals(min_value=0, max_value=Decimal("1e12"), places=2, allow_nan=False, allow_infinity=False))
def test_wan_yuan_reads_back_to_the_value_it_shows(value):
    with translation.override("zh-hans"):
        text = wan_yuan(value)
    number, unit = text.split(" ")
    amount = Decimal(number.replace(",", ""))
    if unit == "亿元":
        assert value >= 10000
        assert abs(amount * 10000 - value) <= Decimal("50")  # rounded to 0.01 亿 = 100 万
    else:
        assert unit == "万元" and value < 10000
        assert abs(amount - value) <= Decimal("0.005")


def test_percent():
    assert percent(Decimal("111.93")) == "111.9%"
    assert percent(None) == "—"
