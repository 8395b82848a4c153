"""Page-number pagination for every API list: `page`, `page_size` (at most 200) and a total `count`.

A list whose rows are wide or joined (a report with its project, users and totals) picks its page's keys
first: the ordering and the filters run over the keys alone and the LIMIT comes before the joins, the
annotations and the prefetches, which then run for the page's rows only. A view that reads its rows itself
(`page_rows(keys)`) is given the page's keys, fetched with the list's count in one query."""

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Subquery, Value
from rest_framework.pagination import PageNumberPagination

from .keyed_rows import rows_once

# The highest page number whose keys are asked with the count; past it (an offset the database would refuse)
# the count alone tells the page is empty.
MERGED_PAGES = 1_000_000


def _plain(queryset) -> bool:
    """A queryset of model rows with nothing that changes what a row is (a union, DISTINCT, values())."""
    return (
        isinstance(queryset, QuerySet)
        and not queryset.query.combinator
        and not queryset.query.distinct
        and not queryset.query.values_select
        and queryset._fields is None
    )


def keys_first(queryset, bottom: int, top: int):
    """The rows bottom..top of an ordered queryset, in one query whose inner part picks their keys (ordered,
    filtered, limited) before the outer part joins and annotates those rows alone. Anything that is not a
    plain queryset of model rows (a list, values(), a union, DISTINCT) is sliced as it is."""
    if not _plain(queryset):
        return queryset[bottom:top]
    keys = queryset.values("pk")[bottom:top]
    return queryset.filter(pk__in=keys)


def keys_and_total(queryset, bottom: int, top: int) -> tuple[list, int | None]:
    """The keys of rows bottom..top of a plain ordered queryset and the number of all its rows, in one query
    (the total a scalar subquery beside the keys): a list page's count and keys were two round trips, each
    built and compiled apart. The total is None when the slice holds no row to carry it."""

    def build():
        # COUNT(*), as QuerySet.count() asks: counting a column would read it from every row, where the
        # filters' indexes alone answer a count of rows.
        total = queryset.order_by().values(_one=Value(1)).annotate(_n=Count("*")).values("_n")
        return queryset.annotate(_total=Subquery(total)).values_list("pk", "_total")[bottom:top]

    # An anonymous caller's unfiltered list is the same query on every request but for the page: its SQL is
    # compiled once (and prepared, on PostgreSQL) per page, as building and compiling it cost the figure list
    # about a millisecond, more than the database took to answer it.
    built_once = getattr(queryset, "built_once", None)
    found = rows_once(("keys_and_total", built_once, bottom, top), build) if built_once else list(build())
    return [key for key, _ in found], (found[0][1] if found else None)


class KeysFirstPaginator(Paginator):
    def __init__(self, *args, rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows

    def page(self, number):
        if self.rows is not None:
            return self._rows_page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(keys_first(self.object_list, bottom, top), number, self)

    def _rows_page(self, number):
        # The count is not asked first: it comes with the page's keys, unless it is known already (a request
        # for the last page), the queryset is not plain, or the page is empty (then validate_number counts, to
        # tell an empty list's first page from a page past the end).
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = self.validate_number(number)  # raises PageNotAnInteger as Django's paginator does
        if 1 <= number <= MERGED_PAGES and "count" not in self.__dict__ and _plain(self.object_list):
            bottom = (number - 1) * self.per_page
            keys, total = keys_and_total(self.object_list, bottom, bottom + self.per_page)
            if total is not None:
                self.__dict__["count"] = total  # the cached_property Paginator.count
            number = self.validate_number(number)
        else:
            number = self.validate_number(number)
            bottom = (number - 1) * self.per_page
            keys = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        return self._get_page(self.rows(keys), number, self)


class PortalPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class KeysFirstPagination(PortalPagination):
    """PortalPagination that limits the page's keys before joining their rows (see keys_first). A view with a
    `page_rows(keys)` method is given the page's keys, in order, and answers the page's rows itself (values
    read in a few queries, say) instead of model instances."""

    def paginate_queryset(self, queryset, request, view=None):
        self.page_rows = getattr(view, "page_rows", None)
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, queryset, page_size):
        return KeysFirstPaginator(queryset, page_size, rows=getattr(self, "page_rows", None))
