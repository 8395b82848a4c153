"""The reads behind one project's file (一项目一档): the register's list row plus its figures, milestone
sources, counted progress with photos, annual plans and obstacles; its signal in a chosen year; that
year's annual plan against approved investment. It composes every app's data, which is why it lives at the top."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch

from projects.models import Milestone, Project, ProjectIssue, counted_reports
from projects.selectors import project_list
from shangdang_portal.calendar import pro_rata

from ..models import AnnualPlan, Figure, ProjectSignal


def project_file_get(*, user, pk) -> Project | None:
    """One project's file (一项目一档): the list row plus its figures, milestone sources, counted progress
    with its photos and the obstacles (问题清单), in a fixed number of queries."""
    return (
        project_list(user=user)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.select_related("batch", "source__source_report")
                .defer("source__source_report__text")
                .order_by("actual_date", "planned_date"),
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


def project_signal_for_year(*, project: Project, year: int) -> ProjectSignal | None:
    """The project's newest stored signal in one campaign year, with the rule and figures that set it."""
    return (
        ProjectSignal.objects.filter(project=project, campaign_year__year=year)
        .select_related("campaign_year")
        .order_by("-as_of", "-pk")
        .first()
    )


def project_plan_series(*, project: Project, year: int, signal: ProjectSignal | None) -> dict:
    """One campaign year month by month: the annual plan spread over the year (序时计划) against the
    year-to-date approved investment; the months run to the newest report or the year's signal."""
    plans = {plan.campaign_year.year: plan for plan in getattr(project, "plans", [])}
    reports = getattr(project, "approved_reports", [])
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
