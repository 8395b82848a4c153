"""Dashboard pages over the roll-ups: the overview (总览), the rankings (晾晒比拼), the 项目库 pipeline
and one project's file (一项目一档), the pages that compose every app's data."""

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parks.models import Park, Region
from projects.models import Milestone, Pool, ProjectContact, Signal
from projects.progress.selectors import project_history
from projects.selectors import visible_projects
from shangdang_portal.calendar import pro_rata
from shangdang_portal.permissions import can_edit_plans, can_see_progress, is_admin
from shangdang_portal.templatetags.portal import indicator_name, number, wan_yuan

from ..models import BatchRate, Measure, PipelinePool, RollupSource
from ..rollups.batches import STEPS as BATCH_STEPS
from ..rollups.indicators import MILESTONE_INDICATORS
from ..rollups.project_signals import reason_shown
from ..sources.views import figure_url
from . import page_cache, project_edits, project_file, selectors

HISTORY_ON_FILE = 20
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
    if not monthly and target is None:
        return None  # nothing approved and nothing to reach: "no data", not a flat line at zero
    running, actual, planned = Decimal(0), [], []
    for month in range(1, as_of.month + 1):
        running += monthly.get(month, Decimal(0))
        # Before any approved progress the line is unknown, not zero.
        actual.append(str(running) if monthly else None)
        planned.append(str(pro_rata(target, month)) if target is not None else None)
    return {
        "months": [_("%(month)s月") % {"month": m} for m in range(1, as_of.month + 1)],
        "actual": actual,
        "planned": planned,
        "labels": {"actual": _("累计完成投资(已审核进度)"), "planned": _("序时目标"), "unit": _("万元")},
        "basis": progress.get_target_basis_display() if progress else "",
    }


# The dashboards a chosen year carries over to, in the order the site navigation lists them.
DASHBOARD_LINKS = [
    ("dashboards:overview", gettext_lazy("总览")),
    ("dashboards:pipeline", gettext_lazy("项目库")),
    ("dashboards:rankings", gettext_lazy("晾晒比拼")),
]


def year_url(url: str, year: int, **params) -> str:
    """A dashboard link that keeps the chosen year (and any other parameters given)."""
    return f"{url}?{urlencode({**{k: v for k, v in params.items() if v not in (None, '')}, 'year': year})}"


def _year_switch(request, choice: selectors.DashboardYear, *, keep: tuple[str, ...] = ()) -> dict:
    """What templates/dashboards/_year_switch.html draws: every campaign year (and this year even before
    its campaign year exists), the other query parameters to keep, and the dashboards in the same year."""
    kept = {name: request.GET[name] for name in keep if request.GET.get(name)}
    options = []
    for year in sorted({*choice.years, choice.current_year, choice.year}, reverse=True):
        label = _("%(year)s年") % {"year": year}
        if year == choice.current_year:
            label += _("（本年）")
        if year not in choice.years_with_data:
            label += _("（暂无汇总）")
        options.append({"year": year, "label": label, "selected": year == choice.year})
    here = request.resolver_match.view_name if request.resolver_match else ""
    path = request.path
    return {
        "choice": choice,
        "options": options,
        "keep": list(kept.items()),
        "links": [
            {"label": label, "url": year_url(reverse(name), choice.year), "active": name == here}
            for name, label in DASHBOARD_LINKS
        ],
        "data_years": [
            {"year": year, "url": year_url(path, year, **kept)}
            for year in choice.years_with_data
            if year != choice.year
        ],
        "current_url": year_url(path, choice.current_year, **kept),
    }


def _choose_year(request, *, keep: tuple[str, ...] = ()):
    """The request's year as selectors.dashboard_year decides it, with its switch; or, for a bad
    `?year=`, a 400 page that says what was wrong and offers the years there are."""
    try:
        choice = selectors.dashboard_year(request.GET.get("year"))
    except selectors.YearNotOffered as error:
        switch = _year_switch(request, selectors.dashboard_year(None), keep=keep)
        page = render(request, "dashboards/year_error.html", {"message": str(error), "year_switch": switch}, status=400)
        return None, None, page
    return choice, _year_switch(request, choice, keep=keep), None


def overview(request):
    # A cached body was built for this very query string, so its year choice was valid: only a miss
    # chooses the year (and may answer with the choice's error instead).
    body = page_cache.cached_body(request, lambda: _overview_body(request))
    if isinstance(body, HttpResponse):
        return body
    return render(request, "dashboards/overview.html", {"body": body})


def _overview_body(request) -> str | HttpResponse:
    choice, switch, error = _choose_year(request)
    if error:
        return error
    context = _overview_context(request, choice, switch)
    return render_to_string("dashboards/_overview_body.html", context, request=request)


def _overview_context(request, choice: selectors.DashboardYear, switch: dict) -> dict:
    year, as_of = choice.campaign_year, choice.as_of
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
    counts = selectors.signal_summary(campaign_year=year, as_of=as_of, user=request.user) if as_of else {}
    if any(counts.values()):
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
    return {
        "year": year,
        "as_of": as_of,
        "year_switch": switch,
        "elapsed": key_figures[0].rows[0].elapsed_rate if key_figures else None,
        "key_figures": key,
        "other_figures": others,
        "signal_chart": signal_chart,
        "trend": _trend(year=year, as_of=as_of, key_figures=key_figures) if as_of else None,
        "completion_chart": completion_chart,
        "reports": selectors.reports_latest(user=request.user),
    }


def _month_param(request) -> date | None:
    """`?month=YYYY-MM`, the frozen month asked for; anything else is no month (the page then shows the newest
    frozen month and says the one asked for has none)."""
    text = request.GET.get("month", "").strip()
    try:
        return date.fromisoformat(f"{text}-01") if text else None
    except ValueError:
        return date.min


def rankings(request):
    choice, switch, error = _choose_year(request)
    if error:
        return error
    year, as_of = choice.campaign_year, choice.as_of
    frozen = selectors.frozen_rankings(campaign_year=year, month=_month_param(request))
    live = selectors.ranked_by_mean_completion(campaign_year=year, as_of=as_of, user=request.user, frozen=frozen)
    sections = [
        {"title": _("区域排名"), "live": live.get("regions", []), "frozen": frozen.sections.get("region", [])},
        {"title": _("园区排名"), "live": live.get("parks", []), "frozen": frozen.sections.get("park", [])},
    ]
    return render(
        request,
        "dashboards/rankings.html",
        {"year": year, "as_of": as_of, "frozen": frozen, "sections": sections, "year_switch": switch},
    )


# --- the 项目库 pipeline ----------------------------------------------------------------------------


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _batch_steps(*, rates, printed, user, year: int) -> list[dict]:
    """One line per 三个一批 rate: its formula, each batch's computed rate with the projects behind it,
    and every rate a report printed for it, side by side."""
    ids = {pk for rate in rates for pk in rate.denominator_project_ids}
    names = dict(visible_projects(user).filter(pk__in=ids).values_list("pk", "name"))
    detail = reverse("projects:list")
    steps = []
    for kind, label in BatchRate.Kind.choices:
        announced, reached = BATCH_STEPS[kind]
        computed = []
        for rate in (r for r in rates if r.kind == kind):
            shown = [(pk, names[pk]) for pk in rate.denominator_project_ids if pk in names]
            reached_ids = set(rate.numerator_project_ids)
            computed.append(
                {
                    "rate": rate,
                    "projects": [
                        {
                            "name": name,
                            "url": year_url(reverse("dashboards:project-detail", args=[pk]), year),
                            "reached": pk in reached_ids,
                        }
                        for pk, name in shown
                    ],
                    "hidden": len(rate.denominator_project_ids) - len(shown),
                }
            )
        steps.append(
            {
                "kind": kind,
                "label": str(label),
                "formula": _("已%(reached)s项目数 ÷ 批次中%(announced)s项目数")
                % {"reached": Milestone.Kind(reached).label, "announced": Milestone.Kind(announced).label},
                "computed": computed,
                "printed": [f for f in printed if f.indicator.code == kind],
                "list_url": f"{detail}?milestone_kind={reached}",
            }
        )
    return steps


def _batch_chart(steps) -> dict:
    """Computed rates per batch and printed rates per report scope and period, one bar group per rate."""
    series: dict[str, list] = {}
    for index, step in enumerate(steps):
        for item in step["computed"]:
            name = _("计算：%(batch)s") % {"batch": item["rate"].batch.name}
            series.setdefault(name, [None] * len(steps))[index] = (
                str(item["rate"].rate) if item["rate"].rate is not None else None
            )
        for figure in step["printed"]:
            name = _("报道：%(scope)s %(period)s") % {"scope": figure.region or "", "period": figure.period_label}
            series.setdefault(name, [None] * len(steps))[index] = str(figure.value)
    return {
        "categories": [step["label"] for step in steps],
        "series": [{"name": name, "data": data} for name, data in series.items()],
        "formulas": [str(step["formula"]) for step in steps],
    }


def pipeline(request):
    """四库 and 三个一批 as the roll-ups stored them for the chosen scope (default the home district)."""
    choice, switch, error = _choose_year(request, keep=("region", "park"))
    if error:
        return error
    year, as_of = choice.campaign_year, choice.as_of
    scope = selectors.pipeline_scope(region=_int_param(request, "region"), park=_int_param(request, "park"))
    if scope is None:
        raise Http404(_("没有这个区域或园区。"))
    scope_param = f"park={scope.pk}" if isinstance(scope, Park) else f"region={scope.pk}"
    # 三个一批 batches are announced by a region: the scope's own (the home district by default), so another
    # city's batches and printed periods never join its chart.
    scope_region = scope.region if isinstance(scope, Park) else scope
    list_url = reverse("projects:list")
    pools, moves, rates = [], [], []
    if as_of:
        pools = selectors.pipeline_pools(campaign_year=year, as_of=as_of, scope=scope)
        moves = selectors.pipeline_moves(campaign_year=year, as_of=as_of, scope=scope)
        rates = selectors.batch_rates(as_of=as_of, region=scope_region)
    pool_labels = dict(PipelinePool._meta.get_field("pool").choices)
    funnel = [
        {
            "pool": row.pool,
            "label": str(pool_labels[row.pool]),
            "count": row.project_count,
            "investment": row.total_investment,
            "moved_in": row.moved_in,
            "moved_out": row.moved_out,
            # Projects outside every pool have no pool filter to list them by.
            "url": f"{list_url}?{scope_param}&pool={row.pool}" if row.pool else "",
        }
        for row in pools
    ]
    for move in moves:
        move["from_label"] = str(pool_labels[move["from_pool"]])
        move["to_label"] = str(pool_labels[move["to_pool"]])
    printed = selectors.printed_batch_rates(user=request.user, region=scope_region)
    steps = _batch_steps(rates=rates, printed=printed, user=request.user, year=choice.year)
    batch_chart = _batch_chart(steps)
    funnel_chart = {
        "items": [
            {"label": row["label"], "count": row["count"], "investment": wan_yuan(row["investment"]), "url": row["url"]}
            for row in funnel
            if row["pool"]
        ],
        "labels": {"count": _("项目数"), "investment": _("总投资")},
    }
    return render(
        request,
        "dashboards/pipeline.html",
        {
            "year": year,
            "as_of": as_of,
            "year_switch": switch,
            "scope": scope,
            "scope_is_park": isinstance(scope, Park),
            "regions": Region.objects.order_by("name"),
            "parks": Park.objects.order_by("name"),
            "funnel": funnel,
            "moves": moves,
            "steps": steps,
            # An empty scope draws no funnel of zeros and no empty axes: the page says there is no data.
            "funnel_chart": funnel_chart if any(item["count"] for item in funnel_chart["items"]) else None,
            "batch_chart": batch_chart if batch_chart["series"] else None,
        },
    )


# --- one project's file (一项目一档) -----------------------------------------------------------------


def project_detail(request, pk: int):
    project = project_file.project_file_get(pk=pk, user=request.user)
    if project is None:
        raise Http404
    return _project_page(request, project)


def _project_page(
    request, project, *, milestone_form=None, changes=(), pool_form=None, contact_form=None, location_form=None
):
    """The project file; after a refused save, with the refused form (its errors) in place and a 400."""
    choice, switch, error = _choose_year(request)
    if error:
        return error
    signal = project_file.project_signal_for_year(project=project, year=choice.year)
    investment = project_file.project_plan_series(project=project, year=choice.year, signal=signal)
    investment_chart = {
        "months": investment["months"],
        "actual": investment["actual"],
        "planned": investment["planned"],
        "labels": {"actual": _("本年累计完成投资(已审核进度)"), "planned": _("年度计划序时进度"), "unit": _("万元")},
    }
    # Who changed what is shown to the same people the history API answers (can_see_progress).
    show_history = can_see_progress(request.user, project)
    refused = any(f is not None for f in (milestone_form, pool_form, contact_form, location_form))
    edit = None
    if can_edit_plans(request.user):
        edit = {
            "milestones": project_edits.milestone_rows(project, failed=milestone_form, changes=changes),
            "contacts": project_edits.contact_rows(project, failed=contact_form, changes=changes),
            "pool_form": pool_form or project_edits.PoolMoveForm(),
        }
        if is_admin(request.user):
            edit["location_form"] = location_form or project_edits.location_form(project)
            edit["location_changes"] = list(changes) if location_form is not None else []
    # The newest changes of the project and its milestones, reports, contacts and figures, as the full
    # history page (progress:project-history) shows them.
    history = project_history(project)[:HISTORY_ON_FILE] if show_history else []
    return render(
        request,
        "dashboards/project_detail.html",
        {
            "project": project,
            "year_switch": switch,
            "show_contacts": project.contacts_visible,
            "investment": investment,
            "investment_chart": investment_chart,
            "signal": signal,
            "signal_reason": reason_shown(signal) if signal else "",
            "history": history,
            "show_history": show_history,
            "edit": edit,
        },
        status=400 if refused else 200,
    )


def _visible_project_to_edit(request, pk: int):
    """The project for a planning save: 404 when the user may not see it, 403 when they may not plan."""
    if request.method != "POST":
        return None
    project = project_file.project_file_get(pk=pk, user=request.user)
    if project is None:
        raise Http404
    project_edits.require_planner(request.user)
    return project


@login_required
def milestone_save(request, pk: int):
    project = _visible_project_to_edit(request, pk)
    if project is None:
        return HttpResponseNotAllowed(["POST"])
    form = project_edits.milestone_form(request.POST)
    changes = []
    if form.is_valid():
        changes = project_edits.milestone_save(project=project, form=form, actor=request.user)
        if not form.errors:
            label = Milestone.Kind(form.cleaned_data["kind"]).label
            messages.success(request, _("节点“%(kind)s”已保存。") % {"kind": label})
            return redirect(f"{reverse('dashboards:project-detail', args=[pk])}#milestone-{form.cleaned_data['kind']}")
    project = project_file.project_file_get(pk=pk, user=request.user)  # as saved by others meanwhile
    return _project_page(request, project, milestone_form=form, changes=changes)


@login_required
def location_save(request, pk: int):
    """An admin sets the project's point (longitude and latitude) on its file."""
    project = _visible_project_to_edit(request, pk)
    if project is None:
        return HttpResponseNotAllowed(["POST"])
    if not is_admin(request.user):
        raise PermissionDenied(_("只有管理员可以修改项目坐标。"))
    form = project_edits.LocationForm(request.POST)
    changes = []
    if form.is_valid():
        changes = project_edits.location_save(project=project, form=form, actor=request.user)
        if not form.errors:
            messages.success(request, _("项目坐标已保存。"))
            return redirect(f"{reverse('dashboards:project-detail', args=[pk])}#location")
    project = project_file.project_file_get(pk=pk, user=request.user)
    return _project_page(request, project, location_form=form, changes=changes)


@login_required
def pool_move(request, pk: int):
    project = _visible_project_to_edit(request, pk)
    if project is None:
        return HttpResponseNotAllowed(["POST"])
    form = project_edits.PoolMoveForm(request.POST)
    if form.is_valid():
        project_edits.pool_move(project=project, form=form, actor=request.user)
        if not form.errors:
            label = Pool(form.cleaned_data["to_pool"]).label
            messages.success(request, _("已移入%(pool)s。") % {"pool": label})
            return redirect(f"{reverse('dashboards:project-detail', args=[pk])}#pool-move")
    return _project_page(request, project, pool_form=form)


@login_required
def contact_save(request, pk: int):
    project = _visible_project_to_edit(request, pk)
    if project is None:
        return HttpResponseNotAllowed(["POST"])
    form = project_edits.contact_form(request.POST)
    changes = []
    if form.is_valid():
        changes = project_edits.contact_save(project=project, form=form, actor=request.user)
        if not form.errors:
            label = ProjectContact.Role(form.cleaned_data["role"]).label
            messages.success(request, _("%(role)s已保存。") % {"role": label})
            return redirect(f"{reverse('dashboards:project-detail', args=[pk])}#contact-{form.cleaned_data['role']}")
    project = project_file.project_file_get(pk=pk, user=request.user)
    return _project_page(request, project, contact_form=form, changes=changes)
