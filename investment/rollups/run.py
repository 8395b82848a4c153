"""The two ways a roll-up runs: everything for a year at an as-of date (which also reconciles what the
incremental path stored), or one project's difference added to the scopes above it."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from projects.models import Project
from shangdang_portal.calendar import default_as_of

from ..models import (
    SIGNAL_KEYS,
    TALLY_SUMS,
    CampaignYear,
    Indicator,
    PipelinePool,
    ProjectSignal,
    ProjectTally,
    Rollup,
    RollupRun,
    RollupSource,
    ScopeTally,
    Target,
)
from .batches import batch_rates_compute
from .indicators import ROLLUP_KEY, reported_rows, rollup_rows, rows_from_sums, scopes_with_targets
from .pipeline import PIPELINE_KEY, pipeline_rows
from .project_signals import signals_compute
from .scopes import ScopeTree
from .tallies import (
    PROJECT_COLUMNS,
    SCOPE_KEY_FIELDS,
    scope_sums,
    stored_sums,
    sums_of,
    tally_projects,
    tally_rows,
    write_changed,
)

logger = logging.getLogger(__name__)
COMPUTED_SOURCES = [RollupSource.PROGRESS, RollupSource.LEDGER, RollupSource.MILESTONES]


@dataclass
class RollupSummary:
    rows: Counter = field(default_factory=Counter)
    signals: Counter = field(default_factory=Counter)
    drift_scopes: set = field(default_factory=set)
    removed: int = 0  # rows of scopes no longer produced (no project, no target): not drift

    def lines(self) -> list[str]:
        written = ", ".join(f"{kind}: {n}" for kind, n in sorted(self.rows.items()) if n)
        signals = ", ".join(f"{signal}: {n}" for signal, n in sorted(self.signals.items()))
        return [f"rows written: {written or 'none'}", f"signals: {signals or 'none'}"]


def _noop(label: str) -> None:
    return None


@transaction.atomic
def rollup_year(
    *, campaign_year: CampaignYear, as_of: dt.date | None = None, progress: Callable[[str], None] = _noop
) -> RollupSummary:
    """The full roll-up of one campaign year at one date, from scratch; rows of that date no longer produced
    are removed and only rows that changed are written. Where the date's rows were already stored (kept by
    the incremental path), every row it had to write is drift: logged and kept in a RollupRun."""
    as_of = as_of or default_as_of(campaign_year.year)
    with transaction.atomic():
        take_turns(campaign_year, as_of)
        return _rollup_year(campaign_year=campaign_year, as_of=as_of, progress=progress)


def take_turns(campaign_year: CampaignYear, as_of: dt.date) -> None:
    """Full runs and single projects' deltas of one date take turns, each holding the date until its
    transaction ends. A delta committed while a full run was summing would otherwise be overwritten by the
    full run's older sums (the next full run would find and log the drift); a delta that waits applies its
    difference to the full run's rows instead. On PostgreSQL a transaction-level advisory lock on (campaign
    year, date); SQLite lets one transaction write at a time anyway."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [campaign_year.pk, as_of.toordinal()])


def _rollup_year(*, campaign_year: CampaignYear, as_of: dt.date, progress: Callable[[str], None]) -> RollupSummary:
    started, clock = timezone.now(), time.perf_counter()
    summary, tree = RollupSummary(), ScopeTree()
    reconciled = ScopeTally.objects.filter(campaign_year=campaign_year, as_of=as_of).exists()
    indicators = Indicator.objects.in_bulk(field_name="code")
    wanted = {(s.kind, s.id) for s in tree.scopes_with_projects()} | scopes_with_targets(campaign_year)
    scopes = [tree.scope(kind, node) for kind, node in sorted(wanted)]
    by_key = {(s.kind, s.id): s for s in scopes}
    day = {"campaign_year": campaign_year, "as_of": as_of}

    progress("progress and milestones")
    summary.rows["project tallies"] = tally_projects(**day)
    progress("signals")
    signals = signals_compute(**day)
    summary.signals, summary.rows["signals"] = signals.counts, len(signals.changed)
    sums = scope_sums(**day, scopes=scopes)
    written = write_changed(
        model=ScopeTally,
        stored=ScopeTally.objects.filter(**day),
        rows=tally_rows(sums),
        key_fields=SCOPE_KEY_FIELDS,
        delete_missing=True,
        fixed=day,
    )
    summary.rows["scope tallies"], summary.drift_scopes = written.total, set(written.scopes)
    summary.removed += written.deleted
    progress("report figures")
    rows = rows_from_sums(**day, scopes=scopes, sums=sums, indicators=indicators)
    rows += reported_rows(**day, scopes_by_key=by_key, tree=tree)
    written = write_changed(
        model=Rollup,
        stored=Rollup.objects.filter(**day),
        rows=rollup_rows(rows),
        key_fields=ROLLUP_KEY,
        delete_missing=True,
        fixed=day,
        count_by="source",
    )
    for source, n in written.by.items():
        summary.rows[f"rollup ({source})"] = n
    summary.rows["rollup (removed)"] = written.deleted
    summary.drift_scopes |= written.scopes
    summary.removed += written.deleted
    progress("三个一批")
    summary.rows["batch rates"] = batch_rates_compute(as_of=as_of, tree=tree)
    progress("四库")
    written = write_changed(
        model=PipelinePool,
        stored=PipelinePool.objects.filter(**day),
        rows=pipeline_rows(scopes=scopes, sums=sums),
        key_fields=PIPELINE_KEY,
        delete_missing=True,
        fixed=day,
    )
    summary.rows["pipeline"], summary.drift_scopes = written.total, summary.drift_scopes | written.scopes
    summary.removed += written.deleted
    _record_run(summary, reconciled=reconciled, started=started, seconds=time.perf_counter() - clock, **day)
    return summary


def _record_run(summary: RollupSummary, *, campaign_year, as_of, reconciled: bool, started, seconds: float) -> None:
    drift = sum(summary.rows.values()) - summary.removed if reconciled else 0
    scopes = sorted(summary.drift_scopes) if reconciled else []
    RollupRun.objects.create(
        campaign_year=campaign_year,
        as_of=as_of,
        started_at=started,
        seconds=round(seconds, 3),
        rows_written=dict(summary.rows),
        reconciled=reconciled,
        drift_rows=drift,
        drift_scopes=scopes,
    )
    if drift:
        logger.warning(
            "rollup drift %s @ %s: %d rows differed from the stored ones (%s); scopes: %s",
            campaign_year.year,
            as_of,
            drift,
            ", ".join(f"{kind}: {n}" for kind, n in sorted(summary.rows.items()) if n),
            ", ".join(scopes) or "none",
        )


def _as_of_dates(campaign_year: CampaignYear, as_of: dt.date | None) -> list[dt.date]:
    """The dates an incremental run refreshes: the one asked for, and the year's newest stored date."""
    dates = {as_of or default_as_of(campaign_year.year)}
    newest = Rollup.objects.filter(campaign_year=campaign_year).aggregate(newest=Max("as_of"))["newest"]
    if newest:
        dates.add(newest)
    return sorted(d for d in dates if d.year == campaign_year.year)


def _has_tallies(campaign_year: CampaignYear, day: dt.date) -> bool:
    return ScopeTally.objects.filter(campaign_year=campaign_year, as_of=day).exists()


def _rewrite_scopes(*, campaign_year, as_of, tree, keys: set, sums: dict, with_reported: bool) -> Counter:
    """The roll-up and 四库 rows of some scopes, derived again from their stored sums (only changes written)."""
    written, day = Counter(), {"campaign_year": campaign_year, "as_of": as_of}
    scopes = [tree.scope(kind, node) for kind, node in sorted(keys)]
    by_key = {(s.kind, s.id): s for s in scopes}
    regions = [n for k, n in keys if k == "region"]
    parks = [n for k, n in keys if k == "park"]
    in_scopes = Q(region_id__in=regions) | Q(park_id__in=parks)
    rows = rows_from_sums(**day, scopes=scopes, sums=sums, indicators=Indicator.objects.in_bulk(field_name="code"))
    stored = Rollup.objects.filter(in_scopes, **day)
    if with_reported:
        rows += reported_rows(**day, scopes_by_key=by_key, tree=tree, only=set(by_key))
    else:
        stored = stored.filter(source__in=COMPUTED_SOURCES)
    written["rollup"] = write_changed(
        model=Rollup, stored=stored, rows=rollup_rows(rows), key_fields=ROLLUP_KEY, delete_missing=False, fixed=day
    ).total
    written["pipeline"] = write_changed(
        model=PipelinePool,
        stored=PipelinePool.objects.filter(in_scopes, **day),
        rows=pipeline_rows(scopes=scopes, sums=sums),
        key_fields=PIPELINE_KEY,
        delete_missing=False,
        fixed=day,
    ).total
    return written


@transaction.atomic
def rollup_scopes(
    *, campaign_year: CampaignYear, regions: list[int], parks: list[int], as_of: dt.date | None = None
) -> RollupSummary:
    """Derive the rows of the given scopes again from their stored sums (after a target changed)."""
    summary, tree = RollupSummary(), ScopeTree()
    keys = {("region", r) for r in regions} | {("park", p) for p in parks}
    for day in _as_of_dates(campaign_year, as_of):
        if not _has_tallies(campaign_year, day):
            summary.rows.update(rollup_year(campaign_year=campaign_year, as_of=day).rows)
            continue
        stored = stored_sums(campaign_year=campaign_year, as_of=day, scopes=keys)
        sums = {key: sums_of(stored.get(key)) for key in keys}
        summary.rows.update(
            _rewrite_scopes(campaign_year=campaign_year, as_of=day, tree=tree, keys=keys, sums=sums, with_reported=True)
        )
    return summary


def _campaign_years(as_of: dt.date | None):
    """The as-of date's year; without one, every campaign year (a correction may reach back a year)."""
    return CampaignYear.objects.filter(year=as_of.year) if as_of else CampaignYear.objects.all()


def _tally_of(*, project_id: int, campaign_year, as_of, lock: bool = False) -> dict | None:
    """A project's stored tally; locked, two roll-ups of one project take turns, so the second one's "before"
    is the first one's "after" and no difference is added twice."""
    tallies = ProjectTally.objects.filter(project_id=project_id, campaign_year=campaign_year, as_of=as_of)
    if lock:
        tallies = tallies.select_for_update()
    return tallies.order_by().values(*TALLY_SUMS, *PROJECT_COLUMNS).first()


def project_delta(*, project_id: int, campaign_year: CampaignYear, as_of: dt.date, tree: ScopeTree) -> RollupSummary:
    """One project's change at one date: its tally and signal recomputed, the difference to what they were
    added to the stored sums of the scopes above it (its region chain and park chain: O(depth) rows), and
    those scopes' derived rows written again where they changed."""
    summary, day = RollupSummary(), {"campaign_year": campaign_year, "as_of": as_of}
    take_turns(campaign_year, as_of)
    old = _tally_of(project_id=project_id, **day, lock=True)
    old_signal = ProjectSignal.objects.filter(project_id=project_id, **day).values_list("signal", flat=True).first()
    summary.rows["project tallies"] = tally_projects(**day, project_ids=[project_id])
    signals = signals_compute(**day, project_ids=[project_id])
    summary.signals, summary.rows["signals"] = signals.counts, len(signals.changed)
    if not summary.rows["project tallies"] and not signals.changed:
        return summary
    new = _tally_of(project_id=project_id, **day)
    new_signal = ProjectSignal.objects.filter(project_id=project_id, **day).values_list("signal", flat=True).first()
    moves: Counter = Counter()  # (scope, column) -> difference

    def add(tally: dict | None, signal: str | None, sign: int) -> None:
        if tally is None:
            return
        chain = [("region", n) for n in tree.chain("region", tally["region_id_then"])]
        chain += [("park", n) for n in tree.chain("park", tally["park_id_then"])]
        for scope in chain:
            for name in TALLY_SUMS:
                if tally[name]:
                    moves[(scope, name)] += sign * tally[name]
            if signal is not None:
                key = SIGNAL_KEYS.get(signal, "none")
                moves[(scope, f"signal_{key}")] += sign
                if tally["is_public"]:
                    moves[(scope, f"signal_{key}_public")] += sign

    add(old, old_signal, -1)
    add(new, new_signal, +1)
    keys = {scope for (scope, _name), n in moves.items() if n}
    if not keys:
        return summary
    stored = stored_sums(**day, scopes=keys)
    now = timezone.now()
    for key in sorted(keys):  # one order for every run, so two runs locking the same scopes cannot deadlock
        differences = {name: n for (scope, name), n in moves.items() if scope == key and n}
        kind, node = key
        if key not in stored:  # a scope that had no project yet
            try:
                with transaction.atomic():  # a savepoint: a failed insert leaves the run's transaction usable
                    ScopeTally.objects.create(
                        scope_kind=kind, computed_at=now, **day, **{f"{kind}_id": node}, **differences
                    )
                continue
            except IntegrityError:
                pass  # another change created the scope's row first (its insert waited for it): add to that row
        # The difference is added in SQL (x = x + d), so two changes landing together both count.
        ScopeTally.objects.filter(scope_kind=kind, **day, **{f"{kind}_id": node}).update(
            **{name: F(name) + n for name, n in differences.items()}, computed_at=now
        )
    # Read back after the updates: what another project's change added meanwhile is in them too.
    stored = stored_sums(**day, scopes=keys)
    summary.rows["scope tallies"] = len(keys)
    sums = {key: sums_of(stored[key]) for key in keys}
    summary.rows.update(_rewrite_scopes(**day, tree=tree, keys=keys, sums=sums, with_reported=False))
    return summary


@transaction.atomic
def rollup_for_project(*, project_id: int, as_of: dt.date | None = None) -> RollupSummary:
    """After a project's data changed (a report approved, returned or corrected): its difference applied to
    its region chain and park chain, and its signal. A date with no stored sums yet is rolled up in full."""
    Project.objects.filter(pk=project_id).values_list("pk", flat=True).get()
    tree, summary = ScopeTree(), RollupSummary()
    for campaign_year in _campaign_years(as_of):
        for day in _as_of_dates(campaign_year, as_of):
            if _has_tallies(campaign_year, day):
                done = project_delta(project_id=project_id, campaign_year=campaign_year, as_of=day, tree=tree)
            else:
                done = rollup_year(campaign_year=campaign_year, as_of=day)
            summary.rows.update(done.rows)
            summary.signals.update(done.signals)
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
