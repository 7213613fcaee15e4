"""Structured logs: one JSON object per line, for the log shipper of a many-host deployment.

The national-ID redaction filter runs on the handler before this formatter (settings
LOGGING) and masks the message and exception; the line written is masked once more
with the same function, for the `extra` fields the filter does not look at.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from academy.accounts.logging import redact_national_ids

#: LogRecord attributes that are not "extra" fields a caller passed.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if _is_plain(value) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return redact_national_ids(json.dumps(entry, ensure_ascii=False, default=str))


def _is_plain(value) -> bool:
    return value is None or isinstance(value, str | int | float | bool)
