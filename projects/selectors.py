"""Reads over projects: the visible list, one project's page, the 四库 funnel and the 三个一批 batches."""

from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from investment.models import Figure
from shangdang_portal.roles import can_read_all

from .filtersets import ProjectFilterSet
from .models import Milestone, Pool, ProgressReport, Project

# The printed 三个一批 rates, in the order of the campaign: signed → started → producing → at capacity.
BATCH_RATES = [
    ("signed_to_started_rate", Milestone.Kind.SIGNED, Milestone.Kind.STARTED),
    ("started_to_production_rate", Milestone.Kind.STARTED, Milestone.Kind.IN_PRODUCTION),
    ("production_to_capacity_rate", Milestone.Kind.IN_PRODUCTION, Milestone.Kind.AT_CAPACITY),
]


def project_visible(*, user) -> QuerySet[Project]:
    """Anonymous users and plain staff see public projects only; officials and reviewers see all."""
    projects = Project.objects.all()
    if not can_read_all(user):
        projects = projects.filter(is_public=True)
    return projects


def project_list(*, filters: dict | None = None, user) -> QuerySet[Project]:
    queryset = project_visible(user=user).select_related("region", "park", "company")
    return ProjectFilterSet(filters or {}, queryset=queryset).qs


def project_get(*, pk: int, user) -> Project:
    """One project with what its page shows, in a fixed number of queries."""
    # Contact details are personal: they are not even read for users who may not see them.
    extra = ["contacts"] if can_read_all(user) else []
    return (
        project_visible(user=user)
        .select_related("region", "park", "park__parent", "company", "industry_chain")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.select_related("batch", "report")),
            Prefetch(
                "figures",
                queryset=Figure.objects.select_related("report", "indicator").order_by("report", "quote_offset"),
            ),
            Prefetch(
                "progress_reports",
                queryset=ProgressReport.objects.filter(
                    status=ProgressReport.Status.APPROVED, is_superseded=False
                ).order_by("period"),
                to_attr="approved_reports",
            ),
        )
        .prefetch_related(*extra)
        .get(pk=pk)
    )


def project_investment_series(*, project: Project) -> dict:
    """Planned (spread evenly from planned start to end) against cumulative approved investment, by month."""
    reports = getattr(project, "approved_reports", [])
    months, actual, running = [], [], Decimal(0)
    for report in reports:
        running += report.investment_completed
        months.append(report.period.strftime("%Y-%m"))
        actual.append(str(running))
    planned = []
    if project.total_investment and project.planned_start and project.planned_end:
        start, end = project.planned_start, project.planned_end
        span = max((end.year - start.year) * 12 + end.month - start.month + 1, 1)
        if not months:
            months = [
                f"{start.year + (start.month - 1 + i) // 12}-{(start.month - 1 + i) % 12 + 1:02d}" for i in range(span)
            ]
        for label in months:
            year, month = (int(x) for x in label.split("-"))
            elapsed = min(max((year - start.year) * 12 + month - start.month + 1, 0), span)
            planned.append(str((project.total_investment * elapsed / span).quantize(Decimal("0.01"))))
    return {"months": months, "actual": actual, "planned": planned}


def pool_funnel(*, user) -> list[dict]:
    """四库: count and total investment per pool, one grouped query."""
    rows = {
        row["pool"]: row
        for row in project_visible(user=user)
        .values("pool")
        .annotate(count=Count("id"), investment=Sum("total_investment"))
        .order_by()
    }
    return [
        {
            "pool": value,
            "label": str(label),
            "count": rows.get(value, {}).get("count", 0),
            "investment": rows.get(value, {}).get("investment") or Decimal(0),
        }
        for value, label in Pool.choices
    ]


def batch_summary(*, user) -> list[dict]:
    """三个一批: projects per milestone and the rate printed for each step, with its source figure."""
    projects = project_visible(user=user)
    reached = Milestone.objects.filter(project__in=projects, actual_date__isnull=False).aggregate(
        **{kind: Count("project", distinct=True, filter=Q(kind=kind)) for kind in Milestone.Kind.values}
    )
    printed: dict[str, Figure] = {}
    figures = (
        Figure.objects.filter(indicator__code__in=[code for code, _, _ in BATCH_RATES])
        .select_related("indicator", "report", "region")
        .order_by("period_end", "id")
    )
    for figure in figures:
        printed[figure.indicator.code] = figure  # the latest printed rate per indicator wins
    steps = []
    for code, source, reached_kind in BATCH_RATES:
        steps.append(
            {
                "code": code,
                "source": source,
                "reached": reached_kind,
                "source_label": str(Milestone.Kind(source).label),
                "reached_label": str(Milestone.Kind(reached_kind).label),
                "source_count": reached[source] or 0,
                "reached_count": reached[reached_kind] or 0,
                "figure": printed.get(code),
            }
        )
    return steps
