"""晾晒比拼 as published: scopes ranked by one indicator's completion; a month's ranking is frozen, the current
one recomputed. The live page's other rule (mean completion of all printed targets) lives in
investment.dashboards.selectors.ranked_by_mean_completion; both rank only peers (peer_key) and share
competition_ranks for ties."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.models import Park, Region
from shangdang_portal.calendar import month_end

from ..models import CampaignYear, Indicator, Ranking, RankingEntry, Rollup, RollupSource

DEFAULT_INDICATOR = "project_investment"


def competition_ranks(scores: list) -> list[int | None]:
    """Ranks for scores sorted best first: equal scores share a rank (1, 2, 2, 4); no score, no rank."""
    ranks: list[int | None] = []
    for position, score in enumerate(scores, start=1):
        if score is None:
            ranks.append(None)
        elif position > 1 and score == scores[position - 2]:
            ranks.append(ranks[-1])
        else:
            ranks.append(position)
    return ranks


def peer_key(node: Region | Park) -> tuple:
    """Who a region or park is ranked against: a city against cities, a district or county against the others
    of its city, a park against the parks of the same kind under the same parent. A district is never ranked
    beside the city it belongs to (whose totals include its own). The key sorts cities before districts
    and a zone before its parks and clusters."""
    if isinstance(node, Region):
        tier = 0 if node.level == Region.Level.CITY else 1
        return ("region", tier, node.parent_id or 0)
    return ("park", Park.Kind.values.index(node.kind), node.parent_id or 0)


def peer_label(node: Region | Park) -> str:
    """The peer group's name, as the rankings page heads it (the parent must be loaded with the node)."""
    if isinstance(node, Region):
        if node.level == Region.Level.CITY:
            return _("各市")
        return _("%(city)s所辖区县") % {"city": node.parent}
    if node.parent_id is None:
        return _("各开发区")
    return _("%(parent)s · %(kind)s") % {"parent": node.parent, "kind": node.get_kind_display()}


def ranked_among_peers(items: list, *, node, score) -> list[tuple[int | None, object]]:
    """`items` ranked within each peer group, best score first (no score last): (rank, item) grouped by
    peer_key in its order. `node(item)` is the item's region or park, `score(item)` its completion."""
    groups: dict[tuple, list] = {}
    for item in items:
        groups.setdefault(peer_key(node(item)), []).append(item)
    ranked = []
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda i: (score(i) is None, -(score(i) or 0), node(i).name))
        ranked += zip(competition_ranks([score(i) for i in members]), members, strict=True)
    return ranked


def ranked_by_indicator(
    *, campaign_year: CampaignYear, indicator: Indicator, source: str, scope_kind: str, as_of: dt.date
):
    """The published rule: Rollup rows of one indicator and source with a completion rate, ranked among their
    peers (peer_key), best first within each group, as (rank, row). This is what ranking_publish freezes each
    month and ranking_compare recomputes."""
    rows = list(
        Rollup.objects.filter(
            campaign_year=campaign_year,
            indicator=indicator,
            source=source,
            scope_kind=scope_kind,
            as_of=as_of,
            measure="level",
            completion_rate__isnull=False,
        )
        .select_related("region__parent", "park__parent")
        .order_by("-completion_rate", "region__name", "park__name")
    )
    return ranked_among_peers(rows, node=lambda row: row.region or row.park, score=lambda row: row.completion_rate)


@transaction.atomic
def ranking_publish(
    *,
    campaign_year: CampaignYear,
    period: dt.date,
    scope_kind: str,
    indicator_code: str = DEFAULT_INDICATOR,
    source: str = RollupSource.PROGRESS,
) -> Ranking:
    """Freeze the month's ranking from the roll-up at the month's end. A frozen month never changes."""
    from .run import rollup_year

    period = period.replace(day=1)
    as_of = month_end(period)
    indicator = Indicator.objects.get(code=indicator_code)
    ranking, _ = Ranking.objects.get_or_create(
        campaign_year=campaign_year,
        indicator=indicator,
        source=source,
        scope_kind=scope_kind,
        period=period,
        defaults={"as_of": as_of},
    )
    if ranking.frozen_at is not None:
        return ranking
    if not Rollup.objects.filter(campaign_year=campaign_year, as_of=as_of).exists():
        rollup_year(campaign_year=campaign_year, as_of=as_of)
    RankingEntry.objects.filter(ranking=ranking).delete()
    RankingEntry.objects.bulk_create(
        RankingEntry(
            ranking=ranking,
            rank=rank,
            region_id=row.region_id,
            park_id=row.park_id,
            target=row.target,
            actual=row.actual,
            completion_rate=row.completion_rate,
        )
        for rank, row in ranked_by_indicator(
            campaign_year=campaign_year, indicator=indicator, source=source, scope_kind=scope_kind, as_of=as_of
        )
    )
    ranking.as_of = as_of
    ranking.frozen_at = timezone.now()
    ranking.full_clean()
    ranking.save()
    return ranking
