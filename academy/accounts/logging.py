"""Keep Thai national IDs out of every log record and audit entry.

The Academy never stores a national ID (staff imports keep a keyed digest and a masked
form), but a raw ID can still reach a log line through an exception message, a
request body in an error report or a careless format string. This filter, installed
on the handlers in settings.LOGGING, masks any 13-digit number that passes the
national ID check digit, written plain or with dashes or spaces, in the message, its
arguments and any exception text, before a handler formats the record. It is the
one definition: the access logs (runserver's `django.server` in settings.LOGGING,
gunicorn's through gunicorn.conf.py and academy.accounts.gunicorn_logger) and the
audit log's details (academy.accounts.audit) use it too.
"""

import logging
import re

# 13 digits, optionally grouped 1-2345-67890-12-3 with dashes or spaces, also as a
# query string carries them (a space as "+" or "%20", a dash as "%2D").
_SEP = r"(?:[- +]|%20|%2[dD])?"
CANDIDATE = re.compile(
    rf"(?<!\d)(\d){_SEP}(\d{{4}}){_SEP}(\d{{5}}){_SEP}(\d{{2}}){_SEP}(\d)(?!\d)"
)
MASK = "x-xxxx-xxxxx-xx-x"


def _is_national_id(digits: str) -> bool:
    total = sum(int(digit) * (13 - index) for index, digit in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def redact_national_ids(text: str) -> str:
    def replace(match: re.Match) -> str:
        digits = "".join(match.groups())
        return MASK if _is_national_id(digits) else match.group(0)

    return CANDIDATE.sub(replace, text)


class NationalIdRedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format must still be logged
            message = str(record.msg)
        redacted = redact_national_ids(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            redacted_exc = redact_national_ids(text)
            if redacted_exc != text:
                record.exc_text = redacted_exc
                record.exc_info = None
                # Formatter appends exc_text to the message on its own.
        elif record.exc_text:
            record.exc_text = redact_national_ids(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_national_ids(record.stack_info)
        return True


def redact_national_ids_in(value):
    """`value` (a JSON-like structure of dicts, lists and strings) with IDs masked."""
    if isinstance(value, str):
        return redact_national_ids(value)
    if isinstance(value, dict):
        return {key: redact_national_ids_in(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_national_ids_in(item) for item in value]
    return value
