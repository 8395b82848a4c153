"""The monthly briefing (月度简报): the district's standing against the year's targets and 序时进度, the
laggards with their signal reasons, the obstacles raised and resolved in the month and the rankings, as a
printable page and as a PDF (WeasyPrint). Every number carries a numbered note to its source: the
figure in its source report, the approved progress reports, or the stored roll-up row.

It reads what the overview reads (the same selectors at the month's newest as-of date), so a month's
briefing and the overview at that date show the same figures."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects.models import Signal
from shangdang_portal.templatetags.portal import in_unit, indicator_name, percent, signed_points

from ..models import RollupScope, RollupSource
from ..sources.views import figure_url
from . import selectors
from .views import SIGNAL_COLOURS, _actual_url, _signal_legend, year_url

logger = logging.getLogger(__name__)
# The red and yellow projects furthest behind that the briefing lists by name; the counts above it cover
# them all, so a month with thousands of them still prints as a few pages.
LAGGARDS_SHOWN = 30


class Notes:
    """The briefing's numbered sources: one note per distinct link, numbered in order of first use, so a
    number on the page links to its source and the PDF footnotes it."""

    def __init__(self, absolute):
        self.items: list[dict] = []
        self._numbers: dict[str, int] = {}
        self._absolute = absolute

    def cite(self, text: str, url: str, label: str) -> dict:
        if url not in self._numbers:
            self._numbers[url] = len(self.items) + 1
            self.items.append({"number": self._numbers[url], "label": label, "url": self._absolute(url)})
        return {"text": text, "url": url, "note": self._numbers[url]}


def _api(name: str, pk: int | None = None, **query) -> str:
    url = reverse(f"api:{name}", args=[pk] if pk is not None else [])
    return f"{url}?{urlencode(query)}" if query else url


def _parse_month(value: str | None) -> dt.date | None:
    """`YYYY-MM` as the month's first day; raises ValueError with a message for anything else."""
    text = (value or "").strip()
    try:
        month = dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise ValueError(_("月份应写作 年-月，例如 2026-03。")) from None
    return month


def _standing(*, key_figures, notes: Notes, month: selectors.BriefingMonth) -> list[dict]:
    """One line per indicator and source: actual, target, completion, 序时进度 and gap, each cited."""
    year = month.campaign_year.year
    lines = []
    for figure in key_figures:
        for row in figure.rows:
            rollup = notes.cite(
                "",
                _api("rollup-detail", row.pk),
                _("汇总：%(indicator)s · %(source)s，截至 %(day)s")
                % {
                    "indicator": indicator_name(row.indicator),
                    "source": row.get_source_display(),
                    "day": date_format(row.as_of, "Y-m-d"),
                },
            )

            def on_rollup(text, rollup=rollup):
                return {**rollup, "text": text}

            actual = None
            if row.actual is not None:
                text = in_unit(row.actual, row.unit)
                if row.source == RollupSource.REPORT and row.figure:
                    actual = notes.cite(
                        text,
                        figure_url(row.figure),
                        _("来源报道《%(title)s》") % {"title": row.figure.source_report.title},
                    )
                elif row.source == RollupSource.PROGRESS:
                    scope = {"region": row.region_id} if row.region_id else {"park": row.park_id}
                    url = _api(
                        "progress-report-list",
                        status="approved",
                        period_after=f"{year}-01",
                        period_before=date_format(row.as_of, "Y-m"),
                        **scope,
                    )
                    actual = notes.cite(
                        text,
                        url,
                        _("审核通过的月度进度：%(scope)s，%(year)s年1月至%(month)s")
                        % {
                            "scope": row.region or row.park,
                            "year": year,
                            "month": date_format(row.as_of, "Y-m"),
                        },
                    )
                elif row.source == RollupSource.MILESTONES:
                    actual = notes.cite(
                        text,
                        _actual_url(row, year=year),
                        _("项目节点：%(indicator)s的项目") % {"indicator": indicator_name(row.indicator)},
                    )
                else:
                    actual = on_rollup(text)
            target = None
            if row.target is not None:
                text = in_unit(row.target, row.unit)
                source_figure = row.target_ref.source_figure if row.target_ref_id else None
                if source_figure is not None:
                    target = notes.cite(
                        text,
                        figure_url(source_figure),
                        _("目标来源：来源报道第%(id)s号数据") % {"id": source_figure.pk},
                    )
                else:
                    target = on_rollup(text)
            lines.append(
                {
                    "indicator": indicator_name(row.indicator),
                    "code": row.indicator.code,
                    "measure": row.measure,
                    "growth": row.measure != "level",
                    "source": row.source,
                    "source_label": row.get_source_display(),
                    "basis": row.get_target_basis_display(),
                    "actual": actual,
                    "target": target,
                    "completion": on_rollup(percent(row.completion_rate)) if row.completion_rate is not None else None,
                    "elapsed": on_rollup(percent(row.elapsed_rate)) if row.measure == "level" else None,
                    "gap": on_rollup(signed_points(row.gap_points)) if row.gap_points is not None else None,
                    "behind": row.gap_points is not None and row.gap_points < 0,
                }
            )
    return lines


def _signals(*, month: selectors.BriefingMonth, counts: dict[str, int], notes: Notes) -> list[dict]:
    year, as_of = month.campaign_year, month.as_of
    legend = _signal_legend(year)
    labels = {**dict(Signal.choices), "none": _("未亮灯")}
    items = []
    for value in [*Signal.values, "none"]:
        query = {"year": year.year, "as_of": as_of.isoformat()}
        if value != "none":
            query["signal"] = value
        url = _api("signal-list", **query)
        label = _("项目亮灯：%(signal)s，截至 %(day)s") % {"signal": labels[value], "day": as_of.isoformat()}
        items.append(
            {
                "value": value,
                "label": str(labels[value]),
                "rule": legend[value],
                "color": SIGNAL_COLOURS[value],
                "count": notes.cite(str(counts[value]), url, label),
            }
        )
    return items


def _laggards(*, month: selectors.BriefingMonth, user, notes: Notes) -> list[dict]:
    rows = []
    found = selectors.laggards(campaign_year=month.campaign_year, as_of=month.as_of, user=user, limit=LAGGARDS_SHOWN)
    for signal in found:
        url = _api("signal-detail", signal.pk)
        label = _("项目亮灯：%(project)s，截至 %(day)s") % {
            "project": signal.project.name,
            "day": month.as_of.isoformat(),
        }
        rows.append(
            {
                "project": signal.project.name,
                "url": year_url(
                    reverse("dashboards:project-detail", args=[signal.project_id]), month.campaign_year.year
                ),
                "signal": signal.signal,
                "signal_label": signal.get_signal_display(),
                "reason": signal.reason,
                "completion": notes.cite(percent(signal.completion_rate), url, label)
                if signal.completion_rate is not None
                else None,
                "gap": notes.cite(signed_points(signal.gap_points), url, label)
                if signal.gap_points is not None
                else None,
            }
        )
    return rows


def _rankings(*, month: selectors.BriefingMonth, notes: Notes) -> list[dict]:
    sections = []
    for scope_kind, title in ((RollupScope.REGION, _("区域排名")), (RollupScope.PARK, _("园区排名"))):
        ranking = selectors.published_ranking(
            campaign_year=month.campaign_year, as_of=month.as_of, scope_kind=scope_kind, month=month.month
        )
        entries = []
        for entry in ranking.entries:
            if ranking.frozen:
                url = _api("ranking-detail", ranking.frozen.pk)
                label = _("晾晒比拼：%(month)s已发布的排名") % {"month": date_format(ranking.frozen.period, "Y-m")}
            else:
                url = _api("rollup-detail", entry["rollup"].pk)
                label = _("汇总：%(scope)s年度计划完成率，截至 %(day)s") % {
                    "scope": entry["name"],
                    "day": month.as_of.isoformat(),
                }
            text = percent(entry["completion_rate"]) if entry["completion_rate"] is not None else "—"
            entries.append({"rank": entry["rank"], "name": entry["name"], "completion": notes.cite(text, url, label)})
        sections.append({"title": title, "frozen": ranking.frozen, "entries": entries})
    return sections


def _obstacles(*, month: selectors.BriefingMonth, user) -> dict:
    found = selectors.obstacles_in_month(month=month.month, user=user)
    for issues in found.values():
        for issue in issues:
            issue.url = reverse("dashboards:project-detail", args=[issue.project_id]) + "#obstacles"
    return found


def _choose_month(request) -> tuple[selectors.BriefingMonth | None, list, str, int]:
    """The month asked for (`?month=YYYY-MM`), else the latest month with data; with the months offered,
    and an error message and status when the month is not one of them."""
    months = selectors.months_with_data()
    asked = request.GET.get("month")
    if asked in (None, ""):
        return (months[0] if months else None), months, "", 200
    try:
        wanted = _parse_month(asked)
    except ValueError as error:
        return None, months, str(error), 400
    chosen = next((m for m in months if m.month == wanted), None)
    if chosen is None:
        return None, months, _("%(month)s没有汇总数据。") % {"month": wanted.strftime("%Y-%m")}, 404
    return chosen, months, "", 200


def briefing_context(request, *, absolute) -> tuple[dict, int]:
    month, months, error, status = _choose_month(request)
    notes = Notes(absolute)
    context = {
        "month": month,
        "months": [
            {"value": m.month.strftime("%Y-%m"), "label": date_format(m.month, "Y-m"), "selected": m == month}
            for m in months
        ],
        "error": error,
        "notes": notes.items,
    }
    if month is None:
        return context, status
    key_figures = selectors.scope_rollups(campaign_year=month.campaign_year, as_of=month.as_of, user=request.user)
    counts = selectors.signal_summary(campaign_year=month.campaign_year, as_of=month.as_of, user=request.user)
    query = urlencode({"month": month.month.strftime("%Y-%m")})
    context.update(
        {
            "year": month.campaign_year,
            "as_of": month.as_of,
            "elapsed": percent(key_figures[0].rows[0].elapsed_rate) if key_figures else None,
            "standing": _standing(key_figures=key_figures, notes=notes, month=month),
            "signals": _signals(month=month, counts=counts, notes=notes),
            "laggards": _laggards(month=month, user=request.user, notes=notes),
            "laggards_total": counts[Signal.RED] + counts[Signal.YELLOW],
            "obstacles": _obstacles(month=month, user=request.user),
            "rankings": _rankings(month=month, notes=notes),
            "pdf_url": f"{reverse('dashboards:briefing-pdf')}?{query}",
            "overview_url": year_url(reverse("dashboards:overview"), month.campaign_year.year),
        }
    )
    return context, status


def briefing(request):
    context, status = briefing_context(request, absolute=lambda url: url)
    return render(request, "dashboards/briefing.html", context, status=status)


def briefing_pdf(request):
    """The same briefing as a PDF, its notes carrying full links; WeasyPrint lays it out from the
    print stylesheet, with no request back to the site."""
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError):  # WeasyPrint needs the system's Pango; the page still prints from a browser
        logger.exception("briefing PDF unavailable")
        message = _("此服务器暂不能生成 PDF(缺少 Pango 库)，请打开简报页面用浏览器打印。")
        return HttpResponse(
            message, status=503, content_type="text/plain; charset=utf-8", headers={"Retry-After": "3600"}
        )

    context, status = briefing_context(request, absolute=request.build_absolute_uri)
    if status != 200 or context["month"] is None:
        return render(request, "dashboards/briefing.html", context, status=status if status != 200 else 404)
    html = render_to_string("dashboards/briefing_pdf.html", context, request=request)
    stylesheet = CSS(filename=finders.find("css/briefing.css"))
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(stylesheets=[stylesheet])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="briefing-{context["month"].month:%Y-%m}.pdf"'
    return response
