"""Pages over targets, figures and reports: the overview (总览), rankings and the source reports."""

from datetime import date

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from projects.models import Signal
from projects.selectors import visible_projects
from shangdang_portal.roles import can_read_all

from . import selectors
from .highlight import highlight_quotes
from .templatetags.portal import indicator_name


def _figure_url(figure) -> str:
    return f"{reverse('investment:report', args=[figure.report_id])}#figure-{figure.pk}" if figure else ""


def overview(request):
    year = selectors.campaign_year_current()
    projects = visible_projects(request.user)
    today = date.today()
    progress = (
        selectors.target_progress(year=year, user=request.user, today=today, region_name=selectors.HOME_REGION)
        if year
        else []
    )
    key = [row for row in progress if row.target.unit == "万元" and row.target.measure == "level"]
    others = [row for row in progress if row not in key]
    trend = selectors.monthly_trend(year=year, projects=projects) if year else None
    chart = None
    if key:
        chart = {
            "categories": [indicator_name(row.target.indicator) for row in key],
            "completion": [float(row.completion) if row.completion is not None else None for row in key],
            "elapsed": [float(row.elapsed) if row.elapsed is not None else None for row in key],
            "urls": [_figure_url(row.actual or row.target.source_figure) for row in key],
            "labels": {"completion": _("完成率"), "elapsed": _("序时进度")},
        }
    if trend:
        trend["months"] = [_("%(month)s月") % {"month": m} for m in trend["months"]]
        trend["labels"] = {"actual": _("累计完成投资"), "planned": _("序时目标"), "unit": _("万元")}
    colors = {"green": "#2f8f5b", "yellow": "#d9a521", "red": "#c23531"}
    signal_total = selectors.signal_counts(projects=projects)
    signal_chart = {
        "items": [
            {
                "value": value,
                "label": str(label),
                "count": signal_total[value],
                "color": colors[value],
                "url": f"{reverse('projects:list')}?signal={value}",
            }
            for value, label in Signal.choices
        ]
    }
    context = {
        "year": year,
        "key_progress": key,
        "other_progress": others,
        "milestones": selectors.milestone_counts(year=year.year, projects=projects) if year else {},
        "signal_chart": signal_chart,
        "signals_set": any(signal_total.values()),
        "trend": trend,
        "completion_chart": chart,
        "reports": selectors.reports_latest(user=request.user),
        "elapsed_today": selectors.year_elapsed_percent(year=year.year, as_of=today) if year else None,
    }
    return render(request, "investment/overview.html", context)


def rankings(request):
    year = selectors.campaign_year_current()
    ranked = selectors.rankings(year=year, user=request.user) if year else {"regions": [], "parks": []}
    sections = [
        (_("区域排名"), ranked["regions"], ranked.get("regions_snapshot")),
        (_("园区排名"), ranked["parks"], ranked.get("parks_snapshot")),
    ]
    return render(request, "investment/rankings.html", {"year": year, "sections": sections})


def report_list(request):
    reports = selectors.report_list(user=request.user).annotate(figure_count=Count("figures"))
    return render(request, "investment/report_list.html", {"reports": reports})


def report_detail(request, pk: int):
    report = get_object_or_404(selectors.visible_reports(request.user), pk=pk)
    figures = list(selectors.report_figures(report=report, user=request.user))
    return render(
        request,
        "investment/report_detail.html",
        {
            "report": report,
            "figures": figures,
            "marked_text": highlight_quotes(report.text, figures),
            "can_read_all": can_read_all(request.user),
        },
    )
