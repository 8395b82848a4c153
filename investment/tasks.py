"""Celery tasks for the roll-ups: they take ids, call a service and own the retries."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError
from django.db.models import Max
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from shangdang_portal.calendar import default_as_of

from .models import CampaignYear, Rollup
from .rollups.rankings import ranking_publish
from .rollups.run import rollup_for_project, rollup_for_target, rollup_year

RETRY = {
    "autoretry_for": (OperationalError, BrokerError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(name="investment.rollup_all", soft_time_limit=25 * 60, time_limit=30 * 60, **RETRY)
def rollup_all_task(as_of: str | None = None) -> dict:
    """The nightly full roll-up: the current year at today, past years at their year end (late corrections).
    It first recomputes each year's newest stored date, which the incremental path has kept since the last
    full run: what differs there is drift, logged and kept in a RollupRun (admin)."""
    day = dt.date.fromisoformat(as_of) if as_of else None
    years = CampaignYear.objects.filter(year=day.year) if day else CampaignYear.objects.all()
    out = {}
    for cy in years:
        when = day or default_as_of(cy.year)
        newest = Rollup.objects.filter(campaign_year=cy).aggregate(newest=Max("as_of"))["newest"]
        lines = []
        if newest and newest != when and newest.year == cy.year:
            lines += rollup_year(campaign_year=cy, as_of=newest).lines()
        out[cy.year] = lines + rollup_year(campaign_year=cy, as_of=when).lines()
    return out


@shared_task(name="investment.rollup_year", soft_time_limit=25 * 60, time_limit=30 * 60, **RETRY)
def rollup_year_task(year: int) -> dict:
    """One campaign year in full: after a change that may touch any scope of it (thresholds, a figure, a
    target moved to another scope or removed)."""
    return {cy.year: rollup_year(campaign_year=cy).lines() for cy in CampaignYear.objects.filter(year=year)}


@shared_task(name="investment.rollup_project", soft_time_limit=120, time_limit=180, **RETRY)
def rollup_project_task(project_id: int, as_of: str | None = None) -> list[str]:
    day = dt.date.fromisoformat(as_of) if as_of else None
    return rollup_for_project(project_id=project_id, as_of=day).lines()


@shared_task(name="investment.rollup_target", soft_time_limit=120, time_limit=180, **RETRY)
def rollup_target_task(target_id: int) -> list[str]:
    return rollup_for_target(target_id=target_id).lines()


@shared_task(name="investment.publish_rankings", soft_time_limit=25 * 60, time_limit=30 * 60, **RETRY)
def publish_rankings_task(period: str | None = None) -> list[int]:
    """Freeze last month's rankings (regions and parks) at the start of a month."""
    if period:
        month = dt.date.fromisoformat(period).replace(day=1)
    else:
        # The district's date: the 03:00 (Asia/Shanghai) run on the 1st is still the previous day in UTC.
        month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    ids = []
    for campaign_year in CampaignYear.objects.filter(year=month.year):
        for scope_kind in ("region", "park"):
            ids.append(ranking_publish(campaign_year=campaign_year, period=month, scope_kind=scope_kind).pk)
    return ids
