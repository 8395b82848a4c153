"""Reads of companies and projects, shaped for lists: joins and prefetches fixed, so queries do not grow per row;
and the reads behind the project pages (one project's file, the 四库 funnel, the 三个一批 batches)."""

from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import RowNumber

from investment.models import Figure
from shangdang_portal import roles
from shangdang_portal.filtering import apply_filterset

from .filtersets import CompanyFilterSet, ProjectFilterSet
from .models import Company, Milestone, Pool, ProgressReport, Project


def visible_projects(user) -> QuerySet[Project]:
    """What a caller may see: everything for readers of all, public plus assigned for staff, else public only."""
    projects = Project.objects.all()
    if roles.can_read_all(user):
        return projects
    if roles.STAFF in roles.roles_of(user):
        assigned = Project.staff.through.objects.filter(user_id=user.pk).values("project_id")
        return projects.filter(Q(is_public=True) | Q(pk__in=assigned))
    return projects.filter(is_public=True)


def approved_progress() -> QuerySet[ProgressReport]:
    """Progress that counts: approved and not replaced by a correction."""
    return ProgressReport.objects.filter(status=ProgressReport.Status.APPROVED, is_superseded=False)


def _contacts_visible(user):
    if roles.can_read_all(user):
        return Value(True, output_field=BooleanField())
    if roles.STAFF in roles.roles_of(user):
        return Exists(Project.staff.through.objects.filter(project_id=OuterRef("pk"), user_id=user.pk))
    return Value(False, output_field=BooleanField())


def project_list(*, user, filters: dict | None = None) -> QuerySet[Project]:
    """Projects the user may see, with region/park/chain/company joined, milestones, contacts, the latest
    approved progress report (`latest_progress`, a list of at most one) and `cumulative_investment`."""
    latest = approved_progress().annotate(
        rank=Window(RowNumber(), partition_by="project_id", order_by=["-period", "-pk"])
    )
    cumulative = (
        approved_progress()
        .filter(project_id=OuterRef("pk"))
        .order_by()
        .values("project_id")
        .annotate(total=Sum("investment_completed"))
        .values("total")
    )
    queryset = (
        visible_projects(user)
        .select_related("region", "park", "industry_chain", "company")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.select_related("batch").order_by("kind", "pk")),
            Prefetch("progress_reports", queryset=latest.filter(rank=1), to_attr="latest_progress"),
        )
        .annotate(contacts_visible=_contacts_visible(user), cumulative_investment=Subquery(cumulative))
        .order_by("name", "pk")
    )
    if getattr(user, "is_authenticated", False):
        queryset = queryset.prefetch_related("contacts")
    return apply_filterset(ProjectFilterSet, filters, queryset)


def project_get(*, user, pk) -> Project | None:
    return project_list(user=user).filter(pk=pk).first()


def company_list(*, user, filters: dict | None = None) -> QuerySet[Company]:
    queryset = Company.objects.select_related("region").order_by("name", "pk")
    return apply_filterset(CompanyFilterSet, filters, queryset)


# The printed 三个一批 rates, in the order of the campaign: signed → started → producing → at capacity.
BATCH_RATES = [
    ("signed_to_started_rate", Milestone.Kind.SIGNED, Milestone.Kind.STARTED),
    ("started_to_production_rate", Milestone.Kind.STARTED, Milestone.Kind.IN_PRODUCTION),
    ("production_to_capacity_rate", Milestone.Kind.IN_PRODUCTION, Milestone.Kind.AT_CAPACITY),
]


def project_file_get(*, user, pk) -> Project | None:
    """One project's file (一项目一档): the list row plus its figures, milestone sources and approved
    progress, in a fixed number of queries."""
    return (
        project_list(user=user)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.select_related("batch", "report").order_by("actual_date", "planned_date"),
                to_attr="timeline",
            ),
            Prefetch(
                "figures",
                queryset=Figure.objects.select_related("report", "indicator")
                .defer("report__text")
                .order_by("report", "quote_offset"),
            ),
            Prefetch("progress_reports", queryset=approved_progress().order_by("period"), to_attr="approved_reports"),
        )
        .first()
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
        for row in visible_projects(user)
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
    projects = visible_projects(user)
    # Counted as ProjectFilterSet's milestone_kind lists them, so a count and its list agree.
    reached = Milestone.objects.filter(project__in=projects).aggregate(
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
