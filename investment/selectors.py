"""Reads of reports, indicators, figures, targets, campaign years and roll-ups; anonymous callers see published
reports only."""

from django.db.models import Max, Prefetch, Q, QuerySet

from shangdang_portal import roles
from shangdang_portal.filtering import apply_filterset

from .filtersets import (
    BatchRateFilterSet,
    CampaignYearFilterSet,
    FigureFilterSet,
    IndicatorFilterSet,
    PipelinePoolFilterSet,
    ProjectSignalFilterSet,
    RankingFilterSet,
    ReportFilterSet,
    RollupFilterSet,
    TargetFilterSet,
)
from .models import (
    BatchRate,
    CampaignYear,
    Figure,
    Indicator,
    PipelinePool,
    ProjectSignal,
    Ranking,
    RankingEntry,
    Report,
    Rollup,
    Target,
)
from .rollups.rankings import ranked_rollups


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


def rollup_list(*, user=None, filters: dict | None = None) -> QuerySet[Rollup]:
    queryset = Rollup.objects.select_related("campaign_year", "region", "park", "indicator", "figure").defer(
        "figure__quote", "figure__note"
    )
    return apply_filterset(RollupFilterSet, filters, queryset.order_by("-as_of", "indicator__code", "pk"))


def batch_rate_list(*, user=None, filters: dict | None = None) -> QuerySet[BatchRate]:
    queryset = BatchRate.objects.select_related("batch", "reported_figure").defer(
        "reported_figure__quote", "reported_figure__note"
    )
    return apply_filterset(BatchRateFilterSet, filters, queryset.order_by("-as_of", "batch__name", "kind", "pk"))


def pipeline_list(*, user=None, filters: dict | None = None) -> QuerySet[PipelinePool]:
    queryset = PipelinePool.objects.select_related("campaign_year", "region", "park")
    return apply_filterset(PipelinePoolFilterSet, filters, queryset.order_by("-as_of", "scope_kind", "pool", "pk"))


def project_signal_list(*, user, filters: dict | None = None) -> QuerySet[ProjectSignal]:
    """Signals of the projects the user may see (unpublished projects only for those who read everything)."""
    queryset = ProjectSignal.objects.select_related("project", "campaign_year")
    if not roles.can_read_all(user):
        queryset = queryset.filter(project__is_public=True)
    return apply_filterset(ProjectSignalFilterSet, filters, queryset.order_by("-as_of", "project__name", "pk"))


def ranking_list(*, user=None, filters: dict | None = None) -> QuerySet[Ranking]:
    queryset = Ranking.objects.select_related("campaign_year", "indicator").prefetch_related(
        Prefetch("entries", queryset=RankingEntry.objects.select_related("region", "park"))
    )
    return apply_filterset(RankingFilterSet, filters, queryset.order_by("-period", "scope_kind", "pk"))


def ranking_compare(*, ranking: Ranking) -> dict:
    """The frozen entries of a published month beside the ranking recomputed from the newest roll-up."""
    newest = Rollup.objects.filter(campaign_year=ranking.campaign_year).aggregate(newest=Max("as_of"))["newest"]
    current = []
    if newest:
        for rank, row in ranked_rollups(
            campaign_year=ranking.campaign_year,
            indicator=ranking.indicator,
            source=ranking.source,
            scope_kind=ranking.scope_kind,
            as_of=newest,
        ):
            current.append(
                {
                    "rank": rank,
                    "region": row.region_id,
                    "park": row.park_id,
                    "name": str(row.region or row.park),
                    "target": row.target,
                    "actual": row.actual,
                    "completion_rate": row.completion_rate,
                }
            )
    frozen = [
        {
            "rank": e.rank,
            "region": e.region_id,
            "park": e.park_id,
            "name": str(e.region or e.park),
            "target": e.target,
            "actual": e.actual,
            "completion_rate": e.completion_rate,
        }
        for e in ranking.entries.all()
    ]
    return {
        "frozen_at": ranking.frozen_at,
        "as_of": ranking.as_of,
        "frozen": frozen,
        "current_as_of": newest,
        "current": current,
    }
