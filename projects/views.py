"""Register pages: the filtered project list and the park tree with the projects below each node. The
项目库 pipeline and one project's file (一项目一档) compose every app's data: investment/dashboards/views.py."""

from __future__ import annotations

from django.shortcuts import render

from parks.selectors import park_rows, park_tree_totals
from shangdang_portal.pagination import KeysFirstPaginator
from shangdang_portal.permissions import can_filter_synthetic

from . import selectors
from .filtersets import ProjectFilterSet
from .models import Project

PAGE_SIZE = 25
# The filters officials use most stay in view; the rest of ProjectFilterSet folds away.
PRIMARY_FILTERS = ["q", "region", "park", "pool", "signal", "ordering"]


def project_list(request):
    # The table shows a project's own columns and its region, park and company: the API's milestones, reports
    # and totals are not read for it.
    filterset = ProjectFilterSet(request.GET, queryset=selectors.project_page(user=request.user))
    if not can_filter_synthetic(request.user):
        filterset.filters.pop("is_synthetic")
    # Bad values are shown on their fields and list nothing, rather than silently listing everything.
    queryset = filterset.qs if filterset.is_valid() else Project.objects.none()
    queryset = queryset.select_related("region", "park", "company")
    page = KeysFirstPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
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


def park_tree(request):
    """The park tree: zone → park → cluster with the projects and investment the user may see below each."""
    roots = park_tree_totals(projects=selectors.visible_projects(request.user))
    return render(request, "projects/park_tree.html", {"rows": park_rows(roots), "roots": roots})
