"""Reads of the campaign's indicators, years, targets and annual plans."""

from django.db.models import QuerySet

from projects.selectors import visible_projects
from shangdang_portal.filtering import apply_filterset

from ..filtersets import (
    AnnualPlanFilterSet,
    CampaignYearFilterSet,
    IndicatorFilterSet,
    TargetFilterSet,
)
from ..models import (
    AnnualPlan,
    CampaignYear,
    Indicator,
    Target,
)


def indicator_list(*, user=None, filters: dict | None = None) -> QuerySet[Indicator]:
    return apply_filterset(IndicatorFilterSet, filters, Indicator.objects.order_by("code", "pk"))


def target_list(*, user=None, filters: dict | None = None) -> QuerySet[Target]:
    queryset = Target.objects.select_related("campaign_year", "indicator", "region", "park", "source_figure")
    queryset = queryset.defer("source_figure__quote", "source_figure__note")
    return apply_filterset(TargetFilterSet, filters, queryset.order_by("-campaign_year__year", "indicator__code", "pk"))


def campaign_year_list(*, user=None, filters: dict | None = None) -> QuerySet[CampaignYear]:
    return apply_filterset(CampaignYearFilterSet, filters, CampaignYear.objects.order_by("-year", "pk"))


def annual_plan_list(*, user=None, filters: dict | None = None) -> QuerySet[AnnualPlan]:
    """The plans of the projects the caller may see (the others answer 404)."""
    queryset = AnnualPlan.objects.filter(project__in=visible_projects(user)).select_related(
        "campaign_year", "project", "project__region", "project__park"
    )
    return apply_filterset(
        AnnualPlanFilterSet, filters, queryset.order_by("-campaign_year__year", "project__name", "pk")
    )
