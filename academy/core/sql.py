"""Reading the rows of a SQL statement of our own, streamed as the ORM's iterator()
streams: a server-side cursor on PostgreSQL (unless DISABLE_SERVER_SIDE_CURSORS, as
behind a transaction-pooling PgBouncer), fetchmany elsewhere."""

from collections.abc import Iterator, Sequence

from django.db import connection


def rows_streamed(sql: str, params: Sequence, *, chunk_size: int = 2000) -> Iterator:
    """The rows of `sql`, `chunk_size` at a time from the database."""
    chunked = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    cursor = connection.chunked_cursor() if chunked else connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(chunk_size):
            yield from chunk
