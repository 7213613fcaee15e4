"""System checks: a wrong xAPI configuration is refused when the Academy starts."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register

IDENTIFY_BY = ("account", "email")


@register()
def xapi_settings_check(app_configs, **kwargs) -> list[Error]:
    from .services import EVENTS

    errors: list[Error] = []
    endpoint = settings.ACADEMY_XAPI_ENDPOINT
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            errors.append(
                Error(
                    f"ACADEMY_XAPI_ENDPOINT must be the LRS's http(s) xAPI base URL, "
                    f"not {endpoint!r}.",
                    id="xapi.E001",
                )
            )
        if not (settings.ACADEMY_XAPI_USERNAME and settings.ACADEMY_XAPI_PASSWORD):
            errors.append(
                Error(
                    "ACADEMY_XAPI_USERNAME and ACADEMY_XAPI_PASSWORD must be set "
                    "when ACADEMY_XAPI_ENDPOINT is.",
                    id="xapi.E002",
                )
            )
    if settings.ACADEMY_XAPI_IDENTIFY_BY not in IDENTIFY_BY:
        errors.append(
            Error(
                f"ACADEMY_XAPI_IDENTIFY_BY must be one of {', '.join(IDENTIFY_BY)}, "
                f"not {settings.ACADEMY_XAPI_IDENTIFY_BY!r}.",
                id="xapi.E003",
            )
        )
    unknown = sorted(set(settings.ACADEMY_XAPI_EVENTS_OFF) - set(EVENTS))
    if unknown:
        errors.append(
            Error(
                f"ACADEMY_XAPI_EVENTS_OFF names unknown events: {', '.join(unknown)} "
                f"(known: {', '.join(EVENTS)}).",
                id="xapi.E004",
            )
        )
    return errors
