"""The big screen (大屏): one 1920×1080 page for the command centre, drawn by static/js/screen.js from one
JSON payload that the page embeds and the script fetches again every few seconds (`/screen/data/`).

Who sees what follows the overview: the roll-up rows are public, signal counts and approvals cover the
projects the viewer may see."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects.models import Signal
from shangdang_portal.calendar import elapsed_rate
from shangdang_portal.templatetags.portal import in_unit, indicator_name, percent, signed_points, wan_yuan

from ..models import Measure, PipelinePool, RollupScope
from . import selectors
from .views import SIGNAL_COLOURS, _choose_year, _trend

# Bounds of ?refresh= (seconds): often enough to follow the day, never a request storm from a wall.
REFRESH_MIN, REFRESH_MAX = 10, 3600


def refresh_seconds(request) -> int:
    """How often the screen fetches its data again: `?refresh=N` within bounds, else SCREEN_REFRESH_SECONDS."""
    value = request.GET.get("refresh", "")
    seconds = int(value) if value.isascii() and value.isdigit() else settings.SCREEN_REFRESH_SECONDS
    return max(REFRESH_MIN, min(REFRESH_MAX, seconds))


def _labels() -> dict:
    return {
        "title": _("上党区重大项目建设指挥大屏"),
        "as_of": _("数据截至"),
        "elapsed": _("序时进度"),
        "updated": _("刷新于"),
        "no_data": _("暂无数据"),
        "kpis": _("关键指标"),
        "target": _("目标"),
        "completion": _("完成率"),
        "gap": _("差距"),
        "signals": _("红黄绿灯"),
        "funnel": _("四库项目"),
        "batches": _("三个一批"),
        "trend": _("月度累计完成投资"),
        "ranking": _("晾晒比拼"),
        "approvals": _("最新审核通过的月度进度"),
        "stale": _("数据刷新失败，显示的是上次的数据。"),
    }


def _kpis(key_figures) -> list[dict]:
    """The year's key indicators (levels in 万元 or 个) with each source on its own line, as on the overview."""
    rows = []
    for figure in key_figures:
        if figure.measure != Measure.LEVEL or figure.unit not in ("万元", "个"):
            continue
        for row in figure.rows:
            rows.append(
                {
                    "indicator": indicator_name(row.indicator),
                    "code": row.indicator.code,
                    "source": row.get_source_display(),
                    "actual": in_unit(row.actual, row.unit) if row.actual is not None else "—",
                    "target": in_unit(row.target, row.unit) if row.target is not None else "—",
                    "completion": str(row.completion_rate) if row.completion_rate is not None else None,
                    "completion_text": percent(row.completion_rate) if row.completion_rate is not None else "—",
                    "elapsed": str(row.elapsed_rate),
                    "gap": signed_points(row.gap_points) if row.gap_points is not None else "",
                    "behind": row.gap_points is not None and row.gap_points < 0,
                }
            )
    return rows


def screen_payload(request, choice: selectors.DashboardYear) -> dict:
    """Everything the screen shows for the chosen year, as JSON-ready values."""
    year, as_of = choice.campaign_year, choice.as_of
    payload = {
        "year": choice.year,
        "as_of": date_format(as_of, "Y-m-d") if as_of else None,
        "elapsed": percent(elapsed_rate(as_of)) if as_of else None,
        "generated_at": date_format(timezone.localtime(), "Y-m-d H:i:s"),
        "refresh": refresh_seconds(request),
        "labels": _labels(),
        "kpis": [],
        "signals": [],
        "funnel": [],
        "batches": [],
        "trend": None,
        "ranking": {"title": "", "rows": []},
        "approvals": [],
    }
    payload["approvals"] = [
        {
            "project": report.project.name,
            "url": reverse("dashboards:project-detail", args=[report.project_id]),
            "period": date_format(report.period, "Y-m"),
            "amount": wan_yuan(report.investment_completed),
            "stage": report.stage,
        }
        for report in selectors.latest_approvals(user=request.user, year=choice.year)
    ]
    if not as_of:
        return payload
    key_figures = selectors.scope_rollups(campaign_year=year, as_of=as_of, user=request.user)
    payload["kpis"] = _kpis(key_figures)
    counts = selectors.signal_summary(campaign_year=year, as_of=as_of, user=request.user)
    labels = {**dict(Signal.choices), "none": _("未亮灯")}
    payload["signals"] = [
        {"value": value, "label": str(labels[value]), "count": counts[value], "color": SIGNAL_COLOURS[value]}
        for value in [*Signal.values, "none"]
    ]
    scope = selectors.pipeline_scope()
    if scope is not None:
        pool_labels = dict(PipelinePool._meta.get_field("pool").choices)
        payload["funnel"] = [
            {
                "label": str(pool_labels[row.pool]),
                "count": row.project_count,
                "investment": wan_yuan(row.total_investment),
            }
            for row in selectors.pipeline_pools(campaign_year=year, as_of=as_of, scope=scope)
            if row.pool
        ]
    payload["batches"] = [
        {
            "batch": rate.batch.name,
            "kind": rate.get_kind_display(),
            "rate": str(rate.rate) if rate.rate is not None else None,
            "rate_text": percent(rate.rate) if rate.rate is not None else "—",
            "fraction": f"{rate.numerator}/{rate.denominator}",
        }
        for rate in selectors.batch_rates(as_of=as_of)
    ]
    trend = _trend(year=year, as_of=as_of, key_figures=key_figures)
    # No approved progress yet is "no data", not a flat line at zero.
    if trend and any(value is not None and float(value) for value in trend["actual"]):
        payload["trend"] = trend
    ranking = selectors.published_ranking(campaign_year=year, as_of=as_of, scope_kind=RollupScope.PARK)
    if not ranking.entries:
        ranking = selectors.published_ranking(campaign_year=year, as_of=as_of, scope_kind=RollupScope.REGION)
    # One peer group on the wall (ranks restart in each group): the home region's, else the largest.
    groups: dict[str, list[dict]] = {}
    for entry in ranking.entries:
        groups.setdefault(entry["peer"], []).append(entry)
    home = next((g for g, rows in groups.items() if any(r["name"] == settings.HOME_REGION for r in rows)), None)
    peer = home or max(groups, key=lambda g: len(groups[g]), default="")
    scope_label = peer or (_("园区") if ranking.scope_kind == RollupScope.PARK else _("区域"))
    if ranking.frozen:
        title = _("%(scope)s · %(month)s已发布 · 年度计划完成率") % {
            "scope": scope_label,
            "month": date_format(ranking.frozen.period, "Y-m"),
        }
    else:
        title = _("%(scope)s · 当前(未发布) · 年度计划完成率") % {"scope": scope_label}
    payload["ranking"] = {
        "title": title,
        "rows": [
            {
                "rank": entry["rank"],
                "name": entry["name"],
                "completion": percent(entry["completion_rate"]),
                "value": str(entry["completion_rate"]) if entry["completion_rate"] is not None else None,
            }
            for entry in groups.get(peer, [])[:10]
        ],
    }
    return payload


def screen(request):
    choice, _switch, error = _choose_year(request)
    if error:
        return error
    query = request.GET.urlencode()
    data_url = reverse("dashboards:screen-data") + (f"?{query}" if query else "")
    return render(request, "dashboards/screen.html", {"payload": screen_payload(request, choice), "data_url": data_url})


def screen_data(request):
    """The screen's payload as JSON, fetched again by the page every `refresh` seconds."""
    try:
        choice = selectors.dashboard_year(request.GET.get("year"))
    except selectors.YearNotOffered as error:
        body = {"status": 400, "code": "invalid", "message": str(error), "fields": {"year": [str(error)]}}
        return JsonResponse({"error": body}, status=400, json_dumps_params={"ensure_ascii": False})
    response = JsonResponse(screen_payload(request, choice), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response
