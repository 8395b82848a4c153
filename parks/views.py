"""The park tree page: zone → park → cluster with the projects and investment below each node."""

from django.shortcuts import render

from projects.selectors import project_visible

from .selectors import park_rows, park_tree


def park_list(request):
    roots = park_tree(projects=project_visible(user=request.user))
    return render(request, "parks/park_list.html", {"rows": park_rows(roots), "roots": roots})
