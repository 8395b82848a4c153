"""A values() query that reads the rows of given keys, compiled to SQL once and run for each new set of keys.

A list page reads its rows by their keys (the page's ids, picked by the filters and the ordering). The query
that reads them is the same on every request but for those keys, yet Django builds and compiles it afresh
each time: for a project page, its joins and per-row totals took longer to compile than the database took to
run them. Here the keys are one parameter (an array on PostgreSQL, a JSON list on SQLite), so the compiled
SQL holds for any keys, and PostgreSQL plans it once per connection (prepared_cursor). Each run still goes
through Django's cursor wrapper (logged, counted, wrapped) and converters, so its rows are those values()
would give."""

import json
import threading
from collections.abc import Callable, Sequence

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .prepared import prepared_cursor

_KEYS = {
    "postgresql": "SELECT unnest(%s::bigint[])",
    "sqlite": "SELECT value FROM json_each(%s)",
}


class _Keys(list):
    """The placeholder parameter the query is compiled with; its place in the parameters takes the keys."""


class KeyedRows:
    """`rows(keys)`: the rows of `build()` (a values() queryset) whose `key` is one of `keys`, as dicts, in the
    queryset's order. `build` must give the same query every time it is called (no time, user or setting read
    per call); what differs per caller belongs in the keys."""

    def __init__(self, build: Callable[[], QuerySet], key: str = "pk"):
        self.build = build
        self.key = key
        self._compiled: dict[tuple[str, str], tuple] = {}
        self._lock = threading.Lock()

    def __call__(self, keys: Sequence[int], *, using: str = "default") -> list[dict]:
        keys = list(keys)
        if not keys:
            return []
        connection = connections[using]
        compiled = self._compiled.get((using, connection.vendor))
        if compiled is None:
            with self._lock:
                compiled = self._compiled[(using, connection.vendor)] = self._compile(using)
        query, sql, params, at, names, columns = compiled
        params = list(params)
        params[at] = keys if connection.vendor == "postgresql" else json.dumps(keys)
        with prepared_cursor(connection) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        compiler = connection.ops.compiler("SQLCompiler")(query, connection, using)
        converters = compiler.get_converters(columns)
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _compile(self, using: str) -> tuple:
        vendor = connections[using].vendor
        if vendor not in _KEYS:
            raise NotImplementedError(f"KeyedRows does not know how to pass keys to {vendor}")
        placeholder = _Keys()
        queryset = self.build().filter(**{f"{self.key}__in": RawSQL(_KEYS[vendor], [placeholder])})
        query = queryset.query
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        (at,) = [i for i, param in enumerate(params) if param is placeholder]
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        columns = [column for column, _, _ in compiler.select[: len(names)]]
        return query, sql, tuple(params), at, names, columns
