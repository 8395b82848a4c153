"""The park tree page: zone → park → cluster with the projects and investment below each node."""

from django.shortcuts import render

from projects.selectors import visible_projects

from .selectors import park_rows, park_tree_totals


def park_list(request):
    roots = park_tree_totals(projects=visible_projects(request.user))
    return render(request, "parks/park_list.html", {"rows": park_rows(roots), "roots": roots})
