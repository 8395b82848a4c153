"""Dashboard page URLs: the overview, the rankings, the pipeline and one project's file."""

from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rankings/", views.rankings, name="rankings"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
]
