"""The operations page (Wagtail admin → Settings → Operations): what `celery inspect`
and `/readyz` would tell an operator, for academy administrators.

Workers are asked over the broker's control channel (ping, the queues each consumes,
the tasks each is running) with a short timeout; queue depths are read from the
Redis broker; failed tasks come from the counts academy.core.metrics keeps in the
shared cache. A queue that has messages waiting and no worker consuming it is named
as the problem it is. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from academy.accounts.authz import permission_required

from .health import readiness

#: Seconds to wait for workers to answer a broadcast (`celery inspect --timeout`).
INSPECT_TIMEOUT = 1.0


def routed_queues() -> list[str]:
    """Every queue a task can be sent to: the routes' and the default queue."""
    queues = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    queues.add(settings.CELERY_TASK_DEFAULT_QUEUE)
    return sorted(queues)


@dataclass
class WorkerState:
    name: str
    queues: list[str]
    active: int


@dataclass
class QueueState:
    name: str
    #: Messages waiting; None when the broker cannot say (not Redis, or down).
    depth: int | None
    workers: list[str]

    @property
    def stranded(self) -> bool:
        """Work is waiting and nobody will take it."""
        return not self.workers and bool(self.depth)


@dataclass
class CeleryStatus:
    mode: str  # "in-process", "broker" or "error"
    error: str = ""
    workers: list[WorkerState] = field(default_factory=list)
    queues: list[QueueState] = field(default_factory=list)
    failures: list[tuple[str, int]] = field(default_factory=list)


def _failures(app) -> list[tuple[str, int]]:
    from .metrics import FAILURE_KEY

    app.loader.import_default_modules()
    names = sorted(name for name in app.tasks if not name.startswith("celery."))
    counts = cache.get_many([FAILURE_KEY + name for name in names])
    return [
        (name, counts[FAILURE_KEY + name])
        for name in names
        if counts.get(FAILURE_KEY + name)
    ]


def celery_status(*, timeout: float = INSPECT_TIMEOUT) -> CeleryStatus:
    """Workers, queues and failures as the broker and the workers report them."""
    from academy.celery import app

    failures = _failures(app)
    if app.conf.task_always_eager:
        return CeleryStatus(mode="in-process", failures=failures)
    try:
        # A connection of its own to the broker configured now: the app's pool may
        # hold one opened before a change of broker_url, which would answer instead.
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
            inspect = app.control.inspect(timeout=timeout, connection=connection)
            pings = inspect.ping() or {}
            consumed = inspect.active_queues() or {}
            running = inspect.active() or {}
    except Exception as error:  # noqa: BLE001 - shown to the operator, by kind
        return CeleryStatus(mode="error", error=type(error).__name__, failures=failures)
    workers = [
        WorkerState(
            name=name,
            queues=sorted(queue["name"] for queue in consumed.get(name, [])),
            active=len(running.get(name, [])),
        )
        for name in sorted(pings)
    ]
    names = sorted(
        set(routed_queues()) | {queue for worker in workers for queue in worker.queues}
    )
    depths: dict[str, int | None] = dict.fromkeys(names)
    if app.conf.broker_url.startswith(("redis://", "rediss://")):
        try:
            with app.connection_for_read() as connection:
                client = connection.default_channel.client
                depths = {name: client.llen(name) for name in names}
        except Exception:  # noqa: BLE001, S110 - depths unknown, workers still shown
            pass
    queues = [
        QueueState(
            name=name,
            depth=depths.get(name),
            workers=[worker.name for worker in workers if name in worker.queues],
        )
        for name in names
    ]
    return CeleryStatus(
        mode="broker", workers=workers, queues=queues, failures=failures
    )


@permission_required("core.view_operations", hide=True)
def operations(request):
    return TemplateResponse(
        request,
        "core/admin/operations.html",
        {
            "celery": celery_status(),
            "checks": readiness(),
            "page_title": _("Operations"),
        },
    )


__all__ = ["celery_status", "operations", "routed_queues"]
