"""四库 pipeline per scope: projects and total investment in each pool at the as-of date, moves in the year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import CharField, Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from projects.models import PoolMove, Project
from shangdang_portal.calendar import year_start

from ..models import TALLY_POOLS, CampaignYear, PipelinePool
from .indicators import grouped, in_scope, scopes_q
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


def pipeline_compute(*, campaign_year: CampaignYear, as_of: dt.date, scopes: list[Scope]) -> list[int]:
    """Stores each scope's pools: two grouped queries for all scopes, each scope adding up its groups."""
    if not scopes:
        return []
    money = DecimalField(max_digits=24, decimal_places=4)
    pools = grouped(
        Project.objects.filter(scopes_q(scopes)).annotate(pool_then=pool_at(as_of)),
        by=("pool_then",),
        n=Count("id"),
        total=Coalesce(Sum("total_investment"), Value(Decimal(0)), output_field=money),
    )
    moves = PoolMove.objects.filter(
        scopes_q(scopes, "project__"), moved_on__gte=year_start(campaign_year.year), moved_on__lte=as_of
    )
    flows = grouped(
        moves,
        "project__",
        **{f"in_{p}": Count("id", filter=Q(to_pool=p)) for p in PipelinePool.POOLS},
        **{f"out_{p}": Count("id", filter=Q(from_pool=p)) for p in PipelinePool.POOLS},
    )
    ids = []
    for scope in scopes:
        found: dict[str, dict] = {}
        for row in in_scope(scope, pools):
            entry = found.setdefault(row["pool_then"] or "", {"n": 0, "total": Decimal(0)})
            entry["n"] += row["n"]
            entry["total"] += row["total"]
        flow = in_scope(scope, flows)
        for pool in PipelinePool.POOLS:
            row = found.get(pool, {"n": 0, "total": Decimal(0)})
            obj, _ = PipelinePool.objects.update_or_create(
                campaign_year=campaign_year,
                as_of=as_of,
                pool=pool,
                **scope.key,
                defaults={
                    "project_count": row["n"],
                    "total_investment": row["total"],
                    "moved_in": sum(f[f"in_{pool}"] for f in flow),
                    "moved_out": sum(f[f"out_{pool}"] for f in flow),
                },
            )
            ids.append(obj.pk)
    return ids


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
