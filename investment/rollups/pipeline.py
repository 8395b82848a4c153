"""四库 pipeline per scope: projects and total investment in each pool at the as-of date, moves in the year."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from projects.models import PoolMove

from ..models import TALLY_POOLS, PipelinePool
from .scopes import Scope


def pool_at(as_of: dt.date):
    """A project's pool on a date: after its last move by then; before its first later move; else today's."""
    last = PoolMove.objects.filter(project=OuterRef("pk"), moved_on__lte=as_of).order_by("-moved_on", "-id")
    first_later = PoolMove.objects.filter(project=OuterRef("pk"), moved_on__gt=as_of).order_by("moved_on", "id")
    return Coalesce(
        Subquery(last.values("to_pool")[:1]),
        Subquery(first_later.values("from_pool")[:1]),
        "pool",
        output_field=CharField(),
    )


def pipeline_flows(*, scope: Scope, start: dt.date, end: dt.date) -> list[dict]:
    """The moves between pools in a period, counted per (from, to) pair."""
    return list(
        PoolMove.objects.filter(scope.projects_q("project__"), moved_on__gte=start, moved_on__lte=end)
        .values("from_pool", "to_pool")
        .annotate(moves=Count("id"))
        .order_by("from_pool", "to_pool")
    )


PIPELINE_KEY = ["scope_kind", "region_id", "park_id", "pool"]


def pipeline_rows(*, scopes: list[Scope], sums: dict) -> list[tuple[tuple, dict]]:
    """Each scope's pools from its stored sums (ScopeTally), as (natural key, values) for write_changed."""
    rows = []
    for scope in scopes:
        tally = sums[(scope.kind, scope.id)]
        for pool in PipelinePool.POOLS:
            key = TALLY_POOLS[pool]
            rows.append(
                (
                    (scope.kind, scope.key["region_id"], scope.key["park_id"], pool),
                    {
                        "project_count": tally[f"pool_{key}_projects"],
                        "total_investment": tally[f"pool_{key}_investment"],
                        "moved_in": tally[f"moved_in_{key}"],
                        "moved_out": tally[f"moved_out_{key}"],
                    },
                )
            )
    return rows
