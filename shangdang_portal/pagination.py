"""Page-number pagination for every API list: `page`, `page_size` (at most 200) and a total `count`.

A list whose rows are wide or joined (a report with its project, users and totals) picks its page's keys
first: the ordering and the filters run over the keys alone and the LIMIT comes before the joins, the
annotations and the prefetches, which then run for the page's rows only. A view that reads its rows itself
(`page_rows(keys)`) is given the page's keys as the query that picks them with the list's count (PageKeys),
which a KeyedRows reads in the same statement as the rows."""

from django.core.paginator import Paginator
from django.db.models import Count, F, QuerySet, Subquery, Value
from rest_framework.pagination import PageNumberPagination

from .keyed_rows import Compiled, PageKeys, compiled_once

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


def page_keys(queryset, bottom: int, top: int, *, using: str = "default") -> PageKeys:
    """The keys of rows bottom..top of a plain ordered queryset and the number of all its rows, as one query
    not yet run (the total a scalar subquery beside the keys): a list page's count, keys and rows were three
    round trips, each built and compiled apart."""

    def build():
        # COUNT(*), as QuerySet.count() asks: counting a column would read it from every row, where the
        # filters' indexes alone answer a count of rows.
        total = queryset.order_by().values(_one=Value(1)).annotate(_n=Count("*")).values("_n")
        return queryset.values(_key=F("pk"), _total=Subquery(total))[bottom:top]

    # An anonymous caller's unfiltered list is the same query on every request but for the page: its SQL is
    # compiled once (and prepared, on PostgreSQL) per page, as building and compiling it cost the figure list
    # about a millisecond, more than the database took to answer it.
    built_once = getattr(queryset, "built_once", None)
    if built_once:
        return PageKeys(compiled_once(("page_keys", built_once, bottom, top), build, using=using), using)
    return PageKeys(Compiled.of(build(), using), using)


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
        # The count is not asked first: it comes with the page's keys and rows, unless it is known already (a
        # request for the last page), the queryset is not plain, or the page is empty (then validate_number
        # counts, to tell an empty list's first page from a page past the end).
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = self.validate_number(number)  # raises PageNotAnInteger as Django's paginator does
        if 1 <= number <= MERGED_PAGES and "count" not in self.__dict__ and _plain(self.object_list):
            bottom = (number - 1) * self.per_page
            keys = page_keys(self.object_list, bottom, bottom + self.per_page, using=self.object_list.db)
            rows = self.rows(keys)
            if keys.total is not None:
                self.__dict__["count"] = keys.total  # the cached_property Paginator.count
            number = self.validate_number(number)
        else:
            number = self.validate_number(number)
            bottom = (number - 1) * self.per_page
            rows = self.rows(list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page]))
        return self._get_page(rows, number, self)


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
