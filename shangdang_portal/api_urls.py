"""The /api/v1/ router, mounted under the URL namespace `api` (`api:project-list`), so an API route name
is never confused with a page's (`projects:list`). Each app adds its viewsets here with one line."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from investment.api.campaigns import AnnualPlanViewSet, CampaignYearViewSet, TargetViewSet
from investment.api.intake import FigureCandidateViewSet
from investment.api.opendata import OC4IDSPackageView
from investment.api.rollups import (
    BatchRateViewSet,
    PipelineViewSet,
    ProjectSignalViewSet,
    RankingViewSet,
    RollupViewSet,
)
from investment.api.views import FigureViewSet, IndicatorViewSet, SourceReportViewSet
from parks.api.views import ParkViewSet, RegionViewSet
from projects.api.contacts import ContactViewSet
from projects.api.milestones import MilestoneViewSet
from projects.api.views import CompanyViewSet, IndustryChainViewSet, ProjectViewSet
from projects.progress.api.obstacles import ObstacleViewSet
from projects.progress.api.views import ProgressReportViewSet, ProjectHistoryView

from .api_tokens import TokenViewSet
from .export_jobs import ExportDownloadView, ExportJobView

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("parks", ParkViewSet, basename="park")
router.register("industry-chains", IndustryChainViewSet, basename="industry-chain")
router.register("companies", CompanyViewSet, basename="company")
router.register("projects", ProjectViewSet, basename="project")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("contacts", ContactViewSet, basename="contact")
router.register("progress-reports", ProgressReportViewSet, basename="progress-report")
router.register("obstacles", ObstacleViewSet, basename="obstacle")
router.register("source-reports", SourceReportViewSet, basename="source-report")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("figures", FigureViewSet, basename="figure")
router.register("figure-candidates", FigureCandidateViewSet, basename="figure-candidate")
router.register("targets", TargetViewSet, basename="target")
router.register("campaign-years", CampaignYearViewSet, basename="campaign-year")
router.register("annual-plans", AnnualPlanViewSet, basename="annual-plan")
router.register("rollups", RollupViewSet, basename="rollup")
router.register("batch-rates", BatchRateViewSet, basename="batch-rate")
router.register("pipeline", PipelineViewSet, basename="pipeline")
router.register("signals", ProjectSignalViewSet, basename="signal")
router.register("rankings", RankingViewSet, basename="ranking")
router.register("tokens", TokenViewSet, basename="token")

urlpatterns = [
    # A project's change history is the progress workflow's read, under the project's URL.
    path("projects/<int:pk>/history/", ProjectHistoryView.as_view(), name="project-history"),
    path("oc4ids/", OC4IDSPackageView.as_view(), name="oc4ids"),
    path("exports/<uuid:pk>/", ExportJobView.as_view(), name="export-detail"),
    path("exports/<uuid:pk>/download/", ExportDownloadView.as_view(), name="export-download"),
    *router.urls,
]
