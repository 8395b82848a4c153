"""Reads of the project register, shaped for lists: companies, the projects a user may see with joins and
prefetches fixed so queries do not grow per row, and the reads behind the project pages (one project's
file, its latest signal, its annual plan against approved investment)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value

from investment.models import AnnualPlan, Figure, ProjectSignal
from shangdang_portal import roles
from shangdang_portal.calendar import pro_rata
from shangdang_portal.filtering import apply_filterset

from .filtersets import CompanyFilterSet, ProjectFilterSet
from .models import Company, Milestone, ProgressReport, Project, ProjectIssue
from .progress.selectors import counted_reports

# --- projects and companies --------------------------------------------------------------------


def visible_projects(user) -> QuerySet[Project]:
    """What a caller may see: everything for readers of all, public plus assigned for staff, else public only."""
    projects = Project.objects.all()
    if roles.can_read_all(user):
        return projects
    if roles.STAFF in roles.roles_of(user):
        assigned = Project.staff.through.objects.filter(user_id=user.pk).values("project_id")
        return projects.filter(Q(is_public=True) | Q(pk__in=assigned))
    return projects.filter(is_public=True)


def _contacts_visible(user):
    if roles.can_read_all(user):
        return Value(True, output_field=BooleanField())
    if roles.STAFF in roles.roles_of(user):
        return Exists(Project.staff.through.objects.filter(project_id=OuterRef("pk"), user_id=user.pk))
    return Value(False, output_field=BooleanField())


def project_list(*, user, filters: dict | None = None) -> QuerySet[Project]:
    """Projects the user may see, with region/park/chain/company joined, milestones, contacts, the latest
    approved progress report (`latest_progress`, a list of at most one) and `cumulative_investment`."""
    # The newest counted report of each project, looked up per report of the page's projects only:
    # the prefetch adds `project_id IN (page ids)`, and the (project, period) index answers the lookup.
    # A window over every approved report ranked all of them on each request. The outer query has no
    # status filter of its own (the subquery's pk is a counted report), so the planner cannot choose
    # to walk every approved report through the status index instead.
    newest = counted_reports().filter(project_id=OuterRef("project_id")).order_by("-period", "-pk").values("pk")[:1]
    latest = ProgressReport.objects.filter(pk=Subquery(newest))
    cumulative = (
        counted_reports()
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
            Prefetch("progress_reports", queryset=latest, to_attr="latest_progress"),
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


# --- project pages ------------------------------------------------------------------------------


def project_file_get(*, user, pk) -> Project | None:
    """One project's file (一项目一档): the list row plus its figures, milestone sources, counted progress
    with its photos and the obstacles (问题清单), in a fixed number of queries."""
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
                queryset=Figure.objects.select_related("source_report", "indicator")
                .defer("source_report__text")
                .order_by("source_report", "quote_offset"),
            ),
            Prefetch(
                "progress_reports",
                queryset=counted_reports().prefetch_related("photos").order_by("period"),
                to_attr="approved_reports",
            ),
            Prefetch(
                "annual_plans",
                queryset=AnnualPlan.objects.select_related("campaign_year").order_by("campaign_year__year"),
                to_attr="plans",
            ),
            Prefetch(
                "issues", queryset=ProjectIssue.objects.order_by("status", "-raised_on", "-pk"), to_attr="obstacles"
            ),
        )
        .first()
    )


def project_signal_latest(*, project: Project) -> ProjectSignal | None:
    """The project's newest stored signal, with the rule and figures that set it."""
    return (
        ProjectSignal.objects.filter(project=project)
        .select_related("campaign_year")
        .order_by("-as_of", "-campaign_year__year", "-pk")
        .first()
    )


def project_plan_series(*, project: Project, signal: ProjectSignal | None) -> dict:
    """One campaign year month by month: the annual plan spread over the year (序时计划) against the
    year-to-date approved investment. The year is the signal's, else the newest planned or reported."""
    plans = {plan.campaign_year.year: plan for plan in getattr(project, "plans", [])}
    reports = getattr(project, "approved_reports", [])
    years = [signal.campaign_year.year] if signal else sorted({*plans, *(r.period.year for r in reports)})[-1:]
    if not years:
        return {"year": None, "months": [], "actual": [], "planned": [], "plan": None}
    year = years[0]
    plan = plans.get(year)
    monthly: dict[int, Decimal] = {}
    for report in reports:
        if report.period.year == year:
            monthly[report.period.month] = monthly.get(report.period.month, Decimal(0)) + report.investment_completed
    last = max(monthly, default=0)
    if signal and signal.as_of.year == year:
        last = max(last, signal.as_of.month)
    running, actual, planned = Decimal(0), [], []
    for month in range(1, 13):
        running += monthly.get(month, Decimal(0))
        actual.append(str(running) if month <= last else None)
        planned.append(str(pro_rata(plan.planned_investment, month)) if plan else None)
    if plan is None and not monthly:
        return {"year": year, "months": [], "actual": [], "planned": [], "plan": None}
    return {
        "year": year,
        "months": [f"{year}-{month:02d}" for month in range(1, 13)],
        "actual": actual,
        "planned": planned,
        "plan": plan,
    }
