"""Reads of reports, indicators, figures, targets and campaign years; anonymous callers see published reports only."""

from django.db.models import Q, QuerySet

from shangdang_portal import roles
from shangdang_portal.filtering import apply_filterset

from .filtersets import (
    CampaignYearFilterSet,
    FigureFilterSet,
    IndicatorFilterSet,
    ReportFilterSet,
    TargetFilterSet,
)
from .models import CampaignYear, Figure, Indicator, Report, Target


def visible_reports(user) -> QuerySet[Report]:
    """A report is published once it has a publication date; before that only signed-in readers see it."""
    if getattr(user, "is_authenticated", False):
        return Report.objects.all()
    return Report.objects.filter(published_on__isnull=False)


def report_list(*, user, filters: dict | None = None) -> QuerySet[Report]:
    # The full text is large: lists leave it out, the detail view reads it.
    queryset = visible_reports(user).defer("text").order_by("-published_on", "file_name", "pk")
    return apply_filterset(ReportFilterSet, filters, queryset)


def indicator_list(*, user=None, filters: dict | None = None) -> QuerySet[Indicator]:
    return apply_filterset(IndicatorFilterSet, filters, Indicator.objects.order_by("code", "pk"))


def figure_list(*, user, filters: dict | None = None) -> QuerySet[Figure]:
    """Figures of the reports the user may see; for callers who cannot read everything, not those of
    unpublished projects either."""
    queryset = Figure.objects.filter(report__in=visible_reports(user).values("pk"))
    if not roles.can_read_all(user):
        queryset = queryset.filter(Q(project__isnull=True) | Q(project__is_public=True))
    queryset = queryset.select_related("report", "indicator", "region", "park", "project", "company").defer(
        "report__text"
    )
    return apply_filterset(FigureFilterSet, filters, queryset.order_by("report", "quote_offset", "pk"))


def target_list(*, user=None, filters: dict | None = None) -> QuerySet[Target]:
    queryset = Target.objects.select_related("campaign_year", "indicator", "region", "park", "source_figure")
    queryset = queryset.defer("source_figure__quote", "source_figure__note")
    return apply_filterset(TargetFilterSet, filters, queryset.order_by("-campaign_year__year", "indicator__code", "pk"))


def campaign_year_list(*, user=None, filters: dict | None = None) -> QuerySet[CampaignYear]:
    return apply_filterset(CampaignYearFilterSet, filters, CampaignYear.objects.order_by("-year", "pk"))
