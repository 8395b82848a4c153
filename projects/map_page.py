"""The map page /map/: the projects the list's filters select, as points coloured by signal and sized by total
investment, the parks, and the regions shaded by the selected projects' investment; and the boundary data it
draws them on, served by the portal itself."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parks.models import Park

from . import location, selectors
from .filtersets import ProjectFilterSet
from .models import Project, Signal
from .views import PRIMARY_FILTERS

# The most project points one map draws: the page and its embedded data stay the same size whatever the
# number of projects the filters select.
MAP_POINTS = 1000
URL_PK = 987654321  # stands for a project's id in its URL, made once per map


def _placed_note(source: str, park) -> str:
    if source == "park":
        return _("无项目坐标，标在所在园区“%(park)s”的位置") % {"park": park.name}
    if source == "region":
        return _("无项目坐标，标在所在区域的位置")
    return ""


def region_totals(projects) -> list[dict]:
    """The selected projects' total investment and number per region, summed in SQL over all of them."""
    rows = (
        projects.order_by()
        .values("region__name")
        .annotate(investment=Sum("total_investment"), count=Count("pk"))
        .order_by("region__name")
    )
    return [
        {"name": row["region__name"], "value": float(row["investment"] or 0), "count": row["count"]} for row in rows
    ]


def map_data(projects, parks, points, *, regions: list[dict], selected: int) -> dict:
    """What map.js draws: project points, park points and the regions' totals, with the labels it shows.
    `projects` are the points to draw (at most MAP_POINTS of the `selected` ones); `regions` cover all."""
    project_rows, unplaced = [], 0
    # A thousand points: each label and the project URL's pattern are made once, not per point (reverse()
    # and a translated choice label per row took most of the page's time).
    signal_labels = {value: str(label) for value, label in Signal.choices}
    unlit = str(_("未亮灯"))
    url = reverse("dashboards:project-detail", args=[URL_PK])
    notes = {"region": str(_placed_note("region", None)), "project": ""}
    for project in projects:
        investment = project.total_investment or Decimal(0)
        place = location.project_place(project, points)
        if place is None:
            unplaced += 1
            continue
        note = notes.get(place.source)
        project_rows.append(
            {
                "id": project.pk,
                "name": project.name,
                "url": url.replace(str(URL_PK), str(project.pk)),
                "signal": project.signal,
                "signal_label": signal_labels.get(project.signal, project.signal) if project.signal else unlit,
                "investment": float(investment),
                "value": [place.longitude, place.latitude],
                "placed": place.source,
                "placed_note": note if note is not None else _placed_note(place.source, project.park),
            }
        )
    park_rows = []
    for park in parks:
        place = location.park_place(park, points)
        if place is not None:
            note = _("无园区坐标，标在所在区域的位置") if place.source == "region" else ""
            park_rows.append({"name": park.name, "value": [place.longitude, place.latitude], "placed_note": note})
    return {
        "projects": project_rows,
        "parks": park_rows,
        "regions": regions,
        "unplaced": unplaced,
        "selected": selected,
        "labels": {
            "projects": _("项目"),
            "parks": _("园区"),
            "investment": _("总投资"),
            "wan": _("万元"),
            "count": _("项目数"),
            "region_investment": _("筛选项目总投资(万元)"),
            "signals": {"green": _("绿灯"), "yellow": _("黄灯"), "red": _("红灯"), "": _("未亮灯")},
        },
    }


def project_map(request):
    filterset = ProjectFilterSet(request.GET, queryset=selectors.project_points(user=request.user))
    # Bad filter values are shown on their fields and draw nothing, as on the list.
    projects = filterset.qs if filterset.is_valid() else Project.objects.none()
    points = location.region_points()
    # Each park's point and region, and nothing summed over its projects.
    parks = Park.objects.select_related("region").order_by("kind", "name", "pk")
    selected = projects.count()
    drawn = projects
    if selected > MAP_POINTS:
        # The largest projects are drawn (the dots sized by investment that matter most); the count and the
        # region shading still cover every selected project, and the filters narrow the set to draw it all.
        drawn = projects.order_by(F("total_investment").desc(nulls_last=True), "name", "pk")[:MAP_POINTS]
    data = map_data(drawn, parks, points, regions=region_totals(projects), selected=selected)
    return render(
        request,
        "projects/project_map.html",
        {
            "filterset": filterset,
            "primary_filters": PRIMARY_FILTERS,
            "more_filters_used": any(v for k, v in request.GET.items() if k not in PRIMARY_FILTERS),
            "map_data": data,
            "has_boundaries": bool(points),
            "list_query": request.GET.urlencode(),
        },
    )


@require_GET
def boundaries(request):
    """The boundary GeoJSON from node_modules (installed at set-up), renamed to the register's region names."""
    data = location.boundaries()
    if data is None:
        return JsonResponse(
            {"error": {"status": 404, "code": "not_found", "message": _("地图边界数据未安装。"), "fields": {}}},
            status=404,
        )
    response = JsonResponse(data)
    response["Cache-Control"] = "public, max-age=86400"
    return response
