"""Request ids: one id per request, taken from the load balancer's X-Request-ID or made
here, returned in the response, stamped on every log record written while the request
(or a Celery task it queued) runs.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
#: What an incoming id may look like; anything else is replaced, never logged.
VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

current_request_id: ContextVar[str] = ContextVar("academy_request_id", default="")


def request_id_new() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost middleware: every later middleware's and view's logs carry the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(META_KEY, "")
        request_id = incoming if VALID.match(incoming) else request_id_new()
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response.headers[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id.get() or "-"
        return True


# Celery: the id travels with the task message, so a worker's logs about a task name
# the request that queued it.
def task_publish_add_request_id(headers=None, **kwargs) -> None:
    request_id = current_request_id.get()
    if headers is not None and request_id and "academy_request_id" not in headers:
        headers["academy_request_id"] = request_id


def task_prerun_set_request_id(task=None, **kwargs) -> None:
    request_id = ""
    if task is not None and task.request is not None:
        request_id = getattr(task.request, "academy_request_id", "") or ""
        if not request_id and task.request.headers:
            request_id = task.request.headers.get("academy_request_id", "")
    if request_id or not current_request_id.get():
        current_request_id.set(request_id or request_id_new())


def task_postrun_clear_request_id(**kwargs) -> None:
    current_request_id.set("")
