"""Rollup rows: an indicator's actual for a scope against its target, by source, at an as-of date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from projects.models import Milestone, ProgressReport
from shangdang_portal.calendar import elapsed_rate, year_start

from ..models import (
    CampaignYear,
    Figure,
    Indicator,
    Measure,
    RollupSource,
    Target,
    TargetBasis,
)
from .scopes import Scope, percent

# Indicators the portal computes from its own data, and where each one's actual comes from.
PROGRESS_INDICATORS = ["project_investment"]
MILESTONE_INDICATORS = {
    "projects_started": Milestone.Kind.STARTED,
    "projects_in_production": Milestone.Kind.IN_PRODUCTION,
    "signed_projects": Milestone.Kind.SIGNED,
}
# Indicators whose reported figures are rolled up even without a target, beside the targeted ones.
REPORTED_INDICATORS = [*PROGRESS_INDICATORS, *MILESTONE_INDICATORS, "signed_amount", "fixed_asset_investment"]


def counted_progress(*, year: int, as_of: dt.date):
    """Counted progress reports (`ProgressReportQuerySet.counted`) in the year up to the as-of month."""
    return ProgressReport.objects.counted().filter(period__gte=year_start(year), period__lte=as_of)


class Targets:
    """The year's targets by (indicator, measure, scope kind, scope id), loaded once per run."""

    def __init__(self, campaign_year: CampaignYear):
        self.rows = {}
        for t in Target.objects.filter(campaign_year=campaign_year):
            kind, node = ("region", t.region_id) if t.region_id else ("park", t.park_id)
            self.rows[(t.indicator_id, t.measure, kind, node)] = t

    def get(self, indicator: Indicator, measure: str, scope: Scope) -> Target | None:
        return self.rows.get((indicator.pk, measure, scope.kind, scope.id))

    def keys_for(self, indicator: Indicator) -> list[tuple[str, str, int]]:
        return [(m, k, n) for (i, m, k, n) in self.rows if i == indicator.pk]


def build_row(
    *,
    campaign_year: CampaignYear,
    as_of: dt.date,
    scope: Scope,
    indicator: Indicator,
    measure: str,
    source: str,
    actual: Decimal | int | None,
    target: Target | None = None,
    plan_total: Decimal | None = None,
    figure: Figure | None = None,
    project_count: int = 0,
) -> dict:
    """The stored numbers for one row: target, completion, 序时进度 and the gap in points and value.

    The gap against time elapsed only means something for amounts that add up over the year
    (cumulative or count, measured as a level); for growth rates and stocks it is actual − target.
    """
    if target is not None:
        basis, target_value = TargetBasis.TARGET, target.value
    elif plan_total is not None:
        basis, target_value = TargetBasis.ANNUAL_PLANS, plan_total
    else:
        basis, target_value = TargetBasis.NONE, None
    elapsed = elapsed_rate(as_of)
    actual = None if actual is None else Decimal(actual)
    completion = percent(actual, target_value)
    pro_rata = measure == Measure.LEVEL and indicator.nature in (Indicator.Nature.CUMULATIVE, Indicator.Nature.COUNT)
    gap_points = gap_amount = None
    if actual is not None and target_value is not None:
        if pro_rata:
            gap_points = None if completion is None else completion - elapsed
            gap_amount = (actual - target_value * elapsed / 100).quantize(Decimal("0.0001"))
        else:
            gap_amount = actual - target_value
    return {
        "natural_key": {
            "campaign_year": campaign_year,
            "as_of": as_of,
            "scope_kind": scope.kind,
            "region_id": scope.id if scope.kind == "region" else None,
            "park_id": scope.id if scope.kind == "park" else None,
            "indicator": indicator,
            "measure": measure,
            "source": source,
        },
        "values": {
            "unit": (target.unit if target else "") or indicator.unit,
            "target": target_value,
            "target_basis": basis,
            "target_ref": target,
            "actual": actual,
            "figure": figure,
            "project_count": project_count,
            "completion_rate": completion,
            "elapsed_rate": elapsed,
            "gap_points": gap_points,
            "gap_amount": gap_amount,
        },
    }


def reported_rows(
    *, campaign_year: CampaignYear, as_of: dt.date, scopes_by_key: dict, tree, only: set | None = None
) -> list[dict]:
    """Rows whose actual is the latest figure a report printed for the scope within the year.

    A report's figure already is the scope's total, so it is never summed up the tree. `only`
    limits the rows to some (kind, id) scopes for the incremental path.
    """
    year = campaign_year.year
    targets = Targets(campaign_year)
    targeted = {i for (i, _m, _k, _n) in targets.rows}
    indicators = Indicator.objects.filter(Q(pk__in=targeted) | Q(code__in=REPORTED_INDICATORS)).exclude(
        nature=Indicator.Nature.RATE
    )
    figures = (
        Figure.objects.filter(
            kind=Figure.Kind.ACTUAL,
            indicator__in=indicators,
            scope_kind__in=["region", "park"],
            period_end__gte=year_start(year),
            period_end__lte=as_of,
        )
        .select_related("source_report")
        .order_by("-period_end", "-source_report__published_on", "-id")
    )
    latest: dict[tuple, Figure] = {}
    for figure in figures:
        key = (figure.indicator_id, figure.measure, figure.scope_kind, figure.region_id or figure.park_id)
        latest.setdefault(key, figure)
    keys = set(latest) | set(targets.rows)
    by_id = {i.pk: i for i in indicators}
    rows = []
    for indicator_id, measure, kind, node in sorted(keys):
        if indicator_id not in by_id or (only is not None and (kind, node) not in only):
            continue
        scope = scopes_by_key.get((kind, node)) or tree.scope(kind, node)
        figure = latest.get((indicator_id, measure, kind, node))
        rows.append(
            build_row(
                campaign_year=campaign_year,
                as_of=as_of,
                scope=scope,
                indicator=by_id[indicator_id],
                measure=measure,
                source=RollupSource.REPORT,
                actual=figure.value if figure else None,
                target=targets.get(by_id[indicator_id], measure, scope),
                figure=figure,
            )
        )
    return rows


def scopes_with_targets(campaign_year: CampaignYear) -> set[tuple[str, int]]:
    return {(k, n) for (_i, _m, k, n) in Targets(campaign_year).rows}


def rows_from_sums(
    *, campaign_year: CampaignYear, as_of: dt.date, scopes: list[Scope], sums: dict, indicators: dict[str, Indicator]
) -> list[dict]:
    """The rows whose actual the portal computes (approved progress, the ledger, milestones), from the
    scopes' stored sums (ScopeTally): each a sum of the scope's projects, never of child rows."""
    targets, rows = Targets(campaign_year), []
    months = [f"progress_m{m:02}" for m in range(1, 13)]
    for scope in scopes:
        tally = sums[(scope.kind, scope.id)]
        common = {"campaign_year": campaign_year, "as_of": as_of, "scope": scope}
        for code in PROGRESS_INDICATORS:
            if code not in indicators:
                continue
            indicator = indicators[code]
            target = targets.get(indicator, Measure.LEVEL, scope)
            # No plan in the scope means no plan total (None), not a plan of zero.
            plan_total = None if target or not tally["plan_rows"] else tally["plan_total"]
            sources = [(RollupSource.PROGRESS, sum((tally[m] for m in months), Decimal(0)), tally["progress_projects"])]
            if tally["ledger_projects"]:  # no ledger figure in this scope: no ledger row rather than a row of zero
                sources.append((RollupSource.LEDGER, tally["ledger_total"], tally["ledger_projects"]))
            for source, actual, count in sources:
                rows.append(
                    build_row(
                        **common,
                        indicator=indicator,
                        measure=Measure.LEVEL,
                        source=source,
                        actual=actual,
                        target=target,
                        plan_total=plan_total,
                        project_count=count,
                    )
                )
        for code, column in (
            ("projects_started", "started"),
            ("projects_in_production", "in_production"),
            ("signed_projects", "signed"),
        ):
            if code not in indicators:
                continue
            indicator = indicators[code]
            rows.append(
                build_row(
                    **common,
                    indicator=indicator,
                    measure=Measure.LEVEL,
                    source=RollupSource.MILESTONES,
                    actual=tally[column],
                    target=targets.get(indicator, Measure.LEVEL, scope),
                    project_count=tally[column],
                )
            )
    return rows


ROLLUP_KEY = ["scope_kind", "region_id", "park_id", "indicator_id", "measure", "source"]


def rollup_rows(rows: list[dict]) -> list[tuple[tuple, dict]]:
    """build_row's dicts as (natural key, values by attname) for tallies.write_changed."""
    out = []
    for row in rows:
        key, values = row["natural_key"], dict(row["values"])
        values["target_ref_id"] = values.pop("target_ref").pk if values["target_ref"] else None
        values["figure_id"] = values.pop("figure").pk if values["figure"] else None
        out.append(
            (
                (
                    key["scope_kind"],
                    key["region_id"],
                    key["park_id"],
                    key["indicator"].pk,
                    key["measure"],
                    key["source"],
                ),
                values,
            )
        )
    return out
