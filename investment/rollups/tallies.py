"""The stored sums behind the roll-ups: each project's tally (upserted in SQL, written only where it changed)
and each scope's tally (the sum of its projects'), which an approval moves by one project's difference."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from projects.models import Milestone, PoolMove, Project
from shangdang_portal.calendar import year_start

from ..models import (
    SIGNAL_COUNTS,
    SIGNAL_KEYS,
    TALLY_MONTHS,
    TALLY_POOLS,
    TALLY_SUMS,
    AnnualPlan,
    CampaignYear,
    LedgerYearToDate,
    ProjectSignal,
    ProjectTally,
    ScopeTally,
)
from .indicators import MILESTONE_INDICATORS, counted_progress
from .pipeline import pool_at
from .scopes import Scope

# Milestone kinds counted per scope, by tally column.
MILESTONE_COLUMNS = {
    "started": MILESTONE_INDICATORS["projects_started"],
    "in_production": MILESTONE_INDICATORS["projects_in_production"],
    "signed": MILESTONE_INDICATORS["signed_projects"],
}
# Columns a project tally keeps besides the sums (not added up the tree).
PROJECT_COLUMNS = ["region_id_then", "park_id_then", "is_public", "ledger_months", "has_started", "started_on"]
DECIMAL_SUMS = {name for name in TALLY_SUMS if ProjectTally._meta.get_field(name).get_internal_type() == "DecimalField"}


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return start, end


def _sql(queryset) -> tuple[str, tuple]:
    return queryset.query.sql_with_params()


def _distinct_op() -> str:
    """`a IS DISTINCT FROM b` in the vendor's words (SQLite's IS NOT compares NULLs the same way)."""
    return "IS NOT" if connection.vendor == "sqlite" else "IS DISTINCT FROM"


def _distinct(column: str) -> str:
    return f"t.{column} {_distinct_op()} excluded.{column}"


def project_tally_select(
    *, campaign_year: CampaignYear, as_of: dt.date, project_ids: Iterable[int] | None = None
) -> tuple[list[str], str, list]:
    """The SELECT of every project's tally (or some projects'): one grouped subquery per source, joined once
    to the projects, so the work is one pass over each table."""
    year = campaign_year.year
    ids = None if project_ids is None else sorted(set(project_ids))

    def only(qs, field="project_id"):
        return qs if ids is None else qs.filter(**{f"{field}__in": ids})

    months = {}
    for m in TALLY_MONTHS:
        start, end = _month_bounds(year, m)
        in_month = Q(period__gte=start, period__lt=end)
        months[f"progress_m{m:02}"] = Sum("investment_completed", filter=in_month)
        months[f"reports_m{m:02}"] = Count("id", filter=in_month)
    reports = only(counted_progress(year=year, as_of=as_of)).order_by().values(pid=F("project_id")).annotate(**months)
    plans = (
        only(AnnualPlan.objects.filter(campaign_year=campaign_year))
        .order_by()
        .values(pid=F("project_id"))
        .annotate(total=Sum("planned_investment"), n=Count("id"))
    )
    ledger = (
        only(LedgerYearToDate.objects.filter(campaign_year=campaign_year))
        .order_by()
        .values(pid=F("project_id"))
        .annotate(total=Sum("investment_completed"), months=Max("months"))
    )
    milestones = (
        only(Milestone.objects.filter(actual_date__gte=year_start(year), actual_date__lte=as_of))
        .order_by()
        .values(pid=F("project_id"))
        .annotate(**{col: Count("id", filter=Q(kind=kind)) for col, kind in MILESTONE_COLUMNS.items()})
    )
    # A ledger may say 已开工 without a date: started, though in no month.
    started = (
        only(
            Milestone.objects.filter(
                Q(actual_date__lte=as_of) | Q(actual_date__isnull=True, reached_undated=True),
                kind=Milestone.Kind.STARTED,
            )
        )
        .order_by()
        .values(pid=F("project_id"))
        .annotate(started_day=Max("actual_date"))
    )
    flows = {}
    for pool, key in TALLY_POOLS.items():
        flows[f"moved_in_{key}"] = Count("id", filter=Q(to_pool=pool))
        flows[f"moved_out_{key}"] = Count("id", filter=Q(from_pool=pool))
    moves = (
        only(PoolMove.objects.filter(moved_on__gte=year_start(year), moved_on__lte=as_of))
        .order_by()
        .values(pid=F("project_id"))
        .annotate(**flows)
    )
    projects = only(Project.objects.order_by(), "pk").annotate(pool_then=pool_at(as_of))
    projects = projects.values("id", "region_id", "park_id", "is_public", "total_investment", "pool_then")

    def zero(expr: str, decimal: bool = False) -> str:
        # ROUND: SQLite sums decimals as floats; rounded to the column's places they compare equal to what a
        # Decimal written back stores, so an unchanged sum is never seen as a change.
        if decimal and connection.vendor == "sqlite":
            return f"ROUND(COALESCE({expr}, 0), 4)"
        return f"COALESCE({expr}, 0)"

    columns = [
        "project_id",
        "campaign_year_id",
        "as_of",
        *PROJECT_COLUMNS,
        "computed_at",
    ]
    exprs = [
        "p.id",
        "%s",
        "%s",
        "p.region_id",
        "p.park_id",
        "p.is_public",
        "lg.months",
        "(st.pid IS NOT NULL)",
        "st.started_day",
        "%s",
    ]
    params: list = [
        campaign_year.pk,
        connection.ops.adapt_datefield_value(as_of),
        connection.ops.adapt_datetimefield_value(timezone.now()),
    ]
    for m in TALLY_MONTHS:
        columns += [f"progress_m{m:02}", f"reports_m{m:02}"]
        exprs += [zero(f"r.progress_m{m:02}", True), zero(f"r.reports_m{m:02}")]
    columns += ["progress_projects", "plan_total", "plan_rows", "ledger_total", "ledger_projects"]
    exprs += [
        "CASE WHEN r.pid IS NULL THEN 0 ELSE 1 END",
        zero("pl.total", True),
        zero("pl.n"),
        zero("lg.total", True),
        "CASE WHEN lg.pid IS NULL THEN 0 ELSE 1 END",
    ]
    for col in MILESTONE_COLUMNS:
        columns.append(col)
        exprs.append(zero(f"ms.{col}"))
    pool_params = []
    for pool, key in TALLY_POOLS.items():
        columns += [f"pool_{key}_projects", f"pool_{key}_investment", f"moved_in_{key}", f"moved_out_{key}"]
        exprs += [
            "CASE WHEN COALESCE(p.pool_then, '') = %s THEN 1 ELSE 0 END",
            f"CASE WHEN COALESCE(p.pool_then, '') = %s THEN {zero('p.total_investment', True)} ELSE 0 END",
            zero(f"mv.moved_in_{key}"),
            zero(f"mv.moved_out_{key}"),
        ]
        pool_params += [pool, pool]
    assert set(columns) == {*TALLY_SUMS, *PROJECT_COLUMNS, "project_id", "campaign_year_id", "as_of", "computed_at"}
    joins, join_params = [], []
    for alias, qs in (("r", reports), ("pl", plans), ("lg", ledger), ("ms", milestones), ("mv", moves)):
        sql, p = _sql(qs)
        joins.append(f"LEFT JOIN ({sql}) {alias} ON {alias}.pid = p.id")
        join_params += p
    sql, p = _sql(started)
    joins.append(f"LEFT JOIN ({sql}) st ON st.pid = p.id")
    join_params += p
    base_sql, base_params = _sql(projects)
    # A fence, so each project's pool is looked up once, not once for every column that reads it (the planner
    # would otherwise inline the subquery into all ten pool columns).
    base_sql += " LIMIT -1 OFFSET 0" if connection.vendor == "sqlite" else " OFFSET 0"
    listed = ", ".join(f"{expr} AS {column}" for expr, column in zip(exprs, columns, strict=True))
    select = f"SELECT {listed} FROM ({base_sql}) p {' '.join(joins)}"  # noqa: S608 (built here)
    # Parameter order: the SELECT list (year, date, time, then the pool pairs), the FROM, then the joins.
    return columns, select, [*params, *pool_params, *base_params, *join_params]


# One project's statement, compiled once per (database, campaign year, date) with a stand-in id: compiling
# the grouped querysets costs more than running them for one project.
_ONE_PROJECT: dict[tuple, tuple[str, list]] = {}
_STAND_IN = -987654321


def _upsert(*, campaign_year: CampaignYear, as_of: dt.date, project_ids) -> tuple[str, list]:
    columns, select, params = project_tally_select(campaign_year=campaign_year, as_of=as_of, project_ids=project_ids)
    table = ProjectTally._meta.db_table
    compared = [c for c in columns if c not in ("project_id", "campaign_year_id", "as_of", "computed_at")]
    updates = ", ".join(f"{c} = excluded.{c}" for c in compared + ["computed_at"])
    differs = " OR ".join(_distinct(c) for c in compared)
    # Unchanged rows are left out before the INSERT (one hash join), so the upsert never touches them: an
    # ON CONFLICT that skips a row still locks it. The upsert's own WHERE keeps a concurrent write safe.
    same = " OR ".join(f"s.{c} {_distinct_op()} n.{c}" for c in compared)
    sql = (
        f"INSERT INTO {table} AS t ({', '.join(columns)}) SELECT n.* FROM ({select}) n "  # noqa: S608 (built here)
        f"LEFT JOIN {table} s ON s.project_id = n.project_id AND s.campaign_year_id = %s AND s.as_of = %s "
        f"WHERE s.id IS NULL OR {same} "
        f"ON CONFLICT (project_id, campaign_year_id, as_of) DO UPDATE SET {updates} WHERE {differs}"
    )
    params = [*params, campaign_year.pk, connection.ops.adapt_datefield_value(as_of)]
    return sql, params


def tally_projects(*, campaign_year: CampaignYear, as_of: dt.date, project_ids: Iterable[int] | None = None) -> int:
    """Upsert the projects' tallies; a row is written only where a value differs. Returns the rows written."""
    ids = None if project_ids is None else list(project_ids)
    if ids is not None and len(ids) == 1:
        key = (connection.alias, connection.settings_dict["NAME"], campaign_year.pk, campaign_year.year, as_of)
        if key not in _ONE_PROJECT:
            _ONE_PROJECT[key] = _upsert(campaign_year=campaign_year, as_of=as_of, project_ids=[_STAND_IN])
        sql, template = _ONE_PROJECT[key]
        params = [ids[0] if p == _STAND_IN else p for p in template]
        params[2] = connection.ops.adapt_datetimefield_value(timezone.now())  # computed_at
    else:
        sql, params = _upsert(campaign_year=campaign_year, as_of=as_of, project_ids=ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _empty_sums() -> dict:
    return {name: (Decimal(0) if name in DECIMAL_SUMS else 0) for name in [*TALLY_SUMS, *SIGNAL_COUNTS]}


def scope_sums(*, campaign_year: CampaignYear, as_of: dt.date, scopes: list[Scope]) -> dict[tuple, dict]:
    """Every scope's sums from the stored project tallies and signals: grouped per (region, park) pair in
    SQL, then each scope adds up its pairs (tens of scopes, a few hundred pairs)."""
    pairs = list(
        ProjectTally.objects.filter(campaign_year=campaign_year, as_of=as_of)
        .order_by()
        .values("region_id_then", "park_id_then")
        .annotate(**{name: Sum(name) for name in TALLY_SUMS})
    )
    signal_pairs = list(
        ProjectSignal.objects.filter(campaign_year=campaign_year, as_of=as_of)
        .order_by()
        .values("signal", region_id_then=F("project__region_id"), park_id_then=F("project__park_id"))
        .annotate(n=Count("id"), public=Count("id", filter=Q(project__is_public=True)))
    )
    out = {}
    for scope in scopes:
        field, members = ("region_id_then" if scope.kind == "region" else "park_id_then"), set(scope.subtree)
        sums = _empty_sums()
        for row in pairs:
            if row[field] in members:
                for name in TALLY_SUMS:
                    sums[name] += row[name] or 0
        for row in signal_pairs:
            if row[field] in members:
                key = SIGNAL_KEYS.get(row["signal"] or "", "none")
                sums[f"signal_{key}"] += row["n"]
                sums[f"signal_{key}_public"] += row["public"]
        out[(scope.kind, scope.id)] = sums
    return out


def scope_key(kind: str, node: int) -> dict:
    return {
        "scope_kind": kind,
        "region_id": node if kind == "region" else None,
        "park_id": node if kind == "park" else None,
    }


def label(kind: str, node: int) -> str:
    return f"{kind}:{node}"


def stored_sums(*, campaign_year: CampaignYear, as_of: dt.date, scopes: Iterable[tuple[str, int]]) -> dict:
    """The stored ScopeTally rows of some scopes, by (kind, id); a scope with none is absent."""
    wanted = set(scopes)
    regions = [n for k, n in wanted if k == "region"]
    parks = [n for k, n in wanted if k == "park"]
    rows = ScopeTally.objects.filter(
        Q(region_id__in=regions) | Q(park_id__in=parks), campaign_year=campaign_year, as_of=as_of
    )
    return {(row.scope_kind, row.region_id or row.park_id): row for row in rows}


def sums_of(row: ScopeTally | None) -> dict:
    if row is None:
        return _empty_sums()
    return {name: getattr(row, name) for name in [*TALLY_SUMS, *SIGNAL_COUNTS]}


class Written:
    """Rows created, updated and deleted by write_changed, and the scopes they belong to."""

    def __init__(self):
        self.created = self.updated = self.deleted = 0
        self.scopes: set[str] = set()
        self.by: Counter = Counter()  # rows created or updated per value of the `count_by` key field

    @property
    def total(self) -> int:
        return self.created + self.updated + self.deleted


def write_changed(
    *,
    model,
    stored,
    rows: list[tuple[tuple, dict]],
    key_fields: list[str],
    delete_missing: bool,
    fixed: dict,
    count_by: str | None = None,
) -> Written:
    """Store rows (natural key, values by attname) against the stored ones: create the new, update only those
    whose values differ (only the values that differ), and (if asked) delete the stored rows no longer
    produced."""
    now, out = timezone.now(), Written()
    existing = {tuple(getattr(obj, f) for f in key_fields): obj for obj in stored}
    create, update, seen = [], [], set()
    for key, values in rows:
        seen.add(key)
        obj = existing.get(key)
        if obj is None:
            create.append(model(**fixed, **dict(zip(key_fields, key, strict=True)), **values, computed_at=now))
        else:
            differ = {f: v for f, v in values.items() if getattr(obj, f) != v}
            if not differ:
                continue
            for f, v in differ.items():
                setattr(obj, f, v)
            obj.computed_at = now
            update.append((obj, differ))
        out.scopes.add(_scope_label(dict(zip(key_fields, key, strict=True))))
        if count_by:
            out.by[key[key_fields.index(count_by)]] += 1
    if create:
        model.objects.bulk_create(create, batch_size=1000)
    if len(update) > 50:
        fields = sorted({f for _obj, differ in update for f in differ})
        model.objects.bulk_update([obj for obj, _differ in update], [*fields, "computed_at"], batch_size=1000)
    else:  # a few rows (the incremental path): a plain UPDATE each is cheaper than bulk_update's CASE
        for obj, differ in update:
            model.objects.filter(pk=obj.pk).update(**differ, computed_at=now)
    if delete_missing:
        gone = [obj for key, obj in existing.items() if key not in seen]
        if gone:
            model.objects.filter(pk__in=[obj.pk for obj in gone]).delete()
        out.deleted = len(gone)
    out.created, out.updated = len(create), len(update)
    return out


def _scope_label(key: dict) -> str:
    if key.get("scope_kind"):
        return label(key["scope_kind"], key.get("region_id") or key.get("park_id"))
    return label("batch", key.get("batch_id"))


def tally_rows(sums_by_scope: dict) -> list[tuple[tuple, dict]]:
    """ScopeTally rows for write_changed."""
    return [(tuple(scope_key(kind, node).values()), sums) for (kind, node), sums in sorted(sums_by_scope.items())]


SCOPE_KEY_FIELDS = ["scope_kind", "region_id", "park_id"]
