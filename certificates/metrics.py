"""Certificates in Prometheus (academy.core.metrics): how many are issued, by state.

Read from the database at scrape time, so every web host reports the same figure
whichever worker issued them; `rate()` over the total gives issues per hour.
"""

from __future__ import annotations

from django.db.models import Count

from prometheus_client.core import GaugeMetricFamily

from certificates.models import Certificate


class CertificatesCollector:
    def collect(self):
        issued = GaugeMetricFamily(
            "academy_certificates_issued",
            "Certificates issued (signed), by their current status.",
            labels=["status"],
        )
        rows = (
            Certificate.objects.exclude(status=Certificate.Status.PENDING)
            .values_list("status")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for status, count in rows:
            issued.add_metric([status], count)
        yield issued
