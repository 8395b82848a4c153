"""Selector querysets that are the same for every anonymous caller: built once per process, cloned per request."""

from collections.abc import Callable

from django.db.models import QuerySet

_built: dict[str, QuerySet] = {}


def for_anonymous(name: str, user, build: Callable[[], QuerySet]) -> QuerySet:
    """`build()` for a signed-in user; for anyone else a clone of the queryset `build()` gave the first time.

    Building a list's queryset (its joins, subqueries and prefetches) cost a list request about a millisecond
    of Python each time, as much as the database took to answer it; what an anonymous caller may see does not
    change between requests, only the rows do, and a clone runs its query afresh. `build` must not depend on
    anything but the caller being anonymous (no time, no settings read per request)."""
    if getattr(user, "is_authenticated", False):
        return build()
    queryset = _built.get(name)
    if queryset is None:
        queryset = _built[name] = build()
    clone = queryset.all()
    # Marks this very object (any queryset method returns a new one, unmarked): PortalFilterBackend carries
    # the mark over when it only orders, and a page of such a list reuses its compiled SQL (pagination.py).
    clone.built_once = name
    return clone
