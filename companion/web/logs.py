"""Application logs: one JSON line per request, and one per unhandled exception.

A line names the request by a random id, its endpoint and route pattern (never the path itself,
which holds a patient's link), the method, the status and the time taken. An unhandled exception
is logged by its type and the place in the code where it happened, file, line and function:
never its message or local values, which can hold what a patient typed. Nothing a patient or
staff member wrote, and no link, code or form value, is ever logged.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from flask import Flask, Response, g, request, request_finished, request_started

LOG = logging.getLogger("companion.requests")
# A patient's link in a path written by a server's access log (gunicorn's, deploy/gunicorn.conf.py,
# and the development server's that `make run` starts): the link is a key to their answers.
PATIENT_LINK = re.compile(r"/w/[^/?#\s\"]+")
LINK_SHOWN_AS = "/w/[link]"
ROOT = Path(__file__).resolve().parents[2]

ExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]


class JsonLines(logging.Formatter):
    """A log record as one line of JSON: time, level, and the fields it was given."""

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = getattr(record, "fields", {})
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            **fields,
        }
        return json.dumps(entry, ensure_ascii=False)


def log(level: int, event: str, **fields: Any) -> None:
    LOG.log(level, event, extra={"fields": {"event": event, **fields}})


def request_fields() -> dict[str, Any]:
    rule = request.url_rule
    return {
        "request_id": g.get("request_id", "-"),
        "method": request.method,
        "endpoint": request.endpoint or "-",
        "route": rule.rule if rule is not None else "-",
    }


def begin(sender: Flask, **extra: Any) -> None:
    g.request_id = secrets.token_hex(6)
    g.request_started = time.perf_counter()


def finish(sender: Flask, response: Response, **extra: Any) -> None:
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else -1.0
    log(
        logging.INFO,
        "request",
        **request_fields(),
        status=response.status_code,
        duration_ms=round(duration, 1),
    )


def where(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return Path(path).name


def unhandled(exc_info: ExcInfo) -> None:
    """Log an exception no view handled: its type and where, without its message."""
    kind, _error, tb = exc_info
    if kind is None:
        return
    frames = [f"{where(f.filename)}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)]
    log(
        logging.ERROR,
        "unhandled_exception",
        **request_fields(),
        exception=f"{kind.__module__}.{kind.__qualname__}",
        traceback=frames,
    )


class App(Flask):
    """Flask, logging an unhandled exception as one line without its message.

    Flask's own log_exception writes the request's path (a patient's link) and the message.
    """

    def log_exception(self, exc_info: ExcInfo) -> None:
        unhandled(exc_info)


class WithoutPatientLinks(logging.Filter):
    """The development server logs each request's path: the link goes out before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = PATIENT_LINK.sub(LINK_SHOWN_AS, str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(
                PATIENT_LINK.sub(LINK_SHOWN_AS, arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


NOTIFY_CLIENT_LOGGERS = (
    "notifications_python_client.base",
    "notifications_python_client.notifications",
)


class WithoutNotifyAnswers(logging.Filter):
    """GOV.UK Notify's client logs a failed request with Notify's answer, which can quote what
    was sent (a patient's number or email address): that line is dropped, and the app logs its
    own, naming the kind of failure only (staff/notify.py). Its debug lines (method, Notify's
    address, time taken) stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < logging.WARNING


def init_app(app: Flask) -> None:
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, WithoutPatientLinks) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(WithoutPatientLinks())
    # A logger's filters see only its own records, not its children's: each module's logger.
    for module in NOTIFY_CLIENT_LOGGERS:
        notify_log = logging.getLogger(module)
        if not any(isinstance(f, WithoutNotifyAnswers) for f in notify_log.filters):
            notify_log.addFilter(WithoutNotifyAnswers())
    if not any(isinstance(h.formatter, JsonLines) for h in LOG.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False
    request_started.connect(begin, app)
    request_finished.connect(finish, app)
