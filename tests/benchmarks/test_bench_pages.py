"""The page benchmark's load generator, against Django's live server: counts, not time."""

import pytest

from benchmarks.bench_pages import LoadResult, format_table, issue_requests, percentile


def test_twenty_requests_give_twenty_ok_responses(live_server, settings):
    settings.ROOT_URLCONF = "benchmarks.urls"

    result = issue_requests(f"{live_server.url}/bench/bare/", count=20, concurrency=4)

    assert result.requests == 20
    assert result.statuses == {200: 20}
    assert result.errors == 0
    assert 0 < result.p50_ms <= result.p95_ms


def test_statuses_other_than_ok_are_counted(live_server, settings):
    settings.ROOT_URLCONF = "benchmarks.urls"

    result = issue_requests(f"{live_server.url}/dashboard/", count=6, concurrency=2)

    assert result.statuses == {302: 6}  # signed out: sent to the sign-in page


def test_only_loopback_is_loaded():
    with pytest.raises(ValueError, match="127.0.0.1"):
        issue_requests("http://example.com/", count=1)


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 21)]
    assert percentile(values, 0.50) == 10.0
    assert percentile(values, 0.95) == 19.0
    assert percentile([], 0.95) == 0.0


def test_table_compares_each_target_with_the_first():
    bare = LoadResult(target="bare", requests=2000, seconds=2.0, p50_ms=3, p95_ms=5)
    page = LoadResult(target="page", requests=500, seconds=2.0, p50_ms=12, p95_ms=20)

    last_row = format_table([bare, page]).splitlines()[-1].split()

    assert last_row == ["page", "250", "12.0", "20.0", "0.25"]
