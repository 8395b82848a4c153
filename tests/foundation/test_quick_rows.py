"""QuickRows writes a row as DRF's own Serializer writes it, whether the row is a mapping or an object."""

import datetime
from decimal import ROUND_DOWN, Decimal
from types import SimpleNamespace

import pytest
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from shangdang_portal.serializers import FieldsOnce, MonthField, QuickRows


class Nested(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class Plain(serializers.Serializer):
    text = serializers.CharField()
    number = serializers.IntegerField()
    flag = serializers.BooleanField()
    maybe = serializers.BooleanField(allow_null=True)
    kind = serializers.ChoiceField(choices=[("a", "甲"), ("b", "乙")])
    level = serializers.ChoiceField(choices=[(1, "一"), (2, "二")])
    day = serializers.DateField()
    at = serializers.DateTimeField()
    month = MonthField()
    money = serializers.DecimalField(max_digits=10, decimal_places=2)
    rounded_down = serializers.DecimalField(max_digits=10, decimal_places=1, rounding=ROUND_DOWN)
    normalized = serializers.DecimalField(max_digits=10, decimal_places=3, normalize_output=True)
    as_number = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    any_places = serializers.DecimalField(max_digits=None, decimal_places=None)
    renamed = serializers.CharField(source="other")
    label = serializers.SerializerMethodField()
    nested = Nested()

    def get_label(self, row):
        return f"{row['text'] if isinstance(row, dict) else row.text}!"


class Quick(QuickRows, Plain):
    pass


class QuickOnce(FieldsOnce, Plain):
    pass


ROWS = [
    {
        "text": "上党区",
        "number": 7,
        "flag": True,
        "maybe": None,
        "kind": "a",
        "level": 2,
        "day": datetime.date(2026, 3, 5),
        "at": datetime.datetime(2026, 3, 5, 2, 30, tzinfo=datetime.UTC),
        "month": datetime.date(2026, 3, 1),
        "money": Decimal("456000.005"),
        "rounded_down": Decimal("-1.99"),
        "normalized": Decimal("12.500"),
        "as_number": Decimal("3.14159"),
        "any_places": Decimal("1E+3"),
        "other": "别名",
        "nested": {"id": 1, "name": "甲"},
    },
    {
        "text": 12,  # not text in the row: still written as DRF writes it
        "number": "8",
        "flag": 0,
        "maybe": "false",
        "kind": "",
        "level": "1",
        "day": "2026-03-05",
        "at": None,
        "month": datetime.date(2026, 12, 31),
        "money": 10,
        "rounded_down": 2.25,
        "normalized": Decimal("0"),
        "as_number": Decimal("-0.005"),
        "any_places": Decimal("0.000"),
        "other": None,
        "nested": None,
    },
]


@pytest.mark.parametrize("serializer", [Quick, QuickOnce])
@pytest.mark.parametrize("row", ROWS)
def test_a_row_is_written_as_drf_writes_it(serializer, row):
    # Compared as JSON: True and 1, or "1" and 1, are equal in Python but not in an answer.
    expected = _json(Plain(row).data)
    assert _json(serializer(row).data) == expected
    assert _json(serializer(SimpleNamespace(**row)).data) == expected
    assert _json(serializer([row, row], many=True).data) == b"[" + expected + b"," + expected + b"]"


def _json(data) -> bytes:
    return JSONRenderer().render(data)
