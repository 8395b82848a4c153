"""The API's JSON renderer: DRF's JSON, written by orjson.

DRF's renderer writes through the standard library's encoder with a Python hook for every Decimal, date and
lazy string; a 50-row list spent about a tenth of its time there. orjson writes the same bytes for what the
serializers give (strings, numbers, lists, dicts) and hands everything else to DRF's own encoder hook, dates
and times included (OPT_PASSTHROUGH_DATETIME), so they are written as DRF writes them. An indented answer
(the browsable API, `Accept: application/json; indent=4`) and anything orjson refuses (an integer wider than
64 bits, say) take DRF's own path. A NaN is written as null, where DRF's strict JSON would fail the request."""

import orjson
from rest_framework.renderers import JSONRenderer

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
# DRF escapes the two line terminators that JSON allows in strings but JavaScript once did not.
_LINE_SEPARATOR, _PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()


class PortalJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if self.ensure_ascii or not self.compact or indent is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            text = orjson.dumps(data, default=self.encoder_class().default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        if _LINE_SEPARATOR in text or _PARAGRAPH_SEPARATOR in text:
            text = text.replace(_LINE_SEPARATOR, b"\\u2028").replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
        return text
