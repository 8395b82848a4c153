"""Source report page URLs: the list and one report with its figures."""

from django.urls import path

from . import views

app_name = "sources"

urlpatterns = [
    path("source-reports/", views.report_list, name="list"),
    path("source-reports/<int:pk>/", views.report_detail, name="detail"),
]
