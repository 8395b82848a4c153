"""Reads of reports, indicators, figures, targets, campaign years and roll-ups; anonymous callers see published
reports only; and the reads behind the dashboards: key figures against targets, the trend and the rankings."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse

from projects.models import Milestone, ProgressReport, Project, Signal
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
    Measure,
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


# The portal's home district: the overview speaks about it first.
HOME_REGION = "上党区"
HUNDRED = Decimal(100)


def campaign_year_current() -> CampaignYear | None:
    return CampaignYear.objects.order_by("-year").first()


def year_elapsed_percent(*, year: int, as_of: date) -> Decimal:
    """序时进度: the share of the year gone by on `as_of` (0 before the year, 100 after it)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if as_of < start:
        return Decimal(0)
    if as_of >= end:
        return HUNDRED
    return (Decimal((as_of - start).days + 1) * HUNDRED / Decimal((end - start).days + 1)).quantize(Decimal("0.1"))


@dataclass
class Progress:
    """One target with the latest actual figure printed for it."""

    target: Target
    actual: Figure | None
    completion: Decimal | None = None
    elapsed: Decimal | None = None
    scope_name: str = ""

    @property
    def lagging(self) -> bool:
        return self.completion is not None and self.elapsed is not None and self.completion < self.elapsed


def _completion(target: Target, actual: Figure | None) -> Decimal | None:
    if actual is None or not target.value:
        return None
    # For a level this is the share reached; for a growth or share target it compares the two rates.
    return (actual.value * HUNDRED / target.value).quantize(Decimal("0.1"))


def target_progress(
    *, year: CampaignYear, user, today: date | None = None, region_name: str | None = None
) -> list[Progress]:
    """Every target of the campaign year beside its latest actual figure from a report the user may see:
    two queries whatever the data size."""
    today = today or date.today()
    targets = Target.objects.filter(campaign_year=year).select_related(
        "indicator", "region", "park", "source_figure", "source_figure__report"
    )
    if region_name:
        targets = targets.filter(region__name=region_name)
    targets = list(targets)
    actuals = (
        Figure.objects.filter(
            report__in=visible_reports(user).values("pk"),
            kind=Figure.Kind.ACTUAL,
            indicator_id__in={t.indicator_id for t in targets},
            scope_kind__in=["region", "park"],
        )
        .filter(Q(period_end__year=year.year) | Q(period_end__isnull=True, report__published_on__year=year.year))
        .select_related("report", "indicator")
        # A report without a publication date is a draft newer than any published one.
        .order_by("period_end", F("report__published_on").asc(nulls_last=True), "id")
    )
    latest: dict[tuple, Figure] = {}
    for figure in actuals:
        # Ordered oldest first, so the last one written per key is the latest printed.
        latest[(figure.indicator_id, figure.measure, figure.region_id, figure.park_id)] = figure
    rows = []
    for target in targets:
        actual = latest.get((target.indicator_id, target.measure, target.region_id, target.park_id))
        as_of = min(actual.period_end or today, today) if actual else today
        rows.append(
            Progress(
                target=target,
                actual=actual,
                completion=_completion(target, actual),
                elapsed=year_elapsed_percent(year=year.year, as_of=as_of) if target.measure == Measure.LEVEL else None,
                scope_name=str(target.region or target.park),
            )
        )
    return rows


def milestone_counts(*, year: int, projects: QuerySet[Project]) -> dict[str, int]:
    """Projects with each milestone dated in the year (三个一批), one aggregate query.

    Dated as ProjectFilterSet's milestone_after/before read it (actual date, else planned), so a
    count and the list it links to agree.
    """
    row = (
        Milestone.objects.filter(project__in=projects)
        .annotate(on=Coalesce("actual_date", "planned_date"))
        .filter(on__year=year)
        .aggregate(**{kind: Count("project", distinct=True, filter=Q(kind=kind)) for kind in Milestone.Kind.values})
    )
    return {kind: row[kind] or 0 for kind in Milestone.Kind.values}


def signal_counts(*, projects: QuerySet[Project]) -> dict[str, int]:
    row = projects.aggregate(**{value: Count("id", filter=Q(signal=value)) for value in Signal.values})
    return {value: row[value] or 0 for value in Signal.values}


def monthly_trend(*, year: CampaignYear, projects: QuerySet[Project]) -> dict:
    """Cumulative approved investment per month against the target spread over the year (序时目标)."""
    rows = (
        ProgressReport.objects.filter(
            project__in=projects,
            status=ProgressReport.Status.APPROVED,
            is_superseded=False,
            period__year=year.year,
        )
        .annotate(month=TruncMonth("period"))
        .values("month")
        .annotate(total=Sum("investment_completed"))
    )
    monthly = {row["month"].month: row["total"] for row in rows}
    target = (
        Target.objects.filter(campaign_year=year, indicator__code="project_investment", measure=Measure.LEVEL)
        .filter(region__name=HOME_REGION)
        .values_list("value", flat=True)
        .first()
    )
    running, actual, planned = Decimal(0), [], []
    for month in range(1, 13):
        running += monthly.get(month, Decimal(0)) or Decimal(0)
        actual.append(str(running) if month in monthly or running else None)
        planned.append(str((target * month / 12).quantize(Decimal("0.01"))) if target else None)
    return {"months": list(range(1, 13)), "actual": actual, "planned": planned}


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
    rows: list[Progress] = field(default_factory=list)
    score: Decimal | None = None
    rank: int | None = None
    snapshot_rank: int | None = None


def rankings(*, year: CampaignYear, user, today: date | None = None) -> dict[str, list[RankRow]]:
    """晾晒比拼: regions and parks ranked by their mean completion of their targets, beside the rank
    in the latest frozen monthly Ranking (`snapshot_rank`, empty until one is published)."""
    progress = target_progress(year=year, user=user, today=today)
    by_region: dict[int, RankRow] = {}
    by_park: dict[int, RankRow] = {}
    for row in progress:
        target = row.target
        if target.region_id:
            bucket = by_region.setdefault(
                target.region_id,
                RankRow(name=target.region.name, url=f"{reverse('projects:list')}?region={target.region_id}"),
            )
        else:
            bucket = by_park.setdefault(
                target.park_id, RankRow(name=target.park.name, url=f"{reverse('projects:list')}?park={target.park_id}")
            )
        bucket.rows.append(row)
    result = {}
    for key, scope, buckets in (("regions", "region", by_region), ("parks", "park", by_park)):
        # The month's frozen snapshot (晾晒比拼 as published), beside the live ranking.
        frozen = (
            Ranking.objects.filter(campaign_year=year, scope_kind=scope, frozen_at__isnull=False)
            .select_related("indicator")
            .prefetch_related("entries")
            .order_by("-period", "-pk")
            .first()
        )
        if frozen:
            snapshot = {(e.region_id if scope == "region" else e.park_id): e.rank for e in frozen.entries.all()}
            for scope_id, bucket in buckets.items():
                bucket.snapshot_rank = snapshot.get(scope_id)
        result[f"{key}_snapshot"] = frozen
        ranked = list(buckets.values())
        for bucket in ranked:
            scores = [r.completion for r in bucket.rows if r.completion is not None]
            bucket.score = (sum(scores) / len(scores)).quantize(Decimal("0.1")) if scores else None
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
