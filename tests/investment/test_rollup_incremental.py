"""The roll-up's stored sums: a second full run writes nothing, one project's difference applied to its
scopes equals a full recomputation, and the full run reports drift between the two."""

import logging
import random
from decimal import Decimal

import pytest
from django.db.models import F

from investment.models import (
    AnnualPlan,
    PipelinePool,
    ProjectSignal,
    ProjectTally,
    Rollup,
    RollupRun,
    ScopeTally,
)
from investment.rollups.run import rollup_for_project, rollup_year
from projects.models import Milestone, PoolMove, ProgressReport

from .builders import d, milestone, project, report

AS_OF = "2025-06-30"


def snapshot() -> dict:
    """Every stored roll-up value of the date (not the times they were written)."""

    def rows(model, *order):
        skip = {"id", "computed_at"}
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        return list(model.objects.filter(as_of=d(AS_OF)).order_by(*order).values_list(*names))

    return {
        "scopes": rows(ScopeTally, "scope_kind", "region_id", "park_id"),
        "rollups": rows(Rollup, "scope_kind", "region_id", "park_id", "indicator_id", "source"),
        "pipeline": rows(PipelinePool, "scope_kind", "region_id", "park_id", "pool"),
        "signals": rows(ProjectSignal, "project_id"),
        "projects": rows(ProjectTally, "project_id"),
    }


def populate(world, rnd: random.Random) -> list:
    places = [
        (world["district"], world["cluster"]),
        (world["district"], world["sub_park"]),
        (world["district"], None),
        (world["other"], None),
        (world["other"], world["zone"]),
    ]
    projects = []
    for i in range(8):
        region, park = places[i % len(places)]
        p = project(region, park, planned_start=d("2025-01-01") if i % 3 == 0 else None)
        projects.append(p)
        if i % 4 != 3:
            AnnualPlan.objects.create(project=p, campaign_year=world["year"], planned_investment=Decimal(1200 + i))
        for month in range(1, rnd.randint(1, 6) + 1):
            report(p, d(f"2025-{month:02}-01"), Decimal(rnd.randint(1, 30000)) / 100)
        if i % 2:
            milestone(p, Milestone.Kind.STARTED, d("2025-02-10"))
    return projects


def change(rnd: random.Random, projects: list, world) -> int:
    """One change of the kinds that ask for a project's roll-up; returns the project it touched."""
    p = rnd.choice(projects)
    kind = rnd.choice(["approve", "return", "correct", "plan", "milestone", "pool"])
    counted = list(ProgressReport.objects.counted().filter(project=p, period__year=2025).order_by("period"))
    if kind == "approve":
        taken = {r.period.month for r in ProgressReport.objects.filter(project=p)}
        month = next((m for m in range(1, 7) if m not in taken), None)
        if month is None:
            kind = "return"
        else:
            report(p, d(f"2025-{month:02}-01"), Decimal(rnd.randint(1, 9000)) / 100)
    if kind == "return" and counted:
        ProgressReport.objects.filter(pk=counted[-1].pk).update(status=ProgressReport.Status.RETURNED)
    if kind == "correct" and counted:
        original = counted[0]
        ProgressReport.objects.filter(pk=original.pk).update(is_superseded=True)
        report(p, original.period, Decimal(rnd.randint(1, 9000)) / 100, corrects=original, version=2)
    if kind == "plan":
        AnnualPlan.objects.filter(project=p).update(planned_investment=Decimal(rnd.randint(100, 5000)))
    if kind == "milestone":
        milestone(p, Milestone.Kind.IN_PRODUCTION, d("2025-05-05"))
    if kind == "pool":
        PoolMove.objects.create(project=p, from_pool="", to_pool="construction", moved_on=d("2025-03-01"))
    return p.pk


@pytest.mark.django_db
def test_a_second_full_run_with_no_change_writes_no_row(world):
    populate(world, random.Random(1))
    first = rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    assert first.rows["project tallies"] == 8 and first.rows["rollup (progress)"] > 0
    stored = snapshot()
    written_at = sorted(Rollup.objects.values_list("computed_at", flat=True))
    again = rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    assert sum(again.rows.values()) == 0, again.rows
    assert snapshot() == stored
    assert sorted(Rollup.objects.values_list("computed_at", flat=True)) == written_at
    run = RollupRun.objects.latest("started_at")
    assert run.reconciled and run.drift_rows == 0 and run.drift_scopes == []


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [2, 3, 4])
def test_one_projects_difference_equals_the_full_recomputation(world, seed):
    rnd = random.Random(seed)
    projects = populate(world, rnd)
    rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    for _ in range(6):
        touched = change(rnd, projects, world)
        rollup_for_project(project_id=touched, as_of=d(AS_OF))
        incremental = snapshot()
        full = rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
        assert sum(full.rows.values()) == 0, full.rows  # nothing for the full run to correct
        assert snapshot() == incremental
    # and the same as computing everything again on empty tables
    kept = snapshot()
    for model in (ScopeTally, ProjectTally, ProjectSignal, Rollup, PipelinePool):
        model.objects.all().delete()
    rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    assert snapshot() == kept  # (the snapshot leaves out the rows' own ids and times)


@pytest.mark.django_db
def test_a_project_moved_to_another_region_leaves_the_scopes_it_left(world):
    p = project(world["district"], world["cluster"])
    report(p, d("2025-01-01"), 100)
    rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    type(p).objects.filter(pk=p.pk).update(region=world["other"], park=None)
    rollup_for_project(project_id=p.pk, as_of=d(AS_OF))
    other = Rollup.objects.get(region=world["other"], as_of=d(AS_OF), source="progress")
    cluster = Rollup.objects.get(park=world["cluster"], as_of=d(AS_OF), source="progress")
    assert (other.actual, cluster.actual, cluster.project_count) == (100, 0, 0)
    # the nightly run finds no drift; it only removes the rows of the scopes left without a project
    rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    run = RollupRun.objects.latest("started_at")
    assert run.reconciled and run.drift_rows == 0
    assert not Rollup.objects.filter(park=world["cluster"], as_of=d(AS_OF)).exists()


@pytest.mark.django_db
def test_the_full_run_reports_a_tampered_stored_sum_as_drift(world, caplog):
    populate(world, random.Random(5))
    rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    ScopeTally.objects.filter(region=world["other"]).update(progress_m01=F("progress_m01") + 1)
    with caplog.at_level(logging.WARNING, logger="investment.rollups.run"):
        rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    run = RollupRun.objects.latest("started_at")
    assert run.reconciled and run.drift_rows == 1
    assert run.drift_scopes == [f"region:{world['other'].pk}"]
    assert "rollup drift 2025" in caplog.text and f"region:{world['other'].pk}" in caplog.text
    # repaired: the next run finds nothing
    rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    assert RollupRun.objects.latest("started_at").drift_rows == 0


@pytest.mark.django_db
def test_a_scope_row_another_change_created_first_is_added_to(world, monkeypatch):
    """Two changes under a scope that has no row yet both read it as missing; the second one's insert fails
    on the row the first created and adds its difference to that row instead."""
    from investment.rollups import run

    rnd = random.Random(5)
    projects = populate(world, rnd)
    rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    real, calls = run.stored_sums, []

    def read_before_the_other_insert(**kwargs):
        stored = real(**kwargs)
        calls.append(kwargs)
        return {key: row for key, row in stored.items() if key[0] != "region"} if len(calls) == 1 else stored

    monkeypatch.setattr(run, "stored_sums", read_before_the_other_insert)
    touched = projects[0]
    report(touched, d("2025-06-01"), Decimal("777.77"))
    rollup_for_project(project_id=touched.pk, as_of=d(AS_OF))
    assert calls, "the delta read the stored sums"
    incremental = snapshot()
    monkeypatch.setattr(run, "stored_sums", real)
    full = rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    assert sum(full.rows.values()) == 0, full.rows
    assert snapshot() == incremental


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_delta_that_lands_during_a_full_run_waits_for_it_and_is_kept(monkeypatch):
    """A report approved while a full run is summing: its delta waits for the full run's transaction, then
    adds its difference to the full run's rows, so the next full run finds nothing to correct."""
    import threading

    from django.db import connection

    from investment.rollups import run

    from .builders import world as build_world

    world = build_world()
    projects = populate(world, random.Random(7))
    rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    real_sums, finished = run.scope_sums, threading.Event()

    def approve_and_roll_up():
        try:
            report(projects[1], d("2025-06-01"), Decimal("4321.00"))
            rollup_for_project(project_id=projects[1].pk, as_of=d(AS_OF))
            finished.set()
        finally:
            connection.close()

    def sums_while_another_change_lands(**kwargs):
        sums = real_sums(**kwargs)  # read before the report below exists
        other = threading.Thread(target=approve_and_roll_up)
        other.start()
        other.join(timeout=1.5)
        waited.append(not finished.is_set())  # the delta could not finish while this run held the date
        threads.append(other)
        return sums

    waited, threads = [], []
    monkeypatch.setattr(run, "scope_sums", sums_while_another_change_lands)
    rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    monkeypatch.setattr(run, "scope_sums", real_sums)
    threads[0].join(timeout=30)
    assert finished.is_set() and waited == [True]
    again = rollup_year(campaign_year=world["year"], as_of=d(AS_OF))
    assert sum(again.rows.values()) == 0, again.rows  # no drift: the delta was applied after the full run
