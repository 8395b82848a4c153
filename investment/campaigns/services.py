"""Writes on targets and annual plans; each sends the incremental roll-up once the change is committed."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects.models import Project

from ..models import AnnualPlan, CampaignYear, Measure, Target
from ..rollups.services import rollup_project_on_commit, rollup_target_on_commit


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
    target.full_clean()
    target.save()
    rollup_target_on_commit(target_id=target.pk)
    return target


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
