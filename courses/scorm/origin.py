"""The origin SCORM packages play from, apart from the Academy's own (docs/scorm.md).

A package's scripts run on ACADEMY_SCORM_CONTENT_ORIGIN, a host name of its own, so
the browser keeps them from the Academy's pages, cookies and storage. On a machine
where the Academy answers at 127.0.0.1 (make run), localhost is that other origin,
and the other way round; elsewhere it must be configured, or SCORM lessons say so.
"""

from urllib.parse import urlsplit

from django.conf import settings

from .package import Limits

CONTENT_PREFIX = "/scorm-content/"
PLAYER_PREFIX = "/scorm-player/"
_SWAPS = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def academy_origin() -> str:
    return _origin(settings.ACADEMY_PUBLIC_BASE_URL)


def content_origin() -> str:
    """The packages' origin, or "" when none is configured."""
    configured = getattr(settings, "ACADEMY_SCORM_CONTENT_ORIGIN", "")
    if configured:
        return _origin(configured)
    parts = urlsplit(settings.ACADEMY_PUBLIC_BASE_URL)
    other = _SWAPS.get(parts.hostname or "")
    if not other:
        return ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{other}{port}"


def content_host() -> str:
    return urlsplit(content_origin()).netloc


def origin_problem() -> str:
    """Why the configured origins cannot isolate packages, or ""."""
    origin = content_origin()
    if not origin:
        return "ACADEMY_SCORM_CONTENT_ORIGIN is not set"
    if urlsplit(origin).hostname == urlsplit(academy_origin()).hostname:
        return (
            "ACADEMY_SCORM_CONTENT_ORIGIN must use another host name than the Academy"
        )
    return ""


def is_content_request(request) -> bool:
    """Whether the request came to the packages' host (compared with the port)."""
    host = content_host()
    return bool(host) and request.get_host() == host


def limits() -> Limits:
    defaults = Limits()
    return Limits(
        **{
            name: int(getattr(settings, f"ACADEMY_SCORM_{name.upper()}", value))
            for name, value in defaults.__dict__.items()
        }
    )
