"""Prometheus metrics at /metrics: requests, latency, queue depths, failed tasks, and
whatever each app adds (certificates issued) through `scrape_collector_add`.

Several gunicorn workers each count their own requests: with PROMETHEUS_MULTIPROC_DIR
set (gunicorn.conf.py does), prometheus-client adds them up across the workers of a
host. Failed Celery tasks happen in worker processes no scrape reaches, so they are
counted in the shared cache (Redis in production) and read back at scrape time.
The endpoint answers only a bearer token (ACADEMY_METRICS_TOKEN) or an address in
ACADEMY_METRICS_ALLOWED_IPS; with neither configured it does not exist (404).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from .health import HEALTH_PATHS

REQUESTS = Counter(
    "academy_http_requests",
    "HTTP requests answered, by method, URL pattern and status.",
    ["method", "route", "status"],
    registry=None,
)
LATENCY = Histogram(
    "academy_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and URL pattern.",
    ["method", "route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=None,
)
FAILURE_KEY = "academy:metrics:task_failures:"
logger = logging.getLogger(__name__)

_scrape_collectors: list = []


def scrape_collector_add(collector) -> None:
    """An app's collector, asked at every scrape (figures read from the database)."""
    if collector not in _scrape_collectors:
        _scrape_collectors.append(collector)


def _route(request) -> str:
    if request.path_info in HEALTH_PATHS or request.path_info == "/metrics":
        return request.path_info
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + (match.route or match.view_name or "unnamed")


class MetricsMiddleware:
    """Counts and times every response (outermost but for the request id)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        route = _route(request)
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        return response


def task_failure_count(sender=None, **kwargs) -> None:
    """Celery task_failure receiver: one more failure of this task, in the shared cache."""
    name = getattr(sender, "name", None) or "unknown"
    key = FAILURE_KEY + name
    cache.add(key, 0, timeout=None)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


class CeleryCollector:
    """Queue depths (Redis broker) and failed tasks (shared cache), at scrape time."""

    def collect(self):
        from academy.celery import app

        failures = GaugeMetricFamily(
            "academy_celery_task_failures",
            "Celery task runs that failed since the cache was last emptied.",
            labels=["task"],
        )
        app.loader.import_default_modules()  # every app's tasks, not only those used
        names = sorted(name for name in app.tasks if not name.startswith("celery."))
        counts = cache.get_many([FAILURE_KEY + name for name in names])
        for name in names:
            failures.add_metric([name], counts.get(FAILURE_KEY + name, 0))
        yield failures
        if (
            settings.CELERY_TASK_ALWAYS_EAGER
            or not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
        ):
            return
        depth = GaugeMetricFamily(
            "academy_celery_queue_depth",
            "Messages waiting in each Celery queue.",
            labels=["queue"],
        )
        from .ops import routed_queues

        with app.connection_for_read() as connection:
            client = connection.default_channel.client
            for queue in routed_queues():
                depth.add_metric([queue], client.llen(queue))
        yield depth


class _Guarded:
    """A collector whose failure (database or broker down) leaves its figures out of
    the scrape instead of failing the whole scrape."""

    def __init__(self, collector):
        self.collector = collector

    def collect(self):
        try:
            families = list(self.collector.collect())
        except Exception:  # noqa: BLE001 - reported, and the other figures still go out
            logger.warning(
                "metrics: %s failed", type(self.collector).__name__, exc_info=True
            )
            return []
        return families


def registry_for_scrape() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(_Guarded(CeleryCollector()))
    for collector in _scrape_collectors:
        registry.register(_Guarded(collector))
    return registry


def _configured() -> bool:
    return bool(
        getattr(settings, "ACADEMY_METRICS_TOKEN", "")
        or getattr(settings, "ACADEMY_METRICS_ALLOWED_IPS", [])
    )


def _allowed(request) -> bool:
    token = getattr(settings, "ACADEMY_METRICS_TOKEN", "")
    networks = getattr(settings, "ACADEMY_METRICS_ALLOWED_IPS", [])
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


def metrics(request):
    if not _configured():
        return HttpResponseNotFound()
    if not _allowed(request):
        return HttpResponseForbidden()
    return HttpResponse(
        generate_latest(registry_for_scrape()), content_type=CONTENT_TYPE_LATEST
    )
