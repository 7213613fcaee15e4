"""Reads of the xAPI outbox for the administrators' screen."""

from __future__ import annotations

from django.db.models import Count

from .models import OutboxStatement

PAGE_SIZE = 50


def outbox_counts() -> dict[str, int]:
    """How many statements are in each status (one query)."""
    counts = dict.fromkeys(OutboxStatement.Status.values, 0)
    for row in OutboxStatement.objects.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def outbox_statements(*, status: str | None, page: int = 1) -> list[OutboxStatement]:
    """A page of statements, newest first, in one status or all (one query)."""
    statements = OutboxStatement.objects.defer("statement").order_by("-created_at")
    if status in OutboxStatement.Status.values:
        statements = statements.filter(status=status)
    start = (max(page, 1) - 1) * PAGE_SIZE
    return list(statements[start : start + PAGE_SIZE])
