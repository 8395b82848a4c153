"""Root URLs: pages, the REST API and its docs, admin, health and language switch."""

from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .export_jobs import export_page
from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for it on pages without an icon link (the admin's).
    path("favicon.ico", RedirectView.as_view(url=static_url("favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("progress/", include("projects.progress.urls")),
    path("ledger/", include("investment.ledger.urls")),
    path("plans/", include("investment.campaigns.urls")),
    # A large export's file, waited for (the `导出` links of the pages land here when the export is a task).
    path("exports/<uuid:pk>/", export_page, name="export-page"),
    path("api/v1/", include(("shangdang_portal.api_urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("investment.dashboards.urls")),
    path("", include("investment.sources.urls")),
    path("", include("projects.urls")),
]
# Nothing under MEDIA_ROOT is served as it lies: progress photos go through projects.progress.photos, behind
# the permission of their report, with the content type of the checked image.
handler404 = "shangdang_portal.exceptions.not_found"
