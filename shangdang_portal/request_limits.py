"""What one request may carry: its size, the nesting of a JSON body, and no NUL character in a parsed body.

Django bounds form fields (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS) but neither the
files of a multipart body nor a JSON body, which REST framework reads from the raw stream. So a request
whose Content-Length passes MAX_REQUEST_BYTES is refused with 413 before anything reads it, a JSON body
is read at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes, and a body nested deeper than any resource of the API
(a 1,000-deep array) is a 400 rather than a RecursionError.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers
from rest_framework.utils import json

# The deepest body the API takes is an object holding a list of objects; 32 leaves room and no more.
MAX_JSON_DEPTH = 32


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"


def _too_large_message(limit: int) -> str:
    return _("请求内容过大(上限 %(mb)s MB)。") % {"mb": round(limit / 1024 / 1024, 1)}


def _depth(data) -> int:
    """How deeply lists and objects nest in parsed JSON, walked without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _without_nul(data):
    """The parsed body with NUL characters taken out of every string and key: PostgreSQL can neither store nor
    look one up (a lookup by a sent slug would fail in the database), and no text of the portal holds one."""
    if isinstance(data, str):
        return data.replace("\x00", "")
    if isinstance(data, dict):
        return {_without_nul(key): _without_nul(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_without_nul(item) for item in data]
    return data


def _form_without_nul(data):
    if not any("\x00" in key or any("\x00" in v for v in data.getlist(key) if isinstance(v, str)) for key in data):
        return data
    clean = QueryDict(mutable=True)
    for key in data:
        clean.setlist(key.replace("\x00", ""), [_without_nul(v) for v in data.getlist(key)])
    return clean


class PortalFormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _form_without_nul(super().parse(stream, media_type, parser_context))


class PortalMultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        return parsers.DataAndFiles(_form_without_nul(parsed.data), parsed.files)


class PortalJSONParser(parsers.JSONParser):
    """REST framework's JSON parser, bounded in size and nesting; every refusal in the shared error shape."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge(_too_large_message(limit))
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding))
        except RecursionError:
            raise exceptions.ParseError(_("JSON 嵌套层数过多(上限 %(max)s 层)。") % {"max": MAX_JSON_DEPTH}) from None
        except ValueError as exc:
            raise exceptions.ParseError(_("JSON 格式有误：%(error)s") % {"error": exc}) from None
        if _depth(data) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(_("JSON 嵌套层数过多(上限 %(max)s 层)。") % {"max": MAX_JSON_DEPTH})
        return _without_nul(data)


class RequestSizeLimitMiddleware:
    """Refuses a body larger than MAX_REQUEST_BYTES from its Content-Length, before a byte of it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit and length > limit:
            message = _too_large_message(limit)
            if request.path.startswith("/api/"):
                error = {"status": 413, "code": "request_too_large", "message": message, "fields": {}}
                return JsonResponse({"error": error}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
