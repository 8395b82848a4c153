"""Times the roll-up in-process on the current database against its floor, and prints one JSON object.

    DATABASE_URL=postgres://… python scripts/rollup_floor.py --json

On the newest campaign year with roll-ups, at its newest stored date: the full roll-up, the full roll-up
again (no change: it writes nothing), an incremental roll-up after one approved report's amount changes
(inside a transaction that is rolled back, so the data is left as it was), and the floor: hand-written
INSERT…SELECT statements (PostgreSQL) that produce the same per-project sums, per-(region, park) sums and
signals into temporary tables, checked equal to the rows the portal stored."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shangdang_portal.settings.dev")


class Rollback(Exception):
    pass


def floor_sql(*, year: int, as_of, campaign_year_id: int, thresholds: dict) -> list[str]:
    """The floor's statements: the same rows as the portal's tallies and signals, by hand."""
    months = ", ".join(
        f"SUM(investment_completed) FILTER (WHERE EXTRACT(MONTH FROM period) = {m}) AS progress_m{m:02}, "
        f"COUNT(*) FILTER (WHERE EXTRACT(MONTH FROM period) = {m}) AS reports_m{m:02}"
        for m in range(1, 13)
    )
    month_cols = ", ".join(
        f"COALESCE(r.progress_m{m:02}, 0) AS progress_m{m:02}, COALESCE(r.reports_m{m:02}, 0) AS reports_m{m:02}"
        for m in range(1, 13)
    )
    from investment.models import TALLY_POOLS as pools

    pool_cols = ", ".join(
        f"CASE WHEN p.pool_then = '{pool}' THEN 1 ELSE 0 END AS pool_{key}_projects, "
        f"CASE WHEN p.pool_then = '{pool}' THEN COALESCE(p.total_investment, 0) ELSE 0 END AS pool_{key}_investment, "
        f"COALESCE(mv.in_{key}, 0) AS moved_in_{key}, COALESCE(mv.out_{key}, 0) AS moved_out_{key}"
        for pool, key in pools.items()
    )
    move_aggs = ", ".join(
        f"COUNT(*) FILTER (WHERE to_pool = '{pool}') AS in_{key}, "
        f"COUNT(*) FILTER (WHERE from_pool = '{pool}') AS out_{key}"
        for pool, key in pools.items()
    )
    start, day = f"DATE '{year}-01-01'", f"DATE '{as_of}'"
    tally = f"""
CREATE TEMP TABLE floor_tally AS
WITH r AS (
  SELECT project_id, {months} FROM projects_progressreport pr
  WHERE status = 'approved' AND NOT is_superseded AND period >= {start} AND period <= {day}
    AND NOT EXISTS (SELECT 1 FROM projects_progressreport c WHERE c.corrects_id = pr.id AND c.status = 'approved')
  GROUP BY project_id),
pl AS (SELECT project_id, SUM(planned_investment) AS total, COUNT(*) AS n FROM investment_annualplan
       WHERE campaign_year_id = {campaign_year_id} GROUP BY project_id),
lg AS (SELECT project_id, SUM(investment_completed) AS total, MAX(months) AS months FROM investment_ledgeryeartodate
       WHERE campaign_year_id = {campaign_year_id} GROUP BY project_id),
ms AS (SELECT project_id, COUNT(*) FILTER (WHERE kind = 'started') AS started,
              COUNT(*) FILTER (WHERE kind = 'in_production') AS in_production,
              COUNT(*) FILTER (WHERE kind = 'signed') AS signed
       FROM projects_milestone WHERE actual_date >= {start} AND actual_date <= {day} GROUP BY project_id),
st AS (SELECT project_id, MAX(actual_date) AS started_on FROM projects_milestone
       WHERE kind = 'started' AND (actual_date <= {day} OR (actual_date IS NULL AND reached_undated))
       GROUP BY project_id),
mv AS (SELECT project_id, {move_aggs} FROM projects_poolmove
       WHERE moved_on >= {start} AND moved_on <= {day} GROUP BY project_id),
p AS (SELECT p.id, p.region_id, p.park_id, p.is_public, p.total_investment, p.planned_start,
        COALESCE((SELECT to_pool FROM projects_poolmove m WHERE m.project_id = p.id AND m.moved_on <= {day}
                  ORDER BY moved_on DESC, id DESC LIMIT 1),
                 (SELECT from_pool FROM projects_poolmove m WHERE m.project_id = p.id AND m.moved_on > {day}
                  ORDER BY moved_on, id LIMIT 1), p.pool, '') AS pool_then
      FROM projects_project p)
SELECT p.id AS project_id, p.region_id AS region_id_then, p.park_id AS park_id_then, p.is_public,
       lg.months AS ledger_months, st.project_id IS NOT NULL AS has_started, st.started_on, p.planned_start,
       {month_cols},
       CASE WHEN r.project_id IS NULL THEN 0 ELSE 1 END AS progress_projects,
       COALESCE(pl.total, 0) AS plan_total, COALESCE(pl.n, 0) AS plan_rows,
       COALESCE(lg.total, 0) AS ledger_total, CASE WHEN lg.project_id IS NULL THEN 0 ELSE 1 END AS ledger_projects,
       COALESCE(ms.started, 0) AS started, COALESCE(ms.in_production, 0) AS in_production,
       COALESCE(ms.signed, 0) AS signed, {pool_cols}
FROM p LEFT JOIN r ON r.project_id = p.id LEFT JOIN pl ON pl.project_id = p.id LEFT JOIN lg ON lg.project_id = p.id
LEFT JOIN ms ON ms.project_id = p.id LEFT JOIN st ON st.project_id = p.id LEFT JOIN mv ON mv.project_id = p.id
"""
    progress = " + ".join(f"progress_m{m:02}" for m in range(1, 13))
    elapsed = f"ROUND(100.0 * {as_of.month} / 12, 2)"
    signals = f"""
CREATE TEMP TABLE floor_signal AS
WITH f AS (
  SELECT project_id, planned_start, has_started, CASE WHEN plan_rows > 0 THEN plan_total END AS plan,
         CASE WHEN progress_projects > 0 THEN {progress} WHEN ledger_projects > 0 THEN ledger_total ELSE 0 END AS actual
  FROM floor_tally),
g AS (SELECT *, ROUND(actual * 100 / NULLIF(plan, 0), 2) AS completion FROM f)
SELECT project_id,
  CASE WHEN planned_start IS NOT NULL AND NOT has_started
            AND planned_start + INTERVAL '{thresholds["months"]} months' <= {day} THEN 'red'
       WHEN completion IS NULL THEN ''
       WHEN completion - {elapsed} < -{thresholds["red"]} THEN 'red'
       WHEN completion - {elapsed} < -{thresholds["yellow"]} THEN 'yellow'
       ELSE 'green' END AS signal
FROM g
"""
    sums = ", ".join(f"SUM({c}) AS {c}" for c in _sum_columns())
    pairs = f"""
CREATE TEMP TABLE floor_pairs AS
SELECT t.region_id_then, t.park_id_then, {sums},
  COUNT(*) FILTER (WHERE s.signal = 'red') AS red, COUNT(*) FILTER (WHERE s.signal = 'yellow') AS yellow,
  COUNT(*) FILTER (WHERE s.signal = 'green') AS green, COUNT(*) FILTER (WHERE s.signal = '') AS none
FROM floor_tally t JOIN floor_signal s USING (project_id) GROUP BY 1, 2
"""
    return [tally, signals, pairs]


def _sum_columns() -> list[str]:
    from investment.models import TALLY_SUMS

    return list(TALLY_SUMS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object (the only output there is)")
    parser.parse_args()
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import F

    from investment.models import CampaignYear, ProjectSignal, ProjectTally, Rollup
    from investment.rollups.run import rollup_for_project, rollup_year
    from projects.models import ProgressReport

    newest = Rollup.objects.order_by("-as_of").values_list("campaign_year_id", "as_of").first()
    if newest is None:
        raise SystemExit("no stored roll-up: run manage.py rollup first")
    campaign_year, as_of = CampaignYear.objects.get(pk=newest[0]), newest[1]
    out = {"projects": __import__("projects.models").models.Project.objects.count(), "as_of": str(as_of)}

    def timed(fn):
        start = time.perf_counter()
        result = fn()
        return time.perf_counter() - start, result

    out["full_s"], _ = timed(lambda: rollup_year(campaign_year=campaign_year, as_of=as_of))
    out["full_again_s"], again = timed(lambda: rollup_year(campaign_year=campaign_year, as_of=as_of))
    out["full_again_rows_written"] = sum(again.rows.values())

    # Three changes, one after the other, each rolled back: the first also compiles the one-project statement
    # (once per worker process), so the median is what an approval costs a running worker.
    reports = list(
        ProgressReport.objects.counted()
        .filter(period__year=campaign_year.year, period__lte=as_of)
        .order_by("-id")
        .values_list("pk", "project_id")[:3]
    )
    times, written = [], []
    for report_id, project_id in reports:
        try:
            with transaction.atomic():
                ProgressReport.objects.filter(pk=report_id).update(investment_completed=F("investment_completed") + 1)
                seconds, done = timed(
                    lambda project_id=project_id: rollup_for_project(project_id=project_id, as_of=as_of)
                )
                times.append(seconds)
                written.append(sum(done.rows.values()))
                raise Rollback
        except Rollback:
            pass
    out["incremental_s"] = sorted(times)[len(times) // 2]
    out["incremental_runs_s"] = [round(t, 4) for t in times]
    out["incremental_rows_written"] = written
    out["incremental_pct_of_full"] = round(100 * out["incremental_s"] / out["full_s"], 3)

    thresholds = {
        "red": campaign_year.red_lag_points,
        "yellow": campaign_year.yellow_lag_points,
        "months": campaign_year.red_not_started_months,
    }
    statements = floor_sql(
        year=campaign_year.year, as_of=as_of, campaign_year_id=campaign_year.pk, thresholds=thresholds
    )
    with transaction.atomic(), connection.cursor() as cursor:
        start = time.perf_counter()
        for sql in statements:
            cursor.execute(sql)
        out["floor_s"] = time.perf_counter() - start
        # Equal: the floor's per-project sums and signals against the stored ones, both ways.
        columns = ["project_id", "region_id_then", "park_id_then", "is_public", "ledger_months", "has_started"]
        columns += ["started_on", *_sum_columns()]
        cols = ", ".join(columns)
        stored = f"{ProjectTally._meta.db_table} WHERE campaign_year_id = %s AND as_of = %s"
        signal_table = ProjectSignal._meta.db_table
        checks = [
            (f"SELECT {cols} FROM floor_tally EXCEPT SELECT {cols} FROM {stored}", True),  # noqa: S608
            (f"SELECT {cols} FROM {stored} EXCEPT SELECT {cols} FROM floor_tally", True),  # noqa: S608
            (
                f"SELECT project_id, signal FROM floor_signal EXCEPT SELECT project_id, signal FROM {signal_table} "  # noqa: S608
                "WHERE campaign_year_id = %s AND as_of = %s",
                True,
            ),
        ]
        differing = 0
        for sql, with_params in checks:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) x", [campaign_year.pk, as_of] if with_params else [])
            differing += cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM floor_tally")
        out["rows"] = cursor.fetchone()[0]
        cursor.execute("DROP TABLE floor_tally, floor_signal, floor_pairs")
    out["rows_equal"] = differing == 0
    out["rows_differing"] = differing
    out["full_over_floor"] = round(out["full_s"] / out["floor_s"], 2)
    for key in ("full_s", "full_again_s", "incremental_s", "floor_s"):
        out[key] = round(out[key], 4)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
