"""Writes on targets and annual plans; each sends the incremental roll-up once the change is committed."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects.models import Project

from ..models import AnnualPlan, CampaignYear, Measure, Target
from ..rollups.services import rollup_project_on_commit, rollup_target_on_commit, rollup_year_on_commit


@transaction.atomic
def target_update(*, target: Target, value: Decimal, comparator: str | None = None, unit: str | None = None) -> Target:
    if value is None:
        raise ValidationError({"value": _("请填写目标值。")})
    if value < 0 and target.measure == Measure.LEVEL and (unit or target.unit) == "万元":
        # The database refuses it too; said here so the message names the field.
        raise ValidationError({"value": _("金额不能为负数。")})
    target.value = value
    if comparator is not None:
        target.comparator = comparator
    if unit is not None:
        target.unit = unit
    return target_save(target=target)


# What places a target: when one of these changes, the scopes it left must be rolled up as well.
TARGET_PLACE = ("campaign_year_id", "indicator_id", "measure", "region_id", "park_id")


@transaction.atomic
def target_save(*, target: Target, actor=None) -> Target:
    """Create or change a target (the admin saves through here too); the roll-up follows on commit: only the
    target's scope when it stays where it was, the whole year when it moved to another scope or indicator."""
    before = Target.objects.filter(pk=target.pk).values(*TARGET_PLACE).first() if target.pk else None
    target.full_clean()
    if actor is not None:
        target._history_user = actor
    target.save()
    if before is not None and any(before[f] != getattr(target, f) for f in TARGET_PLACE):
        for year in CampaignYear.objects.filter(pk__in={before["campaign_year_id"], target.campaign_year_id}):
            rollup_year_on_commit(year=year.year)
    else:
        rollup_target_on_commit(target_id=target.pk)
    return target


@transaction.atomic
def target_delete(*, target: Target, actor=None) -> None:
    year = target.campaign_year.year
    if actor is not None:
        target._history_user = actor
    target.delete()
    rollup_year_on_commit(year=year)


def campaign_year_for(year: int) -> CampaignYear:
    """The campaign year, created when a ledger or plan first names it; a new year copies the signal rules of
    the year before it (officials change them in the portal when they differ)."""
    found = CampaignYear.objects.filter(year=year).first()
    if found is not None:
        return found
    previous = CampaignYear.objects.filter(year__lt=year).order_by("-year").first()
    rules = ("yellow_lag_points", "red_lag_points", "red_not_started_months")
    copied = {name: getattr(previous, name) for name in rules} if previous else {}
    campaign_year = CampaignYear(year=year, name=_("%(year)s年重大项目建设年") % {"year": year}, **copied)
    campaign_year.full_clean()
    campaign_year.save()
    return campaign_year


@transaction.atomic
def campaign_year_save(*, campaign_year: CampaignYear) -> CampaignYear:
    """The year's signal rules decide every project's colour: the year is rolled up again on commit."""
    campaign_year.full_clean()
    campaign_year.save()
    rollup_year_on_commit(year=campaign_year.year)
    return campaign_year


@transaction.atomic
def annual_plan_set(*, project: Project, campaign_year: CampaignYear, planned_investment: Decimal) -> AnnualPlan:
    """Create or change a project's plan for the year; its signal and scopes follow on commit."""
    plan = AnnualPlan.objects.filter(project=project, campaign_year=campaign_year).first() or AnnualPlan(
        project=project, campaign_year=campaign_year
    )
    plan.planned_investment = planned_investment
    plan.full_clean()
    plan.save()
    rollup_project_on_commit(project_id=project.pk)
    return plan
