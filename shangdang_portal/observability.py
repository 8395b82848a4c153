"""Structured logging: one JSON object per line on stdout, each carrying the request id."""

import contextvars
import json
import logging
import re
import uuid

from django.core.signals import request_finished

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Takes X-Request-ID from the caller (or makes one), logs it on every line, echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        # Left set until request_finished: Django logs 4xx/5xx responses after the middleware returns.
        request_id_var.set(request.id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


def _clear_request_id(**kwargs) -> None:
    request_id_var.set("-")


request_finished.connect(_clear_request_id, dispatch_uid="observability.clear_request_id")


_base_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args, **kwargs) -> logging.LogRecord:
    # Stamped when the record is made, so every handler (and a test's log capture) sees the same id.
    record = _base_factory(*args, **kwargs)
    record.request_id = request_id_var.get()
    return record


if not getattr(_base_factory, "_stamps_request_id", False):
    _record_with_request_id._stamps_request_id = True
    logging.setLogRecordFactory(_record_with_request_id)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "message": record.getMessage(),
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
