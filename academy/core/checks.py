"""Deployment checks (`manage.py check --deploy`): the public identity and the services
that several hosts must share.

production.py refuses to start without these; the checks say the same thing for any
settings module an operator composes, so `check --deploy` fails before a host serves.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .public import base_url_problem, public_host


@register(Tags.security, deploy=True)
def public_base_url_check(app_configs, **kwargs):
    problem = base_url_problem(
        getattr(settings, "ACADEMY_PUBLIC_BASE_URL", ""), require_https=True
    )
    if problem:
        return [
            Error(
                problem,
                hint="Set ACADEMY_PUBLIC_BASE_URL to the Academy's public https "
                "origin: every link, QR code and credential is built from it.",
                id="academy.E001",
            )
        ]
    host = public_host().split(":")[0]
    allowed = settings.ALLOWED_HOSTS
    if not any(
        entry == "*"
        or entry == host
        or (entry.startswith(".") and (host.endswith(entry) or host == entry[1:]))
        for entry in allowed
    ):
        return [
            Warning(
                f"The public host {host!r} is not in ALLOWED_HOSTS {allowed!r}.",
                hint="Add it to DJANGO_ALLOWED_HOSTS.",
                id="academy.W002",
            )
        ]
    return []


@register(Tags.caches, deploy=True)
def shared_services_check(app_configs, **kwargs):
    """Several hosts need one broker (no in-process tasks) and one shared cache."""
    errors = []
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        errors.append(
            Error(
                "Celery tasks run in-process (no CELERY_BROKER_URL): certificate "
                "PDFs and imports would run inside web requests.",
                hint="Set CELERY_BROKER_URL, e.g. redis://redis:6379/0.",
                id="academy.E003",
            )
        )
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if "redis" not in backend.lower() and "memcached" not in backend.lower():
        errors.append(
            Error(
                f"The default cache ({backend}) is not shared between hosts: rate "
                "limits, lockouts and sign-in codes would be counted per process.",
                hint="Set REDIS_URL, e.g. redis://redis:6379/1.",
                id="academy.E004",
            )
        )
    return errors
