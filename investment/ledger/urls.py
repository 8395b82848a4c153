"""Ledger page URLs, under /ledger/."""

from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("template/", views.template, name="template"),
    path("export/", views.export, name="export"),
]
