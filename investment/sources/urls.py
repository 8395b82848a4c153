"""Source report page URLs: the list and one report with its figures; adding a report and its review queue."""

from django.urls import path

from . import views

app_name = "sources"

urlpatterns = [
    path("source-reports/", views.report_list, name="list"),
    path("source-reports/add/", views.report_add, name="add"),
    path("source-reports/<int:pk>/", views.report_detail, name="detail"),
    path("source-reports/<int:pk>/review/", views.review, name="review"),
]
