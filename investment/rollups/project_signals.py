"""红黄绿灯: each project's signal at an as-of date under its campaign year's rules, stored with its reasons."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects.models import Project, Signal
from shangdang_portal.calendar import CENT, add_months, elapsed_rate

from ..models import TALLY_MONTHS, CampaignYear, ProjectSignal, ProjectTally
from .scopes import percent

BATCH = 1000
ZERO = Decimal("0.00")
UPDATE_FIELDS = [
    "signal",
    "rule",
    "reason",
    "planned_investment",
    "actual",
    "completion_rate",
    "elapsed_rate",
    "gap_points",
    "planned_start",
    "started_on",
    "computed_at",
]


def evaluate(row: dict, *, campaign_year: CampaignYear, as_of: dt.date, language_set: bool = False) -> dict:
    """One project's signal. Not started N months after its planned start is red whatever it spent;
    otherwise the gap of plan completion to time elapsed decides, if there is a plan.

    The gap has the roll-up row's sign (completion − elapsed, negative = behind); the year's thresholds
    are how far behind, so a gap below −red is red and below −yellow is yellow."""
    elapsed = elapsed_rate(as_of)
    plan, actual, from_ledger = row["plan"], row["year_actual"], None
    if actual is None and row.get("ledger"):
        # No approved progress this year yet: the ledger's 1-N月 figure stands in (never added to progress).
        actual, months = row["ledger"]
        from_ledger = months
    actual = ZERO if actual is None else actual
    completion = percent(actual, plan)
    gap = None if completion is None else completion - elapsed
    out = {
        "planned_investment": plan,
        "actual": actual,
        "completion_rate": completion,
        "elapsed_rate": elapsed,
        "gap_points": gap,
        "planned_start": row["planned_start"],
        "started_on": row["started_on"],
    }
    months = campaign_year.red_not_started_months
    if (
        row["planned_start"]
        and not row.get("started", row["started_on"] is not None)
        and add_months(row["planned_start"], months) <= as_of
    ):
        signal, rule = Signal.RED, ProjectSignal.Rule.NOT_STARTED
    elif completion is None:
        signal, rule = "", ProjectSignal.Rule.NO_PLAN
    elif gap < -campaign_year.red_lag_points:
        signal, rule = Signal.RED, ProjectSignal.Rule.LAG_RED
    elif gap < -campaign_year.yellow_lag_points:
        signal, rule = Signal.YELLOW, ProjectSignal.Rule.LAG_YELLOW
    else:
        signal, rule = Signal.GREEN, ProjectSignal.Rule.ON_TRACK
    # Stored in the portal's own language whatever language the run was started in; pages write it again
    # in theirs (reason_shown).
    # (language_set: the caller already switched to it, once for a whole run.)
    with nullcontext() if language_set else translation.override(settings.LANGUAGE_CODE):
        reason = _stored_reason(rule, completion, elapsed, row["planned_start"], months, from_ledger)
    return {**out, "signal": signal, "rule": rule, "reason": reason}


_REASONS: dict[tuple, str] = {}


def _stored_reason(rule, completion, elapsed, planned_start, months, ledger_months) -> str:
    """signal_reason in the active language, remembered: a full run writes the same few reasons many times.
    Keyed by the numbers as printed (12.3 and 12.30 are equal Decimals but different text)."""
    key = (translation.get_language(), rule, str(completion), str(elapsed), planned_start, months, ledger_months)
    reason = _REASONS.get(key)
    if reason is None:
        if len(_REASONS) > 10_000:
            _REASONS.clear()
        reason = _REASONS[key] = signal_reason(
            rule=rule,
            completion=completion,
            elapsed=elapsed,
            planned_start=planned_start,
            months=months,
            ledger_months=ledger_months,
        )
    return reason


def signal_reason(*, rule: str, completion, elapsed, planned_start, months: int, ledger_months=None) -> str:
    """The reason of a signal in the active language: stored with the signal (in the roll-up's language) and
    written again from the stored figures wherever a page shows it (reason_shown)."""
    if rule == ProjectSignal.Rule.NOT_STARTED:
        return _("计划%(start)s开工，%(months)s个月后仍未开工") % {"start": planned_start, "months": months}
    if rule == ProjectSignal.Rule.NO_PLAN or completion is None:
        return _("无本年度计划投资，不按序时进度亮灯")
    # The reason speaks of how far behind (落后), so its number has the opposite sign of the gap.
    numbers = {"completion": completion, "elapsed": elapsed, "lag": elapsed - completion}
    reason = _("年度计划完成%(completion)s%%，序时进度%(elapsed)s%%，落后%(lag)s个百分点") % numbers
    if ledger_months:
        reason += _("(台账1-%(months)s月完成投资)") % {"months": ledger_months}
    return reason


# How a stored reason says the ledger's 1-N月 figure stood in (the signal keeps no other trace of it).
LEDGER_MONTHS = re.compile(r"台账1-(\d+)月|ledger: investment January to month (\d+)")


def reason_shown(signal: ProjectSignal) -> str:
    """A stored signal's reason in the page's language, from its rule and figures."""
    found = LEDGER_MONTHS.search(signal.reason or "")
    return signal_reason(
        rule=signal.rule,
        completion=signal.completion_rate,
        elapsed=signal.elapsed_rate,
        planned_start=signal.planned_start,
        months=signal.campaign_year.red_not_started_months,
        ledger_months=next((g for g in found.groups() if g), None) if found else None,
    )


COMPARED = [f for f in UPDATE_FIELDS if f != "computed_at"]


def _tally_rows(*, campaign_year: CampaignYear, as_of: dt.date, project_ids=None):
    """What the rules need, read from the projects' stored tallies (tallies.tally_projects) in one query."""
    tallies = ProjectTally.objects.filter(campaign_year=campaign_year, as_of=as_of)
    if project_ids is not None:
        tallies = tallies.filter(project_id__in=project_ids)
    months = [f"progress_m{m:02}" for m in TALLY_MONTHS]
    fields = ["project_id", "project__planned_start", "progress_projects", "plan_total", "plan_rows"]
    fields += ["ledger_total", "ledger_projects", "ledger_months", "has_started", "started_on", *months]
    for values in tallies.order_by("project_id").values_list(*fields).iterator(chunk_size=5 * BATCH):
        row = dict(zip(fields, values, strict=True))
        actual = sum((row[m] for m in months), Decimal(0)).quantize(CENT) if row["progress_projects"] else None
        yield {
            "pk": row["project_id"],
            "planned_start": row["project__planned_start"],
            "year_actual": actual,
            "ledger": (row["ledger_total"].quantize(CENT), row["ledger_months"]) if row["ledger_projects"] else None,
            "plan": row["plan_total"].quantize(CENT) if row["plan_rows"] else None,
            "started": row["has_started"],
            "started_on": row["started_on"],
        }


def signals_compute(*, campaign_year: CampaignYear, as_of: dt.date, project_ids=None) -> SignalsWritten:
    """Every project's signal at the as-of date from its stored tally; only signals that changed are
    written. Sets Project.signal if the date is the newest. Run after tallies.tally_projects."""
    now, out = timezone.now(), SignalsWritten()
    stored = ProjectSignal.objects.filter(campaign_year=campaign_year, as_of=as_of)
    if project_ids is not None:
        stored = stored.filter(project_id__in=project_ids)
    before = {row[0]: row[1:] for row in stored.order_by().values_list("project_id", *COMPARED).iterator(5 * BATCH)}
    batch = []

    def flush():
        ProjectSignal.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["project", "campaign_year", "as_of"],
            update_fields=UPDATE_FIELDS,
        )
        batch.clear()

    # Stored in the portal's own language whatever language the run was started in; pages write it again
    # in theirs (reason_shown).
    with translation.override(settings.LANGUAGE_CODE):
        for row in _tally_rows(campaign_year=campaign_year, as_of=as_of, project_ids=project_ids):
            values = evaluate(row, campaign_year=campaign_year, as_of=as_of, language_set=True)
            out.counts[values["signal"] or "none"] += 1
            old = before.get(row["pk"])
            if old == tuple(values[f] for f in COMPARED):
                continue
            out.changed.append((row["pk"], None if old is None else old[0], values["signal"]))
            batch.append(
                ProjectSignal(project_id=row["pk"], campaign_year=campaign_year, as_of=as_of, computed_at=now, **values)
            )
            if len(batch) >= BATCH:
                flush()
    if batch:
        flush()
    _set_current_signal(campaign_year=campaign_year, as_of=as_of, project_ids=project_ids)
    return out


@dataclass
class SignalsWritten:
    """The signals counted per colour, and the (project, old signal, new signal) of the rows written."""

    counts: Counter = field(default_factory=Counter)
    changed: list = field(default_factory=list)


def _set_current_signal(*, campaign_year: CampaignYear, as_of: dt.date, project_ids=None) -> None:
    """Project.signal follows the newest evaluation only: a re-run for an old date leaves it alone."""
    # Per campaign year, so each question is answered from the (campaign year, as-of) index.
    years = CampaignYear.objects.values_list("pk", flat=True)
    if any(ProjectSignal.objects.filter(campaign_year_id=pk, as_of__gt=as_of).exists() for pk in years):
        return
    # The changed signals are read in one pass and written with one UPDATE per signal (per chunk of
    # ids): a correlated subquery per project let PostgreSQL pick a plan that scanned every signal
    # of the date once per project whenever its statistics were stale (right after a bulk load).
    changed = ProjectSignal.objects.filter(campaign_year=campaign_year, as_of=as_of).exclude(
        signal=F("project__signal")
    )
    if project_ids is not None:
        changed = changed.filter(project_id__in=project_ids)
    by_signal: dict[str, list[int]] = defaultdict(list)
    for signal, project_id in changed.order_by().values_list("signal", "project_id").iterator(chunk_size=BATCH):
        by_signal[signal].append(project_id)
    for signal, ids in by_signal.items():
        for start in range(0, len(ids), BATCH):
            Project.objects.filter(pk__in=ids[start : start + BATCH]).update(signal=signal)
