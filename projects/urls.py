"""Page URLs for the project list and the park tree (the staff progress pages are in progress/urls.py; the
pipeline and one project's file are dashboards, investment/dashboards/urls.py)."""

from django.urls import path

from . import map_page, views

app_name = "projects"

urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("parks/", views.park_tree, name="park-tree"),
    path("map/", map_page.project_map, name="map"),
    path("map/boundaries.json", map_page.boundaries, name="map-boundaries"),
]
