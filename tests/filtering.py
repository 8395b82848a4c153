"""Helpers to run a FilterSet on query-string data, as a page or the API would."""

from urllib.parse import urlencode

from django.http import QueryDict


def _bound(filterset_class, data: dict):
    # As a query string arrives: every value a string, a list repeats the parameter.
    query = QueryDict(urlencode(data, doseq=True))
    return filterset_class(data=query, queryset=filterset_class._meta.model.objects.all())


def filtered(filterset_class, data: dict) -> set:
    """The rows the filterset keeps out of all rows of its model; the data must be valid."""
    filterset = _bound(filterset_class, data)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


def errors(filterset_class, data: dict) -> dict:
    filterset = _bound(filterset_class, data)
    assert not filterset.is_valid()
    return filterset.errors
