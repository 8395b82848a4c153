"""Project pages: the 项目库 pipeline, the filtered list and one project's file (一项目一档)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from investment.dashboards import selectors as investment_selectors
from investment.models import BatchRate, PipelinePool
from investment.rollups.batches import STEPS as BATCH_STEPS
from parks.models import Park, Region
from shangdang_portal.permissions import can_see_progress
from shangdang_portal.templatetags.portal import wan_yuan

from . import selectors
from .filtersets import ProjectFilterSet
from .models import Milestone, Project
from .selectors import visible_projects

PAGE_SIZE = 25
# The filters officials use most stay in view; the rest of ProjectFilterSet folds away.
PRIMARY_FILTERS = ["q", "region", "park", "pool", "signal", "ordering"]


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _batch_steps(*, rates, printed, user) -> list[dict]:
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
                        {"name": name, "url": reverse("projects:detail", args=[pk]), "reached": pk in reached_ids}
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
    year, as_of = investment_selectors.dashboard_as_of()
    scope = investment_selectors.pipeline_scope(region=_int_param(request, "region"), park=_int_param(request, "park"))
    if scope is None:
        raise Http404(_("没有这个区域或园区。"))
    scope_param = f"park={scope.pk}" if isinstance(scope, Park) else f"region={scope.pk}"
    list_url = reverse("projects:list")
    pools, moves, rates = [], [], []
    if as_of:
        pools = investment_selectors.pipeline_pools(campaign_year=year, as_of=as_of, scope=scope)
        moves = investment_selectors.pipeline_moves(campaign_year=year, as_of=as_of, scope=scope)
        rates = investment_selectors.batch_rates(as_of=as_of)
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
    steps = _batch_steps(
        rates=rates, printed=investment_selectors.printed_batch_rates(user=request.user), user=request.user
    )
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
        "projects/pipeline.html",
        {
            "year": year,
            "as_of": as_of,
            "scope": scope,
            "scope_is_park": isinstance(scope, Park),
            "regions": Region.objects.order_by("name"),
            "parks": Park.objects.order_by("name"),
            "funnel": funnel,
            "moves": moves,
            "steps": steps,
            "funnel_chart": funnel_chart,
            "batch_chart": _batch_chart(steps),
        },
    )


def project_list(request):
    filterset = ProjectFilterSet(request.GET, queryset=selectors.project_list(user=request.user))
    # Bad values are shown on their fields and list nothing, rather than silently listing everything.
    queryset = filterset.qs if filterset.is_valid() else Project.objects.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    export = query.copy()
    export.pop("format", None)
    return render(
        request,
        "projects/project_list.html",
        {
            "filterset": filterset,
            "primary_filters": PRIMARY_FILTERS,
            "more_filters_used": any(v for k, v in request.GET.items() if k not in PRIMARY_FILTERS + ["page"]),
            "page": page,
            "query": query.urlencode(),
            "export_query": export.urlencode(),
        },
    )


def project_detail(request, pk: int):
    project = selectors.project_file_get(pk=pk, user=request.user)
    if project is None:
        raise Http404
    signal = selectors.project_signal_latest(project=project)
    investment = selectors.project_plan_series(project=project, signal=signal)
    investment_chart = {
        "months": investment["months"],
        "actual": investment["actual"],
        "planned": investment["planned"],
        "labels": {"actual": _("本年累计完成投资(已审核进度)"), "planned": _("年度计划序时进度"), "unit": _("万元")},
    }
    # Who changed what is shown to the same people the history API answers (can_see_progress).
    show_history = can_see_progress(request.user, project)
    history = (
        list(project.history.select_related("history_user").order_by("-history_date")[:20]) if show_history else []
    )
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "show_contacts": project.contacts_visible,
            "investment": investment,
            "investment_chart": investment_chart,
            "signal": signal,
            "history": history,
            "show_history": show_history,
        },
    )
