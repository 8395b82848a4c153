"""Dashboard page URLs: the overview, the rankings, the pipeline, one project's file, the big screen and the
monthly briefing."""

from django.urls import path

from . import briefing, screen, views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rankings/", views.rankings, name="rankings"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/milestones/", views.milestone_save, name="milestone-save"),
    path("projects/<int:pk>/pool-move/", views.pool_move, name="pool-move"),
    path("projects/<int:pk>/contacts/", views.contact_save, name="contact-save"),
    path("projects/<int:pk>/location/", views.location_save, name="location-save"),
    path("screen/", screen.screen, name="screen"),
    path("screen/data/", screen.screen_data, name="screen-data"),
    path("briefing/", briefing.briefing, name="briefing"),
    path("briefing/pdf/", briefing.briefing_pdf, name="briefing-pdf"),
]
