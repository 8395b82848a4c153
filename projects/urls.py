"""Page URLs for the pipeline, the project list and one project (the staff progress pages are in progress/urls.py)."""

from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("pipeline/", views.pipeline, name="pipeline"),
    path("projects/", views.project_list, name="list"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
]
