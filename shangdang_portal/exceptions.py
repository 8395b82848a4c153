"""One JSON error shape for every API error: {"error": {"status", "code", "message", "fields"}}.

An exception may add members of its own to "error" (`extra`, e.g. the current version of a report
on a 409/412) and response headers (`headers`, e.g. its ETag); the four members are always there.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for v in detail.values() for m in _flatten(v)]
    if isinstance(detail, list):
        return [m for v in detail for m in _flatten(v)]
    return [str(detail)]


def _codes(detail):
    if isinstance(detail, dict):
        return {k: _codes(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_codes(v) for v in detail]
    return getattr(detail, "code", None)


def error_body(*, status: int, code: str, message: str, fields: dict | None = None) -> dict:
    """The shared error shape, for answers made outside DRF's handler (the database being down)."""
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or {}}}


def api_exception_handler(exc, context):
    # A service's full_clean() raises Django's ValidationError; answer it like a serializer error
    # so clients see the same field-level shape whichever layer caught the bad input.
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, SuspiciousOperation):
        # Django's own request limits (too many form fields, form data too large) met while parsing a body.
        exc = exceptions.ParseError(str(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        # A service says why it refused ("您不是该项目的填报人员。"); keep that message if there is one.
        exc = exceptions.PermissionDenied(*exc.args[:1])
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields: dict = {}
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        if isinstance(detail, dict):
            fields = {k: [str(m) for m in _flatten(v)] for k, v in detail.items()}
            message = _("提交的数据有误，请检查各字段。")
        else:
            fields = {"non_field_errors": _flatten(detail)}
            message = fields["non_field_errors"][0]
    else:
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, exceptions.APIException):
            codes = exc.get_codes()
            if isinstance(codes, str):
                code = codes
    error = error_body(status=response.status_code, code=code, message=message, fields=fields)["error"]
    body = {"error": getattr(exc, "extra", {}) | error}
    headers = _headers(response) | getattr(exc, "headers", {})
    return Response(body, status=response.status_code, headers=headers)


def _headers(response) -> dict:
    # Keep what DRF set on purpose: WWW-Authenticate for 401, Retry-After for 429, Allow for 405.
    keep = ("WWW-Authenticate", "Retry-After", "Allow")
    return {h: response[h] for h in keep if response.has_header(h)}


def not_found(request, exception=None):
    """handler404: an API URL that matches no route (`/api/v1/projects/abc/`) answers in the shared error shape too;
    pages keep Django's page."""
    if request.path.startswith("/api/"):
        message = str(exceptions.NotFound.default_detail)
        body = error_body(status=404, code="not_found", message=message)
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)
