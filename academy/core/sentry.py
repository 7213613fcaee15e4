"""Optional error reporting to Sentry (or any Sentry-compatible service), configured
only from the environment: SENTRY_DSN turns it on (production settings).

No personal data is sent (send_default_pii off), and every event passes the
national-ID redaction the logs use before it leaves the host.
"""

from __future__ import annotations

import json
import os

from academy.accounts.logging import redact_national_ids


def event_scrubbed(event: dict, hint: dict | None = None) -> dict:
    """before_send: the event with every national ID masked, wherever it sits."""
    return json.loads(redact_national_ids(json.dumps(event, default=str)))


def sentry_init(*, dsn: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE") or None,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        before_send=event_scrubbed,
        before_send_transaction=event_scrubbed,
    )
