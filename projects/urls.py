"""Page URLs for the pipeline, the project list and one project."""

from django.urls import path

from . import views

urlpatterns = [
    path("pipeline/", views.pipeline, name="pipeline"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
]
