"""The API's JSON renderer writes the bytes DRF's own JSON renderer writes."""

import datetime
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from shangdang_portal.renderers import PortalJSONRenderer

SHANGHAI = ZoneInfo("Asia/Shanghai")

SAMPLES = [
    {"count": 2, "next": None, "previous": "http://127.0.0.1/api/v1/figures/?page=1", "results": []},
    {"value": Decimal("456000.0000"), "small": Decimal("0.10"), "negative": Decimal("-3E+2")},
    {"day": datetime.date(2026, 3, 5), "time": datetime.time(10, 0, 0, 1500)},
    {"utc": datetime.datetime(2026, 3, 5, 2, 0, tzinfo=datetime.UTC)},
    {"local": datetime.datetime(2026, 3, 5, 10, 0, 0, 123456, tzinfo=SHANGHAI), "naive": datetime.datetime(2026, 3, 5)},
    {"span": datetime.timedelta(days=1, seconds=5), "id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    {"label": gettext_lazy("项目"), "names": ("甲", "乙"), "set": {3}, "bytes": b"abc"},
    {1: "int key", 2.5: "float key", False: "bool key", None: "null key"},
    {"quote": "全区固定资产投资完成45.6亿元\u2028第二行\u2029", "control": 'tab\tnew\nquote"slash\\', "emoji": "🚧"},
    {"float": 0.1, "big": 1e16, "int": -(2**63), "flag": False, "nested": [[{"a": [None]}]]},
]


@pytest.mark.parametrize("data", SAMPLES)
def test_the_same_bytes_as_drf(data):
    assert PortalJSONRenderer().render(data) == JSONRenderer().render(data)


@pytest.mark.parametrize("media_type", ["application/json; indent=4", "application/json"])
def test_an_indented_answer_and_a_too_wide_integer_take_drf_s_path(media_type):
    data = {"wide": 2**70, "name": "上党区"}
    assert PortalJSONRenderer().render(data, media_type) == JSONRenderer().render(data, media_type)
    context = {"indent": 2}
    assert PortalJSONRenderer().render(SAMPLES[1], None, context) == JSONRenderer().render(SAMPLES[1], None, context)


def test_nothing_renders_as_no_bytes():
    assert PortalJSONRenderer().render(None) == b""
