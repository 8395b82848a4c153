"""Reads of reports, indicators, figures, targets, campaign years and roll-ups; anonymous callers see published
reports only; and the reads behind the dashboards, all from the stored roll-up rows: key figures against
targets, signals, the monthly trend, the 四库 pipeline, the 三个一批 rates and the rankings."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse

from parks.models import Park, Region
from projects.models import Project, Signal
from shangdang_portal import roles
from shangdang_portal.filtering import apply_filterset
from shangdang_portal.permissions import assigned_project_ids

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
    RollupScope,
    RollupSource,
    Target,
    TargetBasis,
)
from .rollups.indicators import counted_progress
from .rollups.pipeline import pipeline_flows
from .rollups.rankings import ranked_rollups
from .rollups.scopes import ScopeTree, year_start


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


# The portal's home district: the overview speaks about it first.
HOME_REGION = "上党区"
# Sources stand side by side in this order; they are never added together.
SOURCE_ORDER = [RollupSource.REPORT, RollupSource.PROGRESS, RollupSource.MILESTONES]


def dashboard_as_of() -> tuple[CampaignYear | None, date | None]:
    """The campaign year the dashboards show and its as-of date: the latest year that has roll-up rows
    and its newest as-of; without any rows, the latest campaign year and no date."""
    newest = Rollup.objects.select_related("campaign_year").order_by("-campaign_year__year", "-as_of").first()
    if newest is not None:
        return newest.campaign_year, newest.as_of
    return CampaignYear.objects.order_by("-year").first(), None


def _withhold_unpublished(row: Rollup, user) -> Rollup:
    """A reported actual from a report the public may not see yet is not shown to the public either
    (the row is only changed in memory)."""
    if row.figure_id and row.figure.report.published_on is None and not getattr(user, "is_authenticated", False):
        row.figure = None
        row.actual = row.completion_rate = row.gap_points = row.gap_amount = None
    return row


def _rollup_rows(*, campaign_year: CampaignYear, as_of: date) -> QuerySet[Rollup]:
    return (
        Rollup.objects.filter(campaign_year=campaign_year, as_of=as_of)
        .select_related("indicator", "region", "park", "figure__report", "target_ref__source_figure")
        .defer("figure__report__text", "figure__note", "target_ref__source_figure__note")
    )


@dataclass
class KeyFigure:
    """One indicator of one scope with its roll-up rows, one per source."""

    indicator: Indicator
    measure: str
    unit: str
    rows: list[Rollup] = field(default_factory=list)


def scope_rollups(*, campaign_year: CampaignYear, as_of: date, user, region_name: str = HOME_REGION) -> list[KeyFigure]:
    """The roll-up rows of one region at one as-of date, grouped per indicator with each source on its
    own row (a report's figure and approved progress are never added together): one query."""
    rows = _rollup_rows(campaign_year=campaign_year, as_of=as_of).filter(region__name=region_name)
    grouped: dict[tuple, KeyFigure] = {}
    for row in rows.order_by("indicator__code", "measure"):
        key = (row.indicator_id, row.measure)
        figure = grouped.setdefault(key, KeyFigure(indicator=row.indicator, measure=row.measure, unit=row.unit))
        figure.rows.append(_withhold_unpublished(row, user))
    for figure in grouped.values():
        figure.rows.sort(key=lambda r: SOURCE_ORDER.index(r.source))
    return list(grouped.values())


def signal_summary(*, campaign_year: CampaignYear, as_of: date, projects: QuerySet[Project]) -> dict[str, int]:
    """Projects per colour in the signals stored at the as-of date ("none": no colour, no annual plan)."""
    row = ProjectSignal.objects.filter(campaign_year=campaign_year, as_of=as_of, project__in=projects).aggregate(
        none=Count("id", filter=Q(colour="")),
        **{value: Count("id", filter=Q(colour=value)) for value in Signal.values},
    )
    return {key: value or 0 for key, value in row.items()}


def progress_by_month(
    *, campaign_year: CampaignYear, as_of: date, region_name: str = HOME_REGION
) -> dict[int, Decimal]:
    """Approved progress per month of the year up to the as-of date for a region's project set, summed in
    SQL under the roll-up's own counting rule, so the running total ends at the progress Rollup's actual."""
    region = Region.objects.filter(name=region_name).values_list("pk", flat=True).first()
    if region is None:
        return {}
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
    return Region.objects.filter(name=HOME_REGION).first()


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


def batch_rates(*, as_of: date) -> list[BatchRate]:
    """三个一批 rates of every batch at the as-of date, with the rate a report printed beside each."""
    return list(
        BatchRate.objects.filter(as_of=as_of)
        .select_related("batch", "reported_figure__report", "reported_figure__region")
        .defer("reported_figure__report__text")
        .order_by("batch__held_on", "batch__name", "kind")
    )


def printed_batch_rates(*, user) -> list[Figure]:
    """Every 三个一批 rate printed in a report the user may see, oldest first."""
    return list(
        figure_list(user=user)
        .filter(indicator__code__in=BatchRate.Kind.values)
        .select_related("region")
        .order_by("period_end", "report__published_on", "pk")
    )


def reports_latest(*, user, limit: int = 5) -> QuerySet[Report]:
    return (
        visible_reports(user)
        .defer("text")
        .annotate(figure_count=Count("figures"))
        .order_by("-published_on", "file_name", "pk")[:limit]
    )


def report_figures(*, report: Report, user) -> QuerySet[Figure]:
    """The figures of one report the user may see (not those of unpublished projects for the public)."""
    return figure_list(user=user).filter(report=report)


@dataclass
class RankRow:
    name: str
    url: str
    rows: list[Rollup] = field(default_factory=list)
    score: Decimal | None = None
    rank: int | None = None
    snapshot_rank: int | None = None


def rankings(*, campaign_year: CampaignYear, as_of: date | None, user) -> dict:
    """晾晒比拼: regions and parks ranked by the mean completion of their targets in the roll-up at the
    as-of date, beside the rank in the latest frozen monthly Ranking (`snapshot_rank`)."""
    result: dict = {}
    rows = []
    if as_of is not None:
        # Printed actuals against printed targets, as the district's own 晾晒 compares them.
        rows = _rollup_rows(campaign_year=campaign_year, as_of=as_of).filter(
            target_basis=TargetBasis.TARGET, source=RollupSource.REPORT
        )
        rows = [_withhold_unpublished(row, user) for row in rows.order_by("indicator__code", "measure", "source")]
    list_url = reverse("projects:list")
    for key, scope in (("regions", RollupScope.REGION), ("parks", RollupScope.PARK)):
        buckets: dict[int, RankRow] = {}
        for row in rows:
            if row.scope_kind != scope:
                continue
            node = row.region or row.park
            bucket = buckets.setdefault(node.pk, RankRow(name=node.name, url=f"{list_url}?{scope}={node.pk}"))
            bucket.rows.append(row)
        # The month's frozen snapshot (晾晒比拼 as published), beside the live ranking.
        frozen = (
            Ranking.objects.filter(campaign_year=campaign_year, scope_kind=scope, frozen_at__isnull=False)
            .select_related("indicator")
            .prefetch_related("entries")
            .order_by("-period", "-pk")
            .first()
        )
        if frozen:
            snapshot = {(e.region_id if scope == "region" else e.park_id): e.rank for e in frozen.entries.all()}
            for node, bucket in buckets.items():
                bucket.snapshot_rank = snapshot.get(node)
        result[f"{key}_snapshot"] = frozen
        ranked = list(buckets.values())
        for bucket in ranked:
            scores = [r.completion_rate for r in bucket.rows if r.completion_rate is not None]
            bucket.score = (sum(scores) / len(scores)).quantize(Decimal("0.01")) if scores else None
        ranked.sort(key=lambda b: (b.score is None, -(b.score or 0), b.name))
        for position, bucket in enumerate(ranked, start=1):
            bucket.rank = position if bucket.score is not None else None
        result[key] = ranked
    return result


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
