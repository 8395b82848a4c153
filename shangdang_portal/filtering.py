"""Pieces the per-app FilterSets share: ordering that always ends with the primary key, Chinese text search."""

import copy
import json
from functools import reduce
from operator import or_

import django_filters
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from .serializers import MONTH_INPUT_FORMATS, MONTH_SCHEMA


@extend_schema_field(MONTH_SCHEMA)
class MonthFilter(django_filters.DateFilter):
    """A month in a query string: YYYY-MM (a full date means its month), documented as such."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", MONTH_INPUT_FORMATS)
        super().__init__(*args, **kwargs)


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """One or more values of a choice column of the row itself (`?category=a&category=b`). Such a filter
    joins nothing, so it cannot repeat a row: django-filter's default DISTINCT would only make the database
    compare whole rows (and everything annotated on them) for every match before it could apply the LIMIT."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class PortalFilterSet(django_filters.FilterSet):
    """A FilterSet whose form class is built once per FilterSet class and set of filters (a page may drop a
    filter for some readers). django-filter builds a form field for every filter and a new form class from
    them for each use, which cost a filtered project list (two dozen filters) more than its queries; a form
    class is made to be reused (each form copies its fields), and no filter here builds its field from the
    request. The labels that follow the request's language are lazy."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django-filter's own __init__, but for the copy of the filters: it deep-copies every filter for each
        # use, querysets and choices included, which cost a filtered list about a millisecond. Each use needs
        # filters of its own (they are told their FilterSet and model, and may keep a built field or new
        # choices), not copies of everything they hold: a shallow copy with its own `extra` is that.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _own_copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

    def get_form_class(self):
        cls = type(self)
        built = cls.__dict__.get("_form_classes")
        if built is None:
            built = cls._form_classes = {}
        names = tuple(self.filters)
        form_class = built.get(names)
        if form_class is None:
            form_class = built[names] = super().get_form_class()
        return form_class


def _own_copy(filter_):
    copied = copy.copy(filter_)
    copied.extra = dict(filter_.extra)
    if getattr(filter_, "_method", None) is not None:
        copied.method = filter_._method  # a filter `method=` calls through an object bound to its filter
    return copied


_descending = lazy(lambda label: gettext("%(field)s（倒序）") % {"field": label}, str)


class StableOrderingFilter(django_filters.OrderingFilter):
    """`ordering=` with the FilterSet's default order; pk last so pages never shuffle between requests."""

    def __init__(self, *args, default: tuple[str, ...] = (), **kwargs):
        self.default = default
        self.field_labels = dict(kwargs.get("field_labels", {}))
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        # The sort menu is labelled when a form is built, in the request's language, with the model fields'
        # own names: django-filter's choices are fixed at import with English names made from the
        # parameters ("Total investment (descending)").
        # A field built earlier without a model (the API schema reads the FilterSet's base filters) is built again.
        if getattr(self, "model", None) is not None and not getattr(self, "_labelled", False):
            self.extra["choices"] = self._choices()
            self.__dict__.pop("_field", None)
            self._labelled = True
        return super().field

    def _choices(self) -> list[tuple[str, str]]:
        # Lazy labels: a field built once (the API schema builds the FilterSet's base filters) still reads in
        # the language of each request that renders it.
        choices = []
        for param, name in self.param_map.items():
            label = self.field_labels.get(name) or self._verbose_name(name)
            choices += [(param, label), (f"-{param}", _descending(label))]
        return choices

    def _verbose_name(self, name: str) -> str:
        if name in ("id", "pk"):
            return gettext_lazy("编号")
        try:
            return self.model._meta.get_field(name.split("__")[0]).verbose_name
        except FieldDoesNotExist:
            return name

    def filter(self, qs, value):
        value = [p for p in value or [] if p and p.strip("-")]  # `ordering=,` or `-` name no field: ignored
        ordering = [self.get_ordering_value(p) for p in value] if value else list(self.default)
        keys = {o.lstrip("-") for o in ordering}
        if "pk" not in keys and "id" not in keys:
            ordering.append("pk")
        return qs.order_by(*ordering)


def text_search(value: str, fields: list[str], json_fields: list[str] = ()) -> Q:
    """Substring search (case-insensitive) over plain fields and JSON lists of names.

    A JSON list is matched on its stored text. SQLite stores non-ASCII as \\uXXXX escapes, so the
    escaped form of the term is tried as well; PostgreSQL's jsonb keeps the characters themselves.
    """
    value = value.strip()
    terms = [Q(**{f"{f}__icontains": value}) for f in fields]
    escaped = json.dumps(value)[1:-1]
    for f in json_fields:
        terms.append(Q(**{f"{f}__icontains": value}))
        if escaped != value:
            terms.append(Q(**{f"{f}__icontains": escaped}))
    return reduce(or_, terms)


def apply_filterset(filterset_class, filters: dict | None, queryset):
    """A selector's `filters=` argument: the same FilterSet the API uses; bad values raise ValidationError."""
    if filters is None:
        return queryset
    filterset = filterset_class(filters, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


# Query-string keys that are no filter: the page and its size, the output format.
NOT_FILTERS = frozenset({"page", "page_size", "format"})


def answers_empty_alone(filterset_class) -> bool:
    """Whether a FilterSet given no values at all filters nothing and only orders: each of its filters is
    django-filter's own (or one of ours above), which return the rows untouched for an empty value, and
    StableOrderingFilter applies its default order; filter_queryset() is django-filter's, or its class says
    `empty_filters_nothing = True` (its own step does nothing when no value is given)."""
    known = all(
        isinstance(f, StableOrderingFilter) or type(f).filter.__module__.startswith("django_filters.")
        for f in filterset_class.base_filters.values()
    )
    own = filterset_class.filter_queryset is django_filters.FilterSet.filter_queryset
    return known and (own or filterset_class.__dict__.get("empty_filters_nothing", False))


class PortalFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that builds no filter form when the query string names no filter (a first page, a
    page further on, one object): django-filter would copy every filter, build its form field and a form
    class and validate an empty form, all to change nothing but the default order, which cost a list of
    figures a fifth of its time. Any other query string takes django-filter's path, errors and all."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        filters = filterset_class.base_filters
        asked = [key for key in request.query_params if key not in NOT_FILTERS or key in filters]
        if asked or not answers_empty_alone(filterset_class):
            return super().filter_queryset(request, queryset, view)
        built_once = getattr(queryset, "built_once", None)
        queryset = queryset.all()
        for filter_ in filters.values():
            if isinstance(filter_, StableOrderingFilter):
                queryset = filter_.filter(queryset, None)
        if built_once is not None:
            # The same anonymous base in the FilterSet's default order: the same query on every request.
            queryset.built_once = f"{built_once}:{filterset_class.__module__}.{filterset_class.__qualname__}"
        return queryset
