"""Page URLs for the overview, rankings and source reports."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rankings/", views.rankings, name="rankings"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
]
