"""/healthz and /readyz for the load balancer and the orchestrator.

/healthz answers while the process can answer (no database: a database outage must
not make every host look dead and be restarted). /readyz says whether this host can
serve: the database, the shared cache, the broker and every file storage, each
checked briefly; 503 names the ones that failed (the kind of error only, never a
URL or a secret).

Probes reach a host by its own address, over plain http, with whatever Host header
the balancer sends; so the two paths (and /metrics) are answered by
HealthCheckMiddleware ahead of the host check and the https redirect. The URL patterns exist so that they can be
reversed and stand on the public allow-list with everything else public.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.http import JsonResponse

from .dbrouter import replica_alias

HEALTH_PATHS = {"/healthz", "/readyz"}
BROKER_TIMEOUT = 2.0
#: Seconds to connect to and to hear from the object store; one attempt, no retries
#: (boto3's defaults, 60 s and several retries, would hold the probe past the
#: balancer's own timeout while the store is down).
STORAGE_TIMEOUT = 2.0


def _no_store(response: JsonResponse) -> JsonResponse:
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    return _no_store(JsonResponse({"status": "alive"}))


def _database(alias: str = "default") -> str:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    key = f"academy:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    value = cache.get(key)
    cache.delete(key)
    if value != "1":
        raise RuntimeError("the cache did not keep a value")
    return "ok"


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    from academy.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(
            max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT
        )
    return "ok"


def _storage(alias: str) -> str:
    storage = storages[alias]
    if isinstance(storage, FileSystemStorage):
        # Django creates the folder on the first upload: its nearest existing
        # ancestor must be a writable folder.
        folder = Path(storage.location)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not (folder.is_dir() and os.access(folder, os.W_OK)):
            raise PermissionError(f"{alias} storage folder is not writable")
        return "ok"
    if hasattr(storage, "bucket_name") and hasattr(storage, "_create_session"):
        return _object_store(storage)
    storage.exists("readyz-probe")
    return "ok"


def _object_store(storage) -> str:
    """HEAD the bucket with a client of its own, short timeouts and no retries."""
    from botocore.config import Config

    config = Config(
        connect_timeout=STORAGE_TIMEOUT,
        read_timeout=STORAGE_TIMEOUT,
        retries={"max_attempts": 1, "mode": "standard"},
    )
    client = storage._create_session().client(
        "s3",
        region_name=storage.region_name,
        use_ssl=storage.use_ssl,
        endpoint_url=storage.endpoint_url,
        config=storage.client_config.merge(config) if storage.client_config else config,
        verify=storage.verify,
    )
    client.head_bucket(Bucket=storage.bucket_name)
    return "ok"


def readiness() -> dict[str, str]:
    """Each dependency's state: "ok", "in-process", or "error: <kind of error>"."""
    probes = {"database": _database, "cache": _cache, "broker": _broker}
    replica = replica_alias()
    if replica:
        probes["database:replica"] = lambda: _database(replica)
    for alias in settings.STORAGES:
        if alias != "staticfiles":
            probes[f"storage:{alias}"] = lambda alias=alias: _storage(alias)
    results = {}
    for name, probe in probes.items():
        try:
            results[name] = probe()
        except Exception as error:  # noqa: BLE001 - any failure means not ready
            results[name] = f"error: {type(error).__name__}"
    return results


def readyz(request):
    checks = readiness()
    ready = not any(state.startswith("error") for state in checks.values())
    return _no_store(
        JsonResponse(
            {"status": "ready" if ready else "unavailable", "checks": checks},
            status=200 if ready else 503,
        )
    )


class HealthCheckMiddleware:
    """Answers the probes and the metrics scrape (academy.core.metrics, which checks
    its own token or address) before the host check, https redirect, session or CSRF:
    the balancer and Prometheus reach each host by its own address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD"}:
            if request.path_info == "/healthz":
                return healthz(request)
            if request.path_info == "/readyz":
                return readyz(request)
            if request.path_info == "/metrics":
                from .metrics import metrics

                return metrics(request)
        return self.get_response(request)
