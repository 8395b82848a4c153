"""A cursor whose statements PostgreSQL prepares: planned once per connection, then only executed.

A query that is cheap to run but costly to plan (many joins or subqueries: the overview's data stamp, a list's
rows read by their keys) spends most of its time in the planner. Django's own PostgreSQL cursors bind
parameters on the client and cannot prepare, so on PostgreSQL this opens a psycopg cursor that binds on the
server and prepares every statement, on Django's connection (inside whatever transaction is open) and inside
Django's cursor wrapper (errors, execute wrappers and the query log as for any other query). Connections
persist (CONN_MAX_AGE), so the plan serves many requests. Elsewhere, or with PREPARED_STATEMENTS off, it is
Django's plain cursor."""

from contextlib import contextmanager
from types import SimpleNamespace

import psycopg
from django.conf import settings
from django.db import DatabaseError
from psycopg.types.datetime import TimestamptzLoader

# psycopg's own default; a statement from here is prepared on its first run all the same (prepare=True).
PREPARE_THRESHOLD = 5


class PreparingCursor(psycopg.Cursor):
    """Binds on the server and prepares every statement it runs."""

    def execute(self, query, params=None, **kwargs):
        kwargs.setdefault("prepare", True)
        result = super().execute(query, params, **kwargs)
        if self._query is None:
            # Django's query log reads the statement from here; a prepared run leaves it empty.
            self._query = SimpleNamespace(query=query.encode() if isinstance(query, str) else query)
        return result


@contextmanager
def prepared_cursor(connection, *, check: bool = True):
    if connection.vendor != "postgresql" or not settings.PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            yield cursor
        return
    # As Django's own cursor() opens a cursor: the connection health-checked once per request (a persistent
    # connection the server dropped is replaced, not failed on) unless the caller checks it by using it
    # (prepared_rows), then connected, on its own thread.
    if check:
        connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    # Django opens its connections with prepared statements turned off (prepare_threshold None), which psycopg
    # honours even when a statement asks to be prepared. Django's own cursors bind on the client and never
    # prepare, so turning them on touches only the statements sent from here.
    if connection.connection.prepare_threshold is None:
        connection.connection.prepare_threshold = PREPARE_THRESHOLD
    with connection.wrap_database_errors:
        raw = PreparingCursor(connection.connection)
    # Django reads timestamps with a loader of its own, written in Python (some 4 µs a value against 0.2 for
    # psycopg's, in C), and a page of projects with their newest reports reads hundreds of them. psycopg's
    # loader puts them in the session's time zone: the same aware datetimes while that is the zone Django set
    # (without USE_TZ Django reads them naive, so its loader stays).
    if settings.USE_TZ and connection.connection.info.parameter_status("TimeZone") == connection.timezone_name:
        raw.adapters.register_loader("timestamptz", TimestamptzLoader)
    cursor = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with cursor:
        yield cursor


def prepared_rows(connection, sql: str, params=None) -> list[tuple]:
    """The rows of a read-only statement, prepared (prepared_cursor).

    A kept connection is checked once per request before it is used (CONN_HEALTH_CHECKS): Django sends
    `SELECT 1` first, a round trip as long as a short query. When a request's first use of the connection is
    a read from here outside a transaction, the read is the check: if it finds the connection dropped, the
    connection is replaced and the read sent once more, which is what the check would have done first."""
    by_use = (
        connection.vendor == "postgresql"
        and settings.PREPARED_STATEMENTS
        and connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )
    if by_use:
        connection.health_check_done = True
    try:
        with prepared_cursor(connection, check=not by_use) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    except DatabaseError:
        if not (by_use and _dropped(connection)):
            raise
    connection.close()
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _dropped(connection) -> bool:
    raw = connection.connection
    return raw is None or raw.closed or raw.broken
