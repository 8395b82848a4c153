"""Page-number pagination for every API list: `page`, `page_size` (at most 200) and a total `count`.

A list whose rows are wide or joined (a report with its project, users and totals) picks its page's keys
first: the ordering and the filters run over the keys alone and the LIMIT comes before the joins, the
annotations and the prefetches, which then run for the page's rows only."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination


def keys_first(queryset, bottom: int, top: int):
    """The rows bottom..top of an ordered queryset, in one query whose inner part picks their keys (ordered,
    filtered, limited) before the outer part joins and annotates those rows alone. Anything that is not a
    plain queryset of model rows (a list, values(), a union, DISTINCT) is sliced as it is."""
    if (
        not isinstance(queryset, QuerySet)
        or queryset.query.combinator
        or queryset.query.distinct
        or queryset.query.values_select
        or queryset._fields is not None
    ):
        return queryset[bottom:top]
    keys = queryset.values("pk")[bottom:top]
    return queryset.filter(pk__in=keys)


class KeysFirstPaginator(Paginator):
    def __init__(self, *args, rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self.rows is not None:
            keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
            return self._get_page(self.rows(keys), number, self)
        return self._get_page(keys_first(self.object_list, bottom, top), number, self)


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
