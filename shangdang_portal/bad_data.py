"""A value the database itself refuses (a NUL character in a lookup, a number or date out of its range) is the
client's bad input: 400, never a 500. Forms and serializers check what they save; this catches what reaches
the database through a lookup they do not check (a slug or choice looked up as sent)."""

import logging

from django.db import DataError
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from .exceptions import error_body

logger = logging.getLogger(__name__)


class DatabaseRefusedValueMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DataError):
            return None
        logger.warning("value refused by the database on %s %s: %s", request.method, request.path, exception)
        message = _("请求中有数据库无法保存或查找的值(例如空字符 NUL)。")
        if request.path.startswith("/api/"):
            body = error_body(status=400, code="invalid", message=message)
            return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
