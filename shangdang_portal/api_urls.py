"""The /api/v1/ router. Each app adds its viewsets here with one `router.register(...)` line."""

from rest_framework.routers import DefaultRouter

from projects.api.views import CompanyViewSet, ProjectViewSet

router = DefaultRouter()
router.register("companies", CompanyViewSet, basename="company")
router.register("projects", ProjectViewSet, basename="project")

urlpatterns = router.urls
