"""Planning page URLs, under /plans/."""

from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.annual_plans, name="annual-plans"),
    path("<int:year>/targets/", views.targets, name="targets"),
    path("<int:year>/thresholds/", views.thresholds, name="thresholds"),
]
