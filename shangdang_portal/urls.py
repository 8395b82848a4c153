"""Root URLs: pages, the REST API and its docs, admin, health and language switch."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("progress/", include("projects.progress.urls")),
    path("ledger/", include("investment.ledger.urls")),
    path("plans/", include("investment.campaigns.urls")),
    path("api/v1/", include(("shangdang_portal.api_urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("investment.dashboards.urls")),
    path("", include("investment.sources.urls")),
    path("", include("projects.urls")),
]
# Nothing under MEDIA_ROOT is served as it lies: progress photos go through projects.progress.photos, behind
# the permission of their report, with the content type of the checked image.
