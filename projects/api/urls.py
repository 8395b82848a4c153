"""Progress report routes of the REST API (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import ProgressReportViewSet, ProjectHistoryView

router = DefaultRouter()
router.register("progress-reports", ProgressReportViewSet, basename="progress-report")

urlpatterns = [
    path("projects/<int:pk>/history/", ProjectHistoryView.as_view(), name="project-history"),
    *router.urls,
]
