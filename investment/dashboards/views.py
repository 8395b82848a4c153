"""Dashboard pages over the roll-ups: the overview (总览) and the rankings (晾晒比拼)."""

from decimal import Decimal

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from projects.models import Signal
from projects.selectors import visible_projects
from shangdang_portal.calendar import pro_rata
from shangdang_portal.templatetags.portal import indicator_name, number

from ..models import Measure, RollupSource
from ..rollups.indicators import MILESTONE_INDICATORS
from ..sources.views import figure_url
from . import selectors

SIGNAL_COLOURS = {"green": "#2f8f5b", "yellow": "#d9a521", "red": "#c23531", "none": "#9aa5b4"}


# Roll-up indicators counted from milestones, and the milestone each one lists.
MILESTONE_KINDS = {code: str(kind) for code, kind in MILESTONE_INDICATORS.items()}


def _actual_url(row, *, year: int) -> str:
    """Where a roll-up actual comes from: the quoted figure, or the projects behind a computed count."""
    list_url = reverse("projects:list")
    if row.source == RollupSource.REPORT:
        return figure_url(row.figure)
    scope = f"region={row.region_id}" if row.region_id else f"park={row.park_id}"
    if row.source == RollupSource.MILESTONES and row.indicator.code in MILESTONE_KINDS:
        kind = MILESTONE_KINDS[row.indicator.code]
        return f"{list_url}?{scope}&milestone_kind={kind}&milestone_after={year}-01-01&milestone_before={year}-12-31"
    return f"{list_url}?{scope}"


def _signal_legend(year) -> dict[str, str]:
    """The colour rules in words, from the campaign year's own thresholds."""
    numbers = {
        "yellow": number(year.yellow_lag_points),
        "red": number(year.red_lag_points),
        "months": year.red_not_started_months,
    }
    return {
        "green": _("年度计划完成率落后序时进度不超过%(yellow)s个百分点") % numbers,
        "yellow": _("落后序时进度超过%(yellow)s个百分点") % numbers,
        "red": _("落后序时进度超过%(red)s个百分点，或计划开工%(months)s个月后仍未开工") % numbers,
        "none": _("无本年度计划投资，不按序时进度亮灯"),
    }


def _trend(*, year, as_of, key_figures) -> dict | None:
    """Cumulative approved progress per month against the progress roll-up's target spread over the year."""
    monthly = selectors.progress_by_month(campaign_year=year, as_of=as_of)
    progress = next(
        (
            r
            for f in key_figures
            for r in f.rows
            if r.source == RollupSource.PROGRESS and f.indicator.code == "project_investment"
        ),
        None,
    )
    target = progress.target if progress else None
    running, actual, planned = Decimal(0), [], []
    for month in range(1, as_of.month + 1):
        running += monthly.get(month, Decimal(0))
        actual.append(str(running))
        planned.append(str(pro_rata(target, month)) if target is not None else None)
    return {
        "months": [_("%(month)s月") % {"month": m} for m in range(1, as_of.month + 1)],
        "actual": actual,
        "planned": planned,
        "labels": {"actual": _("累计完成投资(已审核进度)"), "planned": _("序时目标"), "unit": _("万元")},
        "basis": progress.get_target_basis_display() if progress else "",
    }


def overview(request):
    year, as_of = selectors.dashboard_as_of()
    projects = visible_projects(request.user)
    key_figures = selectors.scope_rollups(campaign_year=year, as_of=as_of, user=request.user) if as_of else []
    for figure in key_figures:
        for row in figure.rows:
            row.actual_url = _actual_url(row, year=year.year)
    key = [f for f in key_figures if f.measure == Measure.LEVEL and f.unit in ("万元", "个")]
    others = [f for f in key_figures if f not in key]
    charted = [r for f in key_figures for r in f.rows if r.completion_rate is not None and r.measure == Measure.LEVEL]
    completion_chart = None
    if charted:
        completion_chart = {
            "categories": [f"{indicator_name(r.indicator)} · {r.get_source_display()}" for r in charted],
            "completion": [str(r.completion_rate) for r in charted],
            "elapsed": [str(r.elapsed_rate) for r in charted],
            "urls": [r.actual_url for r in charted],
            "labels": {"completion": _("完成率"), "elapsed": _("序时进度")},
        }
    signal_chart, legend = None, {}
    if as_of:
        counts = selectors.signal_summary(campaign_year=year, as_of=as_of, projects=projects)
        legend = _signal_legend(year)
        labels = {**dict(Signal.choices), "none": _("未亮灯")}
        list_url = reverse("projects:list")
        signal_chart = {
            "items": [
                {
                    "value": value,
                    "label": str(labels[value]),
                    "count": counts[value],
                    "color": SIGNAL_COLOURS[value],
                    "rule": legend[value],
                    "url": f"{list_url}?signal={value}" if value != "none" else "",
                }
                for value in [*Signal.values, "none"]
            ]
        }
    context = {
        "year": year,
        "as_of": as_of,
        "elapsed": key_figures[0].rows[0].elapsed_rate if key_figures else None,
        "key_figures": key,
        "other_figures": others,
        "signal_chart": signal_chart,
        "trend": _trend(year=year, as_of=as_of, key_figures=key_figures) if as_of else None,
        "completion_chart": completion_chart,
        "reports": selectors.reports_latest(user=request.user),
    }
    return render(request, "dashboards/overview.html", context)


def rankings(request):
    year, as_of = selectors.dashboard_as_of()
    ranked = selectors.ranked_by_mean_completion(campaign_year=year, as_of=as_of, user=request.user) if year else {}
    sections = [
        (_("区域排名"), ranked.get("regions", []), ranked.get("regions_snapshot")),
        (_("园区排名"), ranked.get("parks", []), ranked.get("parks_snapshot")),
    ]
    return render(request, "dashboards/rankings.html", {"year": year, "as_of": as_of, "sections": sections})
