"""Reads of the stored roll-up rows for the API: roll-ups, 三个一批 rates, the 四库 pipeline, signals and
rankings, with the visibility rule for the projects they name."""

from django.db.models import Max, Prefetch, Q, QuerySet

from projects.models import Project
from shangdang_portal import roles
from shangdang_portal.filtering import apply_filterset
from shangdang_portal.permissions import assigned_project_ids

from ..filtersets import (
    BatchRateFilterSet,
    PipelinePoolFilterSet,
    ProjectSignalFilterSet,
    RankingFilterSet,
    RollupFilterSet,
)
from ..models import (
    BatchRate,
    PipelinePool,
    ProjectSignal,
    Ranking,
    RankingEntry,
    Rollup,
)
from .rankings import peer_label, ranked_by_indicator


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


def hidden_project_ids(user) -> set[int]:
    """Projects a caller may not even learn the id of: unpublished ones, unless the caller reads everything
    or reports on them (the rule of project_signal_list)."""
    if roles.can_read_all(user):
        return set()
    hidden = Project.objects.filter(is_public=False).exclude(pk__in=assigned_project_ids(user))
    return set(hidden.values_list("pk", flat=True))


def pipeline_list(*, user=None, filters: dict | None = None) -> QuerySet[PipelinePool]:
    queryset = PipelinePool.objects.select_related("campaign_year", "region", "park")
    return apply_filterset(PipelinePoolFilterSet, filters, queryset.order_by("-as_of", "scope_kind", "pool", "pk"))


def project_signal_list(*, user, filters: dict | None = None) -> QuerySet[ProjectSignal]:
    """Signals of the projects the user may see: unpublished projects only for those who read everything and
    for the staff assigned to them."""
    queryset = ProjectSignal.objects.select_related("project", "campaign_year")
    if not roles.can_read_all(user):
        queryset = queryset.filter(Q(project__is_public=True) | Q(project__in=assigned_project_ids(user)))
    return apply_filterset(ProjectSignalFilterSet, filters, queryset.order_by("-as_of", "project__name", "pk"))


def ranking_list(*, user=None, filters: dict | None = None) -> QuerySet[Ranking]:
    queryset = Ranking.objects.select_related("campaign_year", "indicator").prefetch_related(
        Prefetch("entries", queryset=RankingEntry.objects.select_related("region__parent", "park__parent"))
    )
    return apply_filterset(RankingFilterSet, filters, queryset.order_by("-period", "scope_kind", "pk"))


def ranking_compare(*, ranking: Ranking) -> dict:
    """The frozen entries of a published month beside the ranking recomputed from the newest roll-up."""
    newest = Rollup.objects.filter(campaign_year=ranking.campaign_year).aggregate(newest=Max("as_of"))["newest"]
    current = []
    if newest:
        for rank, row in ranked_by_indicator(
            campaign_year=ranking.campaign_year,
            indicator=ranking.indicator,
            source=ranking.source,
            scope_kind=ranking.scope_kind,
            as_of=newest,
        ):
            current.append(
                {
                    "rank": rank,
                    "peer_group": peer_label(row.region or row.park),
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
            "peer_group": peer_label(e.region or e.park),
            "region": e.region_id,
            "park": e.park_id,
            "name": str(e.region or e.park),
            "target": e.target,
            "actual": e.actual,
            "completion_rate": e.completion_rate,
        }
        for e in ranking.entries.select_related("region__parent", "park__parent")
    ]
    return {
        "frozen_at": ranking.frozen_at,
        "as_of": ranking.as_of,
        "frozen": frozen,
        "current_as_of": newest,
        "current": current,
    }
