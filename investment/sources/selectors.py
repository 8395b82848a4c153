"""Reads of source reports and their figures: anonymous callers see published reports only."""

from django.db.models import CharField, Q, QuerySet
from django.db.models.expressions import RawSQL

from shangdang_portal import roles
from shangdang_portal.built_once import for_anonymous
from shangdang_portal.filtering import apply_filterset
from shangdang_portal.keyed_rows import KeyedRows
from shangdang_portal.permissions import can_review_figures

from ..filtersets import (
    FigureCandidateFilterSet,
    FigureFilterSet,
    SourceReportFilterSet,
)
from ..models import (
    SCOPE_FIELDS,
    Figure,
    FigureCandidate,
    SourceReport,
)


def _published(user, prefix: str = "") -> Q:
    """A report is published once it has a publication date; before that only signed-in readers see it.
    `prefix` leads from another model to its report ("source_report__")."""
    if getattr(user, "is_authenticated", False):
        return Q()
    return Q(**{f"{prefix}published_on__isnull": False})


def visible_reports(user) -> QuerySet[SourceReport]:
    return SourceReport.objects.filter(_published(user))


def report_list(*, user, filters: dict | None = None) -> QuerySet[SourceReport]:
    # The full text is large: lists leave it out, the detail view reads it.
    queryset = visible_reports(user).defer("text").order_by("-published_on", "file_name", "pk")
    return apply_filterset(SourceReportFilterSet, filters, queryset)


def figure_list(*, user, filters: dict | None = None) -> QuerySet[Figure]:
    """Figures of the reports the user may see; for callers who cannot read everything, not those of
    unpublished projects either."""
    # On the report the figure is joined with anyway, not a subquery: every table more in the query made the
    # database spend longer planning the join than running it.
    queryset = Figure.objects.filter(_published(user, "source_report__"))
    if not roles.can_read_all(user):
        queryset = queryset.filter(Q(project__isnull=True) | Q(project__is_public=True))
    queryset = queryset.select_related("source_report", "indicator", *SCOPE_FIELDS).defer("source_report__text")
    return apply_filterset(FigureFilterSet, filters, queryset.order_by("source_report", "quote_offset", "pk"))


def figure_rows(*, user, filters: dict | None = None) -> QuerySet[Figure]:
    """figure_list as the API lists and exports it: each figure's scope as `scope_name` (its id is the
    figure's own <scope>_id), read by one lookup per row of the page, instead of joining the four scope
    tables: with them the database spent several times longer planning the join than running it. Of the
    report and the indicator it reads what the list shows."""

    def build():
        queryset = (
            figure_list(user=user, filters=filters).select_related(None).select_related("source_report", "indicator")
        )
        shown = ["source_report__title", "source_report__published_on", "indicator__code", "indicator__name_zh"]
        queryset = queryset.only(*(field.name for field in Figure._meta.concrete_fields), *shown)
        return queryset.annotate(scope_name=_SCOPE_NAME)

    return build() if filters is not None else for_anonymous("figure_rows", user, build)


def _scope_name_sql() -> str:
    # One piece of SQL rather than four Subquery expressions: Django compiled those four again for every
    # request, which cost the figure list more than the database took to look the names up.
    figures = Figure._meta.db_table
    lookups = []
    for name in SCOPE_FIELDS:
        field = Figure._meta.get_field(name)
        scope = field.related_model._meta
        lookups.append(
            f'(SELECT s."name" FROM "{scope.db_table}" s WHERE s."{scope.pk.column}" = "{figures}"."{field.column}")'
        )
    return f"COALESCE({', '.join(lookups)})"


_SCOPE_NAME = RawSQL(_scope_name_sql(), (), output_field=CharField())

# A figure row as the list writes it (figure_page_rows), its query compiled once (see KeyedRows).
_FIGURE_ROWS = KeyedRows(
    lambda: Figure.objects.order_by().values(
        *(field.attname for field in Figure._meta.concrete_fields),
        "source_report__title",
        "source_report__published_on",
        "indicator__code",
        "indicator__name_zh",
        scope_name=_SCOPE_NAME,
    )
)


def figure_page_rows(keys: list[int]) -> list[dict]:
    """The figures of `keys` (ids the caller may see: figure_rows', filtered and sliced), in that order, as
    dicts of their columns, `source_report` as {id, title, published_on}, `indicator` as {code, name_zh} or
    None and `scope_name` as figure_rows gives it: a page of figures without building a model instance for
    each figure, report and indicator."""
    rows = _FIGURE_ROWS.in_order(keys)
    for row in rows:
        row["source_report"] = {
            "id": row.pop("source_report_id"),
            "title": row.pop("source_report__title"),
            "published_on": row.pop("source_report__published_on"),
        }
        code, name = row.pop("indicator__code"), row.pop("indicator__name_zh")
        row["indicator"] = None if row.pop("indicator_id") is None else {"code": code, "name_zh": name}
    return rows


def report_figures(*, report: SourceReport, user) -> QuerySet[Figure]:
    """The figures of one report the user may see (not those of unpublished projects for the public)."""
    return figure_list(user=user).filter(source_report=report)


def review_queue(*, report: SourceReport) -> QuerySet[FigureCandidate]:
    """The report's candidate figures in the order they are printed, with what the review page shows of each."""
    return report.candidates.select_related("indicator", "figure", "restates__source_report").defer(
        "restates__source_report__text"
    )


def restatement_suggestions(*, report: SourceReport, candidates, per_candidate: int = 5) -> dict[int, list[Figure]]:
    """For each candidate, figures of other reports that print the same value in the same unit (the same
    number said again?), in one query for the whole queue."""
    keys = {(c.value, c.unit) for c in candidates}
    if not keys:
        return {}
    figures = (
        Figure.objects.exclude(source_report=report)
        .filter(value__in={value for value, _ in keys})
        .select_related("source_report", "indicator")
        .defer("source_report__text")
        .order_by("-source_report__published_on", "pk")
    )
    by_key: dict[tuple, list[Figure]] = {}
    for figure in figures:
        by_key.setdefault((figure.value, figure.unit), []).append(figure)
    return {c.pk: by_key.get((c.value, c.unit), [])[:per_candidate] for c in candidates}


def candidate_list(*, user, filters: dict | None = None) -> QuerySet[FigureCandidate]:
    """Candidate figures of every report, for the officials and admins who review them (others see none)."""
    if not can_review_figures(user):
        return FigureCandidate.objects.none()
    queryset = FigureCandidate.objects.select_related("indicator").order_by("source_report", "quote_offset", "pk")
    return apply_filterset(FigureCandidateFilterSet, filters, queryset)
