"""The xAPI outbox in Prometheus (academy.core.metrics): what waits, for how long,
and what the LRS refused. Read at scrape time through partial indexes, so the cost
stays that of the few rows not sent, however many were."""

from django.db.models import Count, Min
from django.utils import timezone

from prometheus_client.core import GaugeMetricFamily

from .models import OutboxStatement


class OutboxCollector:
    def collect(self):
        waiting = GaugeMetricFamily(
            "academy_xapi_statements_unsent",
            "xAPI statements not sent: pending (queued or retrying) or rejected by "
            "the LRS.",
            labels=["status"],
        )
        counts = dict.fromkeys(
            (OutboxStatement.Status.PENDING, OutboxStatement.Status.REJECTED), 0
        )
        rows = (
            OutboxStatement.objects.filter(status__in=list(counts))
            .values_list("status")
            .annotate(count=Count("pk"))
            .order_by()
        )
        counts.update(dict(rows))
        for status, count in counts.items():
            waiting.add_metric([status], count)
        yield waiting

        oldest = OutboxStatement.objects.filter(
            status=OutboxStatement.Status.PENDING
        ).aggregate(at=Min("created_at"))["at"]
        age = GaugeMetricFamily(
            "academy_xapi_oldest_pending_seconds",
            "Age of the oldest xAPI statement still waiting to be sent (0: none).",
        )
        age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0)
        yield age
