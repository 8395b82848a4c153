"""A values() query that reads the rows of given keys, compiled to SQL once and run for each new set of keys.

A list page reads its rows by their keys (the page's ids, picked by the filters and the ordering). The query
that reads them is the same on every request but for those keys, yet Django builds and compiles it afresh
each time: for a project page, its joins and per-row totals took longer to compile than the database took to
run them. Here the keys are one parameter (an array on PostgreSQL, a JSON list on SQLite), so the compiled
SQL holds for any keys, and PostgreSQL plans it once per connection (prepared_rows). Each run still goes
through Django's cursor wrapper (logged, counted, wrapped) and converters, so its rows are those values()
would give."""

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query

from .prepared import prepared_rows

_KEYS = {
    "postgresql": "SELECT unnest(%s::bigint[])",
    "sqlite": "SELECT value FROM json_each(%s)",
}


class _Keys(list):
    """The placeholder parameter the query is compiled with; its place in the parameters takes the keys."""


@dataclass(frozen=True)
class Compiled:
    """A values() or values_list() query compiled to SQL, run again with the same or new parameters."""

    query: Query
    sql: str
    params: tuple
    names: list[str]
    columns: list

    @classmethod
    def of(cls, queryset: QuerySet, using: str) -> "Compiled":
        query = queryset.query
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        columns = [column for column, _, _ in compiler.select[: len(names)]]
        return cls(query, sql, tuple(params), names, columns)

    def rows(self, using: str, params=None, *, sql: str | None = None) -> list[tuple]:
        """The rows as tuples, converted as Django converts them (prepared on PostgreSQL, prepared_rows).
        `sql` may run the query inside a larger statement whose rows begin with this query's columns."""
        connection = connections[using]
        rows = prepared_rows(connection, self.sql if sql is None else sql, self.params if params is None else params)
        compiler = connection.ops.compiler("SQLCompiler")(self.query, connection, using)
        converters = compiler.get_converters(self.columns)
        return list(compiler.apply_converters(rows, converters)) if converters else rows


class PageKeys:
    """A list page's keys as the query that picks them (filtered, ordered and sliced), not yet run: each key
    selected as `_key` beside the whole list's count as `_total`. KeyedRows.in_order reads the page's rows in
    that same statement, so a page costs the database one round trip; `keys` and `total` then hold what it
    found (`total` is None when the page held no row). Anything else that reads the keys runs the query."""

    def __init__(self, compiled: Compiled, using: str = "default"):
        self.compiled = compiled
        self.using = using
        self.keys: list[int] | None = None
        self.total: int | None = None

    def found(self, rows) -> None:
        """What the query gave: rows ending with (key, total), in the page's order."""
        self.keys = [row[-2] for row in rows]
        self.total = rows[0][-1] if rows else None

    def __iter__(self):
        if self.keys is None:
            self.found(self.compiled.rows(self.using))
        return iter(self.keys)


class KeyedRows:
    """`rows(keys)`: the rows of `build()` (a values() queryset) whose `key` is one of `keys`, as dicts, in the
    queryset's order. `build` must give the same query every time it is called (no time, user or setting read
    per call); what differs per caller belongs in the keys. The rows must hold the key as "id"."""

    def __init__(self, build: Callable[[], QuerySet], key: str = "pk"):
        self.build = build
        self.key = key
        self._compiled: dict[tuple, tuple[Compiled, int] | Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, keys: Sequence[int], *, using: str = "default") -> list[dict]:
        keys = list(keys)
        if not keys:
            return []
        vendor = connections[using].vendor
        query, at = self._once((using, vendor), lambda: self._compile(using, vendor))
        params = list(query.params)
        params[at] = keys if vendor == "postgresql" else json.dumps(keys)
        return [dict(zip(query.names, row, strict=True)) for row in query.rows(using, params)]

    def in_order(self, keys: Sequence[int] | PageKeys, *, using: str = "default") -> list[dict]:
        """The rows of `keys` (keyed by the queryset's primary key) in the order of `keys`, as a page lists
        them; a key with no row is left out. Given a page's PageKeys, its keys are picked in the same query."""
        if isinstance(keys, PageKeys):
            return self._page(keys)
        by_key = {row["id"]: row for row in self(keys, using=using)}
        return [by_key[key] for key in keys if key in by_key]

    def _page(self, page: PageKeys) -> list[dict]:
        # The keys' query is a common table expression that the rows' query reads its keys from. Its rows are
        # numbered as that query returns them (in its ORDER BY, LIMIT applied), and the rows follow those
        # numbers; the whole list's count rides on each row.
        using = page.using
        compiled = self._once((using, connections[using].vendor, PageKeys), lambda: self._compile_for_page(using))
        sql = (
            f'WITH "page" AS (SELECT "k".*, ROW_NUMBER() OVER () AS "_ord" FROM ({page.compiled.sql}) "k") '
            f'SELECT "r".*, "page"."_key", "page"."_total" FROM ({compiled.sql}) "r" '
            f'INNER JOIN "page" ON "page"."_key" = "r"."id" ORDER BY "page"."_ord"'
        )
        found = compiled.rows(using, (*page.compiled.params, *compiled.params), sql=sql)
        page.found(found)
        names = compiled.names
        # zip stops at the last of the rows' own columns, leaving out the key and total the page added.
        return [dict(zip(names, row, strict=False)) for row in found]

    def _once(self, key: tuple, compile_: Callable):
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled[key] = compile_()
        return compiled

    def _compile(self, using: str, vendor: str) -> tuple[Compiled, int]:
        if vendor not in _KEYS:
            raise NotImplementedError(f"KeyedRows does not know how to pass keys to {vendor}")
        placeholder = _Keys()
        queryset = self.build().filter(**{f"{self.key}__in": RawSQL(_KEYS[vendor], [placeholder])})
        compiled = Compiled.of(queryset, using)
        (at,) = [i for i, param in enumerate(compiled.params) if param is placeholder]
        return compiled, at

    def _compile_for_page(self, using: str) -> Compiled:
        return Compiled.of(self.build().filter(**{f"{self.key}__in": RawSQL('SELECT "_key" FROM "page"', ())}), using)


# Compiled once per key (see compiled_once); a bound on how many are kept, as page numbers and sizes vary.
_ONCE: dict[tuple, Compiled] = {}
ONCE_KEPT = 512


def compiled_once(key: tuple, build: Callable[[], QuerySet], *, using: str = "default") -> Compiled:
    """`build()` (a values() or values_list() queryset) compiled, the first time `key` is asked for only: the
    caller vouches that `key` names one query, parameters and all (an unfiltered list's page)."""
    connection_key = (using, connections[using].vendor, *key)
    compiled = _ONCE.get(connection_key)
    if compiled is None:
        if len(_ONCE) >= ONCE_KEPT:
            _ONCE.clear()
        compiled = _ONCE[connection_key] = Compiled.of(build(), using)
    return compiled
