"""Project pages: the 项目库 pipeline, the filtered list and one project's file (一项目一档)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from investment.templatetags.portal import wan_yuan

from . import selectors
from .filtersets import ProjectFilterSet
from .models import Project

PAGE_SIZE = 25
# The filters officials use most stay in view; the rest of ProjectFilterSet folds away.
PRIMARY_FILTERS = ["q", "region", "park", "pool", "signal", "ordering"]
STEP_NAMES = [
    ("signed_to_started_rate", _lazy("签约一批开工率")),
    ("started_to_production_rate", _lazy("开工一批投产率")),
    ("production_to_capacity_rate", _lazy("投产一批达效率")),
]


def pipeline(request):
    list_url = reverse("projects:list")
    funnel = selectors.pool_funnel(user=request.user)
    for row in funnel:
        row["url"] = f"{list_url}?pool={row['pool']}"
    steps = selectors.batch_summary(user=request.user)
    for step in steps:
        step["source_url"] = f"{list_url}?milestone_kind={step['source']}"
        step["reached_url"] = f"{list_url}?milestone_kind={step['reached']}"
        figure = step["figure"]
        step["figure_url"] = (
            f"{reverse('investment:report', args=[figure.report_id])}#figure-{figure.pk}" if figure else ""
        )
    for step in steps:
        step["formula"] = _("%(reached)s项目数 ÷ %(source)s项目数") % {
            "reached": step["reached_label"],
            "source": step["source_label"],
        }
    labels = {code: name for code, name in STEP_NAMES}
    for step in steps:
        step["label"] = str(labels[step["code"]])
    funnel_chart = {
        "items": [
            {"label": row["label"], "count": row["count"], "investment": wan_yuan(row["investment"]), "url": row["url"]}
            for row in funnel
        ],
        "labels": {"count": _("项目数"), "investment": _("总投资")},
    }
    batch_chart = {
        "items": [
            {
                "label": step["label"],
                "formula": step["formula"],
                "numbers": _("本库节点记录：%(reached)s ÷ %(source)s")
                % {"reached": step["reached_count"], "source": step["source_count"]},
                "rate": str(step["figure"].value) if step["figure"] else None,
                "printed": (
                    f"{step['figure'].value_printed}{step['figure'].unit_printed} · {step['figure'].region or ''} "
                    f"{step['figure'].period_label}"
                    if step["figure"]
                    else ""
                ),
                "url": step["figure_url"] or step["reached_url"],
            }
            for step in steps
        ],
        "labels": {"printed": _("报道数值")},
    }
    return render(
        request,
        "projects/pipeline.html",
        {"funnel": funnel, "steps": steps, "funnel_chart": funnel_chart, "batch_chart": batch_chart},
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
    investment = selectors.project_investment_series(project=project)
    investment_chart = {
        **investment,
        "labels": {"actual": _("累计完成投资"), "planned": _("计划投资"), "unit": _("万元")},
    }
    history = list(project.history.select_related("history_user").order_by("-history_date")[:20])
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "show_contacts": project.contacts_visible,
            "investment": investment,
            "investment_chart": investment_chart,
            "history": history,
        },
    )
