"""While the database does not answer: 503 with Retry-After, never a 500 or a traceback.

The API answers in the shared error shape; pages get a plain page that needs no database (no base template,
no context processors, which read the database).
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .exceptions import error_body

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Turns a lost or refused database connection, raised by a view or its template, into a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable on %s %s: %s", request.method, request.path, exception)
        return database_unavailable(request)


def database_unavailable(request) -> HttpResponse:
    retry_after = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    message = _("数据库暂时无法访问，请稍后再试。")
    if request.path.startswith("/api/"):
        body = error_body(status=503, code="service_unavailable", message=message)
        response = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = retry_after
    return response
