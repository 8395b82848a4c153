"""The two ways a roll-up runs: everything for a year at an as-of date, or only the scopes one change moves."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from projects.models import Project
from shangdang_portal.calendar import default_as_of

from ..models import CampaignYear, Indicator, PipelinePool, Rollup, Target
from .batches import batch_rates_compute
from .indicators import computed_rows, reported_rows, scopes_with_targets, write_rows
from .pipeline import pipeline_compute
from .project_signals import signals_compute
from .scopes import ScopeTree


@dataclass
class RollupSummary:
    rows: Counter = field(default_factory=Counter)
    signals: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        written = ", ".join(f"{kind}: {n}" for kind, n in sorted(self.rows.items()))
        signals = ", ".join(f"{signal}: {n}" for signal, n in sorted(self.signals.items()))
        return [f"rows written: {written or 'none'}", f"signals: {signals or 'none'}"]


def _noop(label: str) -> None:
    return None


@transaction.atomic
def rollup_year(
    *, campaign_year: CampaignYear, as_of: dt.date | None = None, progress: Callable[[str], None] = _noop
) -> RollupSummary:
    """The full roll-up of one campaign year at one date; rows of that date no longer produced are removed."""
    as_of = as_of or default_as_of(campaign_year.year)
    summary, tree = RollupSummary(), ScopeTree()
    indicators = Indicator.objects.in_bulk(field_name="code")
    wanted = {(s.kind, s.id) for s in tree.scopes_with_projects()} | scopes_with_targets(campaign_year)
    scopes = [tree.scope(kind, node) for kind, node in sorted(wanted)]
    by_key = {(s.kind, s.id): s for s in scopes}

    progress("progress and milestones")
    rows = computed_rows(campaign_year=campaign_year, as_of=as_of, scopes=scopes, indicators=indicators)
    progress("report figures")
    rows += reported_rows(campaign_year=campaign_year, as_of=as_of, scopes_by_key=by_key, tree=tree)
    kept = write_rows(rows)
    Rollup.objects.filter(campaign_year=campaign_year, as_of=as_of).exclude(pk__in=kept).delete()
    for row in rows:
        summary.rows[f"rollup ({row['natural_key']['source']})"] += 1

    progress("三个一批")
    summary.rows["batch rates"] = batch_rates_compute(as_of=as_of, tree=tree)
    progress("四库")
    kept = pipeline_compute(campaign_year=campaign_year, as_of=as_of, scopes=scopes)
    PipelinePool.objects.filter(campaign_year=campaign_year, as_of=as_of).exclude(pk__in=kept).delete()
    summary.rows["pipeline"] = len(kept)
    progress("signals")
    summary.signals = signals_compute(campaign_year=campaign_year, as_of=as_of)
    summary.rows["signals"] = sum(summary.signals.values())
    return summary


def _as_of_dates(campaign_year: CampaignYear, as_of: dt.date | None) -> list[dt.date]:
    """The dates an incremental run refreshes: the one asked for, and the year's newest stored date."""
    dates = {as_of or default_as_of(campaign_year.year)}
    newest = Rollup.objects.filter(campaign_year=campaign_year).aggregate(newest=Max("as_of"))["newest"]
    if newest:
        dates.add(newest)
    return sorted(d for d in dates if d.year == campaign_year.year)


@transaction.atomic
def rollup_scopes(
    *, campaign_year: CampaignYear, regions: list[int], parks: list[int], as_of: dt.date | None = None
) -> RollupSummary:
    """Recompute only the given scopes (each from its own project set, never by adding child rows)."""
    summary, tree = RollupSummary(), ScopeTree()
    indicators = Indicator.objects.in_bulk(field_name="code")
    scopes = [tree.scope("region", r) for r in regions] + [tree.scope("park", p) for p in parks]
    by_key = {(s.kind, s.id): s for s in scopes}
    for day in _as_of_dates(campaign_year, as_of):
        rows = computed_rows(campaign_year=campaign_year, as_of=day, scopes=scopes, indicators=indicators)
        rows += reported_rows(campaign_year=campaign_year, as_of=day, scopes_by_key=by_key, tree=tree, only=set(by_key))
        write_rows(rows)
        for row in rows:
            summary.rows[f"rollup ({row['natural_key']['source']})"] += 1
        summary.rows["pipeline"] += len(pipeline_compute(campaign_year=campaign_year, as_of=day, scopes=scopes))
    return summary


def _campaign_years(as_of: dt.date | None):
    """The as-of date's year; without one, every campaign year (a correction may reach back a year)."""
    return CampaignYear.objects.filter(year=as_of.year) if as_of else CampaignYear.objects.all()


@transaction.atomic
def rollup_for_project(*, project_id: int, as_of: dt.date | None = None) -> RollupSummary:
    """After a project's data changed (a report approved): its region chain, its park chain, its signal."""
    project = Project.objects.get(pk=project_id)
    tree, summary = ScopeTree(), RollupSummary()
    for campaign_year in _campaign_years(as_of):
        done = rollup_scopes(
            campaign_year=campaign_year,
            regions=tree.chain("region", project.region_id),
            parks=tree.chain("park", project.park_id),
            as_of=as_of,
        )
        summary.rows.update(done.rows)
        for day in _as_of_dates(campaign_year, as_of):
            summary.signals.update(signals_compute(campaign_year=campaign_year, as_of=day, project_ids=[project_id]))
    summary.rows["signals"] = sum(summary.signals.values())
    return summary


@transaction.atomic
def rollup_for_target(*, target_id: int, as_of: dt.date | None = None) -> RollupSummary:
    """After a target changed: only the target's own scope compares against it."""
    target = Target.objects.select_related("campaign_year").get(pk=target_id)
    if as_of is None and target.campaign_year.year != timezone.localdate().year:
        as_of = default_as_of(target.campaign_year.year)
    return rollup_scopes(
        campaign_year=target.campaign_year,
        regions=[target.region_id] if target.region_id else [],
        parks=[target.park_id] if target.park_id else [],
        as_of=as_of,
    )
