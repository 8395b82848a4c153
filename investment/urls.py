"""Page URLs for the overview, rankings and source reports."""

from django.urls import path

from . import views

app_name = "investment"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rankings/", views.rankings, name="rankings"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
]
