"""The reads behind the dashboards, all from the stored roll-up rows: key figures against targets, signals,
the monthly trend, the 四库 pipeline, the 三个一批 rates and the rankings."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.models import Park, Region
from projects.models import Project, ProjectIssue, Signal
from projects.models import counted_reports as counted_progress_reports
from projects.selectors import visible_projects
from shangdang_portal import roles
from shangdang_portal.calendar import CENT, month_end, year_start

from ..models import (
    SIGNAL_KEYS,
    TALLY_MONTHS,
    BatchRate,
    CampaignYear,
    Figure,
    Indicator,
    PipelinePool,
    ProjectSignal,
    ProjectTally,
    Ranking,
    RankingEntry,
    Rollup,
    RollupScope,
    RollupSource,
    ScopeTally,
    SourceReport,
    TargetBasis,
)
from ..rollups.indicators import counted_progress
from ..rollups.pipeline import pipeline_flows
from ..rollups.rankings import (
    DEFAULT_INDICATOR,
    peer_key,
    peer_label,
    ranked_among_peers,
    ranked_by_indicator,
)
from ..rollups.scopes import ScopeTree
from ..sources.selectors import figure_list, visible_reports

# Sources stand side by side in this order; they are never added together.
SOURCE_ORDER = [RollupSource.REPORT, RollupSource.PROGRESS, RollupSource.LEDGER, RollupSource.MILESTONES]


class YearNotOffered(ValueError):
    """`?year=` is not a year, or names a year that has no campaign year; the message says so."""


@dataclass(frozen=True)
class DashboardYear:
    """The year a dashboard request shows: one decision shared by every dashboard page.

    `year` is the year asked for, else the one containing today (Asia/Shanghai); `campaign_year` is its
    campaign year (None when none exists yet); `as_of` its newest stored roll-up date (None before the
    first roll-up); `years` every campaign year, newest first, and `years_with_data` those with roll-ups."""

    year: int
    campaign_year: CampaignYear | None
    as_of: date | None
    years: list[int]
    years_with_data: list[int]
    current_year: int

    @property
    def is_current(self) -> bool:
        return self.year == self.current_year


def dashboard_year(year_param: str | None, *, today: date | None = None) -> DashboardYear:
    """Decide the year and as-of date of a dashboard request, in one query whatever the number of years.

    Without `year_param` (or with today's own year) the year is the one containing today, even when it
    has no campaign year or no roll-up rows yet: the pages then say so rather than show another year.
    A past year's as-of is its newest stored as-of (normally its year end), so its figures stay reachable.
    Raises YearNotOffered when `year_param` is not a number or names a year without a campaign year."""
    current = (today or timezone.localdate()).year
    newest = Rollup.objects.filter(campaign_year=OuterRef("pk")).order_by("-as_of").values("as_of")[:1]
    stored = list(CampaignYear.objects.annotate(newest_as_of=Subquery(newest)).order_by("-year"))
    years = [row.year for row in stored]
    year = current
    if year_param not in (None, ""):
        text = year_param.strip()
        if not (text.isascii() and text.isdigit() and len(text) == 4):
            raise YearNotOffered(_("年度应为四位数字，例如 %(year)s。") % {"year": current})
        year = int(text)
        if year != current and year not in years:
            raise YearNotOffered(_("没有%(year)s年的重大项目建设年。") % {"year": year})
    chosen = next((row for row in stored if row.year == year), None)
    return DashboardYear(
        year=year,
        campaign_year=chosen,
        as_of=chosen.newest_as_of if chosen else None,
        years=years,
        years_with_data=[row.year for row in stored if row.newest_as_of is not None],
        current_year=current,
    )


def _withhold_unpublished(row: Rollup, user) -> Rollup:
    """A reported actual from a report the public may not see yet is not shown to the public either
    (the row is only changed in memory)."""
    if row.figure_id and row.figure.source_report.published_on is None and not getattr(user, "is_authenticated", False):
        row.figure = None
        row.actual = row.completion_rate = row.gap_points = row.gap_amount = None
    return row


def _rollup_rows(*, campaign_year: CampaignYear, as_of: date) -> QuerySet[Rollup]:
    return (
        Rollup.objects.filter(campaign_year=campaign_year, as_of=as_of)
        .select_related("indicator", "region", "park", "figure__source_report", "target_ref__source_figure")
        .defer("figure__source_report__text", "figure__note", "target_ref__source_figure__note")
    )


@dataclass
class KeyFigure:
    """One indicator of one scope with its roll-up rows, one per source."""

    indicator: Indicator
    measure: str
    unit: str
    rows: list[Rollup] = field(default_factory=list)


def scope_rollups(*, campaign_year: CampaignYear, as_of: date, user, region_name: str | None = None) -> list[KeyFigure]:
    """The roll-up rows of one region at one as-of date, grouped per indicator with each source on its
    own row (a report's figure and approved progress are never added together): one query."""
    rows = _rollup_rows(campaign_year=campaign_year, as_of=as_of).filter(
        region__name=region_name or settings.HOME_REGION
    )
    grouped: dict[tuple, KeyFigure] = {}
    for row in rows.order_by("indicator__code", "measure"):
        key = (row.indicator_id, row.measure)
        figure = grouped.setdefault(key, KeyFigure(indicator=row.indicator, measure=row.measure, unit=row.unit))
        figure.rows.append(_withhold_unpublished(row, user))
    for figure in grouped.values():
        figure.rows.sort(key=lambda r: SOURCE_ORDER.index(r.source))
    return list(grouped.values())


def signal_summary(*, campaign_year: CampaignYear, as_of: date, user) -> dict[str, int]:
    """Projects per signal among the signals stored at the as-of date ("none": no signal, no annual plan),
    counting the projects the user may see. Read from the root regions' stored counts (every project has a
    region), kept by the roll-ups: readers of all get every project's, others the public ones', and staff
    also their own unpublished projects (a short list). Before a date has stored counts, from the signals."""
    tallies = ScopeTally.objects.filter(
        campaign_year=campaign_year, as_of=as_of, scope_kind="region", region__parent__isnull=True
    )
    keys = {"none" if value == "" else value: key for value, key in SIGNAL_KEYS.items()}
    if not tallies.exists():
        return signal_summary_of(campaign_year=campaign_year, as_of=as_of, projects=visible_projects(user))
    every = roles.can_read_all(user)
    suffix = "" if every else "_public"
    row = tallies.aggregate(**{name: Sum(f"signal_{key}{suffix}") for name, key in keys.items()})
    counts = {name: row[name] or 0 for name in keys}
    if not every and roles.STAFF in roles.roles_of(user):
        assigned = Project.staff.through.objects.filter(user_id=user.pk).values("project_id")
        # Unpublished as the stored counts saw them (the same date's project tallies), so a project made
        # private or public since is counted once, in the public counts or here, until its roll-up catches up.
        private_then = ProjectTally.objects.filter(campaign_year=campaign_year, as_of=as_of, is_public=False)
        unpublished = Project.objects.filter(pk__in=assigned).filter(pk__in=private_then.values("project_id"))
        for name, n in signal_summary_of(campaign_year=campaign_year, as_of=as_of, projects=unpublished).items():
            counts[name] += n
    return {name: counts[name] for name in ["none", *Signal.values]}


def signal_summary_of(*, campaign_year: CampaignYear, as_of: date, projects: QuerySet[Project]) -> dict[str, int]:
    """The same counts from the stored signals of a set of projects (a query over the signals)."""
    row = ProjectSignal.objects.filter(campaign_year=campaign_year, as_of=as_of, project__in=projects).aggregate(
        none=Count("id", filter=Q(signal="")),
        **{value: Count("id", filter=Q(signal=value)) for value in Signal.values},
    )
    return {key: value or 0 for key, value in row.items()}


def progress_by_month(
    *, campaign_year: CampaignYear, as_of: date, region_name: str | None = None
) -> dict[int, Decimal]:
    """Approved progress per month of the year up to the as-of date for a region's project set, under the
    roll-up's own counting rule, so the running total ends at the progress Rollup's actual. Read from the
    region's stored monthly sums (ScopeTally); before a date has them, summed from the reports."""
    region = Region.objects.filter(name=region_name or settings.HOME_REGION).values_list("pk", flat=True).first()
    if region is None:
        return {}
    tally = ScopeTally.objects.filter(campaign_year=campaign_year, as_of=as_of, region_id=region).first()
    if tally is None:
        return progress_by_month_of_reports(campaign_year=campaign_year, as_of=as_of, region=region)
    # To the fen, as the reports' own sums come (the stored sums keep four places).
    return {
        m: getattr(tally, f"progress_m{m:02}").quantize(CENT)
        for m in TALLY_MONTHS
        if getattr(tally, f"reports_m{m:02}") and m <= as_of.month
    }


def progress_by_month_of_reports(*, campaign_year: CampaignYear, as_of: date, region: int) -> dict[int, Decimal]:
    """The same months summed from the counted reports (one grouped query over the region's reports)."""
    scope = ScopeTree().scope("region", region)
    rows = (
        counted_progress(year=campaign_year.year, as_of=as_of)
        .filter(scope.projects_q("project__"))
        .annotate(month=TruncMonth("period"))
        .values("month")
        .annotate(total=Sum("investment_completed"))
        .order_by("month")
    )
    return {row["month"].month: row["total"] for row in rows}


def pipeline_scope(*, region: int | None = None, park: int | None = None) -> Region | Park | None:
    """The scope the pipeline page shows: the park or region asked for, else the home district."""
    if park is not None:
        return Park.objects.filter(pk=park).first()
    if region is not None:
        return Region.objects.filter(pk=region).first()
    return Region.objects.filter(name=settings.HOME_REGION).first()


def _scope_filter(scope: Region | Park) -> dict:
    return {"park": scope} if isinstance(scope, Park) else {"region": scope}


def pipeline_pools(*, campaign_year: CampaignYear, as_of: date, scope: Region | Park) -> list[PipelinePool]:
    """四库 of one scope at the as-of date, in the order projects move through the pools (unpooled first)."""
    rows = {
        row.pool: row
        for row in PipelinePool.objects.filter(campaign_year=campaign_year, as_of=as_of, **_scope_filter(scope))
    }
    return [rows[pool] for pool in PipelinePool.POOLS if pool in rows]


def pipeline_moves(*, campaign_year: CampaignYear, as_of: date, scope: Region | Park) -> list[dict]:
    """The moves between pools from the start of the campaign year to the as-of date, per (from, to) pair."""
    kind = "park" if isinstance(scope, Park) else "region"
    return pipeline_flows(scope=ScopeTree().scope(kind, scope.pk), start=year_start(campaign_year.year), end=as_of)


def batch_rates(*, as_of: date, region: Region | None = None) -> list[BatchRate]:
    """三个一批 rates at the as-of date of the batches a region announced (every batch without one), with
    the rate a report printed beside each."""
    rates = BatchRate.objects.filter(as_of=as_of)
    if region is not None:
        rates = rates.filter(batch__region=region)
    return list(
        rates.select_related("batch", "reported_figure__source_report", "reported_figure__region")
        .defer("reported_figure__source_report__text")
        .order_by("batch__held_on", "batch__name", "kind")
    )


@dataclass
class RankRow:
    name: str
    url: str
    node: Region | Park | None = None
    rows: list[Rollup] = field(default_factory=list)
    score: Decimal | None = None
    rank: int | None = None
    snapshot_rank: int | None = None


@dataclass
class PeerGroup:
    """Regions or parks ranked against each other (investment.rollups.rankings.peer_key), under one heading."""

    label: str
    rows: list = field(default_factory=list)


def _peer_groups(ranked: list[tuple[int | None, object]], node) -> list[PeerGroup]:
    groups: dict[tuple, PeerGroup] = {}
    for rank, item in ranked:
        scope = node(item)
        group = groups.setdefault(peer_key(scope), PeerGroup(label=peer_label(scope)))
        item.rank = rank
        group.rows.append(item)
    return list(groups.values())


@dataclass
class FrozenRankings:
    """The published (frozen) monthly rankings of a campaign year: the months there are, newest first, and
    the chosen month's rankings per scope kind, each with its entries grouped by peers."""

    months: list[date]
    month: date | None
    asked_for_missing: bool = False
    sections: dict[str, list[tuple[Ranking, list[PeerGroup]]]] = field(default_factory=dict)

    def snapshot(self, scope_kind: str) -> dict[int, int]:
        """Rank per region or park id in the month's first ranking of that scope kind (the default indicator)."""
        rankings = self.sections.get(scope_kind) or []
        if not rankings:
            return {}
        return {(e.region_id or e.park_id): e.rank for group in rankings[0][1] for e in group.rows}


def frozen_rankings(*, campaign_year: CampaignYear | None, month: date | None) -> FrozenRankings:
    """The month's frozen rankings (the newest frozen month when `month` is None or has none), in three
    queries whatever the number of entries."""
    if campaign_year is None:
        return FrozenRankings(months=[], month=None)
    frozen = Ranking.objects.filter(campaign_year=campaign_year, frozen_at__isnull=False)
    months = sorted(set(frozen.values_list("period", flat=True)), reverse=True)
    chosen = month if month in months else (months[0] if months else None)
    result = FrozenRankings(months=months, month=chosen, asked_for_missing=month is not None and month != chosen)
    if chosen is None:
        return result
    rankings = list(
        frozen.filter(period=chosen)
        .select_related("indicator")
        .prefetch_related(
            Prefetch("entries", queryset=RankingEntry.objects.select_related("region__parent", "park__parent"))
        )
        .order_by("scope_kind", "indicator__code", "source", "pk")
    )
    for ranking in rankings:
        # The ranks as frozen; only the order and the headings come from the peer groups.
        entries = sorted(ranking.entries.all(), key=lambda e: (peer_key(e.region or e.park), e.rank, e.pk))
        groups = _peer_groups([(e.rank, e) for e in entries], node=lambda e: e.region or e.park)
        result.sections.setdefault(ranking.scope_kind, []).append((ranking, groups))
    return result


def ranked_by_mean_completion(
    *, campaign_year: CampaignYear, as_of: date | None, user, frozen: FrozenRankings | None = None
) -> dict[str, list[PeerGroup]]:
    """The live rule of the rankings page: regions and parks ranked among their peers (peer_key) by the mean
    completion of all their printed targets in the roll-up at the as-of date.

    Beside it stands the rank in the chosen frozen monthly Ranking (`snapshot_rank`), which follows the
    published rule (one indicator, see investment.rollups.rankings.ranked_by_indicator), so the two
    ranks can differ; the page labels each with its rule. Ties share a rank under both rules."""
    result: dict[str, list[PeerGroup]] = {}
    rows = []
    if as_of is not None:
        # Printed actuals against printed targets, as the district's own 晾晒 compares them.
        rows = (
            _rollup_rows(campaign_year=campaign_year, as_of=as_of)
            .filter(target_basis=TargetBasis.TARGET, source=RollupSource.REPORT)
            .select_related("region__parent", "park__parent")
        )
        rows = [_withhold_unpublished(row, user) for row in rows.order_by("indicator__code", "measure", "source")]
    list_url = reverse("projects:list")
    for key, scope in (("regions", RollupScope.REGION), ("parks", RollupScope.PARK)):
        buckets: dict[int, RankRow] = {}
        for row in rows:
            if row.scope_kind != scope:
                continue
            node = row.region or row.park
            bucket = buckets.setdefault(
                node.pk, RankRow(name=node.name, url=f"{list_url}?{scope}={node.pk}", node=node)
            )
            bucket.rows.append(row)
        snapshot = frozen.snapshot(scope) if frozen else {}
        for pk, bucket in buckets.items():
            bucket.snapshot_rank = snapshot.get(pk)
            scores = [r.completion_rate for r in bucket.rows if r.completion_rate is not None]
            bucket.score = (sum(scores) / len(scores)).quantize(Decimal("0.01")) if scores else None
        ranked = ranked_among_peers(list(buckets.values()), node=lambda b: b.node, score=lambda b: b.score)
        result[key] = _peer_groups(ranked, node=lambda b: b.node)
    return result


def printed_batch_rates(*, user, region: Region | None = None) -> list[Figure]:
    """The 三个一批 rates printed for a region (every region without one) in the reports the user may see,
    oldest first."""
    figures = figure_list(user=user).filter(indicator__code__in=BatchRate.Kind.values)
    if region is not None:
        figures = figures.filter(region=region)
    return list(figures.select_related("region").order_by("period_end", "source_report__published_on", "pk"))


def reports_latest(*, user, limit: int = 5) -> QuerySet[SourceReport]:
    return (
        visible_reports(user)
        .defer("text")
        .annotate(figure_count=Count("figures"))
        .order_by("-published_on", "file_name", "pk")[:limit]
    )


# --- the big screen (大屏) and the monthly briefing (月度简报) -------------------------------------------


@dataclass(frozen=True)
class BriefingMonth:
    """A month the roll-ups have rows for: its first day, its campaign year and its newest as-of date."""

    month: date
    campaign_year: CampaignYear
    as_of: date


def months_with_data() -> list[BriefingMonth]:
    """Every month with stored roll-up rows, newest first, each with its newest as-of date (one query
    plus one for the campaign years, whatever the number of rows)."""
    rows = (
        Rollup.objects.annotate(month=TruncMonth("as_of"))
        .values("campaign_year_id", "month")
        .annotate(as_of=Max("as_of"))
        .order_by("-month", "-campaign_year_id")
    )
    rows = list(rows)
    years = CampaignYear.objects.in_bulk({row["campaign_year_id"] for row in rows})
    months, seen = [], set()
    for row in rows:
        month = row["month"]
        if month in seen:
            continue
        seen.add(month)
        months.append(BriefingMonth(month=month, campaign_year=years[row["campaign_year_id"]], as_of=row["as_of"]))
    return months


def latest_approvals(*, user, year: int, limit: int = 8) -> list:
    """The newest approved progress reports that count for months of the year, of the projects the user may
    see (as the project file shows them), newest approval first."""
    return list(
        counted_progress_reports()
        .filter(project__in=visible_projects(user).values("pk"), period__year=year)
        .select_related("project")
        .only("period", "investment_completed", "reviewed_at", "stage", "project__name")
        .order_by(F("reviewed_at").desc(nulls_last=True), "-period", "-pk")[:limit]
    )


def laggards(*, campaign_year: CampaignYear, as_of: date, user, limit: int | None = None) -> list[ProjectSignal]:
    """Red, then yellow projects at the as-of date among those the user may see, furthest behind first,
    with the rule and reason stored with each signal; the first `limit` of them when given (a page that
    lists them reads a bounded number of rows whatever the number of projects)."""
    rows = ProjectSignal.objects.filter(
        campaign_year=campaign_year, as_of=as_of, signal__in=[Signal.RED, Signal.YELLOW]
    )
    if not roles.can_read_all(user):
        rows = rows.filter(project__in=visible_projects(user).values("pk"))
    # "red" sorts before "yellow": the order the signal_laggards index keeps, so the first rows are read from it
    # rather than every red and yellow signal sorted.
    rows = rows.select_related("project").order_by(
        "signal", F("gap_points").asc(nulls_last=True), "project__name", "pk"
    )
    return list(rows[:limit] if limit is not None else rows)


def obstacles_in_month(*, month: date, user) -> dict[str, list]:
    """Obstacles (问题清单) of the projects the user may see that were raised, or resolved, within the month."""
    end = month_end(month)
    issues = ProjectIssue.objects.filter(project__in=visible_projects(user).values("pk")).select_related("project")
    return {
        "opened": list(issues.filter(raised_on__range=(month, end)).order_by("raised_on", "pk")),
        "closed": list(issues.filter(resolved_on__range=(month, end)).order_by("resolved_on", "pk")),
    }


@dataclass
class PublishedRanking:
    """The published rule's ranking of one scope kind: the month's frozen Ranking when there is one,
    else the same rule computed from the roll-up at the as-of date (`frozen` None)."""

    scope_kind: str
    frozen: Ranking | None
    entries: list[dict]


def published_ranking(
    *, campaign_year: CampaignYear, as_of: date, scope_kind: str, month: date | None = None
) -> PublishedRanking:
    """晾晒比拼 by the published rule (one indicator's completion, ranked_by_indicator). With `month`, that
    month's frozen ranking; without, the newest frozen ranking up to the as-of date. When none was frozen,
    the rule is applied to the stored roll-up at the as-of date."""
    frozen = Ranking.objects.filter(
        campaign_year=campaign_year,
        scope_kind=scope_kind,
        frozen_at__isnull=False,
        indicator__code=DEFAULT_INDICATOR,
        source=RollupSource.PROGRESS,
    )
    frozen = frozen.filter(period=month) if month else frozen.filter(period__lte=as_of)
    frozen = (
        frozen.select_related("indicator")
        .prefetch_related(
            Prefetch("entries", queryset=RankingEntry.objects.select_related("region__parent", "park__parent"))
        )
        .order_by("-period", "-pk")
        .first()
    )
    if frozen is not None:
        entries = [
            {
                "rank": e.rank,
                "name": str(e.region or e.park),
                "peer": peer_label(e.region or e.park),
                "completion_rate": e.completion_rate,
                "rollup": None,
            }
            for e in frozen.entries.all()
        ]
        return PublishedRanking(scope_kind=scope_kind, frozen=frozen, entries=entries)
    indicator = Indicator.objects.filter(code=DEFAULT_INDICATOR).first()
    entries = []
    if indicator is not None:
        ranked = ranked_by_indicator(
            campaign_year=campaign_year,
            indicator=indicator,
            source=RollupSource.PROGRESS,
            scope_kind=scope_kind,
            as_of=as_of,
        )
        entries = [
            {
                "rank": rank,
                "name": str(row.region or row.park),
                "peer": peer_label(row.region or row.park),
                "completion_rate": row.completion_rate,
                "rollup": row,
            }
            for rank, row in ranked
        ]
    return PublishedRanking(scope_kind=scope_kind, frozen=None, entries=entries)
