"""Writes on targets, annual plans and campaign years; each records who made it (history) and sends the
incremental roll-up once the change is committed.

A write may name the row version it is based on (`version`, see shangdang_portal.row_versions); the row is
then locked and the write refused with StaleRow if someone else changed it in between.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects.models import Project
from shangdang_portal.row_versions import lock_and_check

from ..models import AnnualPlan, CampaignYear, Measure, Target
from ..rollups.services import rollup_project_on_commit, rollup_target_on_commit, rollup_year_on_commit

# What places a target: when one of these changes, the scopes it left must be rolled up as well.
TARGET_PLACE = ("campaign_year_id", "indicator_id", "measure", "region_id", "park_id")

# The fields a row's version is computed from: those a planner may change.
TARGET_VERSION_FIELDS = ("campaign_year", "indicator", "region", "park", "measure", "value", "unit", "comparator")
ANNUAL_PLAN_VERSION_FIELDS = ("project", "campaign_year", "planned_investment")
CAMPAIGN_YEAR_VERSION_FIELDS = ("year", "name", "yellow_lag_points", "red_lag_points", "red_not_started_months")


@transaction.atomic
def target_save(*, target: Target, actor=None, version: str | None = None) -> Target:
    """Create or change a target (the admin saves through here too); the roll-up follows on commit: only the
    target's scope when it stays where it was, the whole year when it moved to another scope or indicator."""
    lock_and_check(Target, target.pk, version, TARGET_VERSION_FIELDS)
    before = Target.objects.filter(pk=target.pk).values(*TARGET_PLACE).first() if target.pk else None
    if target.value is not None and target.value < 0 and target.measure == Measure.LEVEL and target.unit == "万元":
        # The database refuses it too; said here so the message names the field.
        raise ValidationError({"value": _("金额不能为负数。")})
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
def target_create(*, year: int, actor=None, **values) -> Target:
    """A new target for a campaign year (the year is created, with the previous year's rules, if need be)."""
    return target_save(target=Target(campaign_year=campaign_year_for(year), **values), actor=actor)


@transaction.atomic
def target_change(
    *, target: Target, actor=None, version: str | None = None, year: int | None = None, **values
) -> Target:
    """Change the given fields of a target (those not given stay as they are)."""
    if year is not None and year != target.campaign_year.year:
        target.campaign_year = campaign_year_for(year)
    for name, value in values.items():
        setattr(target, name, value)
    return target_save(target=target, actor=actor, version=version)


@transaction.atomic
def target_delete(*, target: Target, actor=None, version: str | None = None) -> None:
    lock_and_check(Target, target.pk, version, TARGET_VERSION_FIELDS)
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
def campaign_year_save(*, campaign_year: CampaignYear, actor=None, version: str | None = None) -> CampaignYear:
    """The year's signal rules decide every project's colour: the year is rolled up again on commit."""
    lock_and_check(CampaignYear, campaign_year.pk, version, CAMPAIGN_YEAR_VERSION_FIELDS)
    yellow, red = campaign_year.yellow_lag_points, campaign_year.red_lag_points
    if yellow is not None and red is not None and red < yellow:
        # The database refuses it too (campaign_red_beyond_yellow); said here so the message names the field.
        raise ValidationError({"red_lag_points": _("红灯阈值必须不小于黄灯阈值。")})
    campaign_year.full_clean()
    if actor is not None:
        campaign_year._history_user = actor
    campaign_year.save()
    rollup_year_on_commit(year=campaign_year.year)
    return campaign_year


@transaction.atomic
def campaign_year_create(*, year: int, actor=None, **values) -> CampaignYear:
    """A new campaign year: the previous year's signal rules (campaign_year_for), then the values given."""
    if CampaignYear.objects.filter(year=year).exists():
        raise ValidationError({"year": _("该年度已存在。")})
    campaign_year = campaign_year_for(year)
    for name, value in values.items():
        setattr(campaign_year, name, value)
    return campaign_year_save(campaign_year=campaign_year, actor=actor)


@transaction.atomic
def annual_plan_set(
    *,
    project: Project,
    campaign_year: CampaignYear,
    planned_investment: Decimal,
    actor=None,
    version: str | None = None,
) -> AnnualPlan:
    """Create or change a project's plan for the year; its signal and scopes follow on commit."""
    plan = AnnualPlan.objects.filter(project=project, campaign_year=campaign_year).first() or AnnualPlan(
        project=project, campaign_year=campaign_year
    )
    lock_and_check(AnnualPlan, plan.pk, version, ANNUAL_PLAN_VERSION_FIELDS)
    if planned_investment is None:
        raise ValidationError({"planned_investment": _("请填写年度计划投资。")})
    plan.planned_investment = planned_investment
    plan.full_clean()
    if actor is not None:
        plan._history_user = actor
    plan.save()
    rollup_project_on_commit(project_id=project.pk)
    return plan


@transaction.atomic
def annual_plan_create(*, project: Project, year: int, planned_investment: Decimal, actor=None) -> AnnualPlan:
    """A project's first plan for a year (the year is created, with the previous year's rules, if need be)."""
    if AnnualPlan.objects.filter(project=project, campaign_year__year=year).exists():
        raise ValidationError({"project": _("该项目该年度已有年度计划。")})
    campaign_year = campaign_year_for(year)
    return annual_plan_set(
        project=project, campaign_year=campaign_year, planned_investment=planned_investment, actor=actor
    )


@transaction.atomic
def annual_plan_delete(*, plan: AnnualPlan, actor=None, version: str | None = None) -> None:
    """Remove a project's plan for the year; without a plan its signal is rolled up again on commit."""
    lock_and_check(AnnualPlan, plan.pk, version, ANNUAL_PLAN_VERSION_FIELDS)
    project_id = plan.project_id
    if actor is not None:
        plan._history_user = actor
    plan.delete()
    rollup_project_on_commit(project_id=project_id)
