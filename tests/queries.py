"""Query budgets: a page a learner or HR officer opens costs as many queries for 1 row
as for 50. Tests count both and assert they are equal, under a ceiling."""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client, url: str) -> int:
    """The queries of one GET of `url` (a streamed body read to its end), after a first
    GET has warmed the per-process caches (content types, the site root, the reference
    caches of academy/core/refcache.py) so that only the page's own count."""
    _read(client.get(url))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        _read(response)
    return len(captured)


def _read(response) -> None:
    if response.streaming:
        b"".join(response.streaming_content)


def one_and_fifty(grow: Callable[[int], object], count: Callable[[], int]):
    """grow(1) and count, then grow(49) more and count again: (for 1, for 50)."""
    grow(1)
    one = count()
    grow(49)
    return one, count()
