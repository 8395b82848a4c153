"""Reads of the roll-ups: rows for pages and the API, batch rates with the printed ones, rankings side by side."""

from __future__ import annotations

from django.db.models import Max, QuerySet

from .models import BatchRate, PipelinePool, ProjectSignal, Ranking, Rollup
from .rollups.rankings import ranked_rollups


def rollup_list(*, filters: dict | None = None) -> QuerySet[Rollup]:
    from .filtersets import RollupFilterSet

    qs = Rollup.objects.select_related(
        "campaign_year", "region", "park", "indicator", "target_ref", "figure", "figure__report"
    )
    return RollupFilterSet(filters or {}, queryset=qs).qs


def batch_rate_list() -> QuerySet[BatchRate]:
    return BatchRate.objects.select_related("batch", "reported_figure", "reported_figure__report")


def pipeline_list() -> QuerySet[PipelinePool]:
    return PipelinePool.objects.select_related("campaign_year", "region", "park")


def project_signal_list() -> QuerySet[ProjectSignal]:
    return ProjectSignal.objects.select_related("project", "campaign_year")


def ranking_list() -> QuerySet[Ranking]:
    return Ranking.objects.select_related("campaign_year", "indicator").prefetch_related(
        "entries__region", "entries__park"
    )


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
