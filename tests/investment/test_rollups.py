"""The roll-up formulas: year-to-date sums, corrections, returned reports, scope trees, targets, gaps."""

from decimal import Decimal

import pytest

from investment.models import AnnualPlan, Indicator, Rollup, RollupRun, Target
from investment.rollups.run import rollup_for_project, rollup_year

from .builders import d, milestone, project, report


def row(scope, as_of, code="project_investment", source="progress"):
    field = "region" if scope.__class__.__name__ == "Region" else "park"
    return Rollup.objects.get(**{field: scope}, as_of=d(as_of), indicator__code=code, source=source)


@pytest.mark.django_db
def test_investment_is_cumulative_year_to_date_up_to_the_as_of_month(world):
    p = project(world["district"])
    report(p, d("2024-12-01"), 999)  # last year: never in this year's total
    report(p, d("2025-01-01"), "100.50")
    report(p, d("2025-02-01"), "50.25")
    report(p, d("2025-03-01"), 30)
    rollup_year(campaign_year=world["year"], as_of=d("2025-02-28"))
    rollup_year(campaign_year=world["year"], as_of=d("2025-03-31"))
    assert row(world["district"], "2025-02-28").actual == Decimal("150.75")
    assert row(world["district"], "2025-03-31").actual == Decimal("180.75")
    assert row(world["district"], "2025-03-31").project_count == 1


@pytest.mark.django_db
def test_a_correction_approved_later_is_counted_instead_of_the_original(world):
    p = project(world["district"])
    report(p, d("2025-01-01"), 100)
    original = report(p, d("2025-02-01"), 50)
    original.is_superseded = True
    original.save()
    report(p, d("2025-02-01"), 70, corrects=original, version=2)
    # An approved correction whose original was not flagged still replaces it, never adds to it.
    other = report(p, d("2025-03-01"), 40)
    report(p, d("2025-03-01"), 45, corrects=other, version=2)
    rollup_year(campaign_year=world["year"], as_of=d("2025-03-31"))
    assert row(world["district"], "2025-03-31").actual == Decimal(100 + 70 + 45)


@pytest.mark.django_db
def test_a_correction_not_yet_approved_leaves_the_original_counted(world):
    p = project(world["district"])
    original = report(p, d("2025-02-01"), 50)
    report(p, d("2025-02-01"), 90, corrects=original, version=2, status="submitted")
    rollup_year(campaign_year=world["year"], as_of=d("2025-03-31"))
    assert row(world["district"], "2025-03-31").actual == Decimal(50)


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_reports_not_approved_are_never_counted(world, status):
    p = project(world["district"])
    report(p, d("2025-01-01"), 10)
    report(p, d("2025-02-01"), 500, status=status)
    rollup_year(campaign_year=world["year"], as_of=d("2025-12-31"))
    assert row(world["district"], "2025-12-31").actual == Decimal(10)


@pytest.mark.django_db
def test_a_city_includes_its_districts_and_a_zone_its_parks_and_clusters(world):
    in_cluster = project(world["district"], world["cluster"])
    in_zone = project(world["district"], world["zone"])
    elsewhere = project(world["other"])
    report(in_cluster, d("2025-01-01"), 10)
    report(in_zone, d("2025-01-01"), 20)
    report(elsewhere, d("2025-01-01"), 40)
    rollup_year(campaign_year=world["year"], as_of=d("2025-01-31"))
    actual = {name: row(world[name], "2025-01-31").actual for name in world if name != "year"}
    assert actual == {
        "city": 70,
        "district": 30,
        "other": 40,
        "zone": 30,
        "sub_park": 10,
        "cluster": 10,
    }


@pytest.mark.django_db
def test_completion_time_elapsed_and_gaps_against_a_target(world):
    indicator = Indicator.objects.get(code="project_investment")
    Target.objects.create(
        campaign_year=world["year"], indicator=indicator, region=world["district"], value=1200, unit="万元"
    )
    p = project(world["district"])
    report(p, d("2025-01-01"), 100)
    report(p, d("2025-03-01"), 80)
    rollup_year(campaign_year=world["year"], as_of=d("2025-03-31"))
    r = row(world["district"], "2025-03-31")
    assert (r.target_basis, r.target, r.actual) == ("target", Decimal(1200), Decimal(180))
    assert r.completion_rate == Decimal("15.00")  # 180 / 1200
    assert r.elapsed_rate == Decimal("25.00")  # 3 of 12 months
    assert r.gap_points == Decimal("-10.00")
    assert r.gap_amount == Decimal(180 - 300)  # 300 = 1200 × 25 %
    # The city has no target and no plans: no completion rather than a made-up one.
    city = row(world["city"], "2025-03-31")
    assert (city.target_basis, city.completion_rate, city.actual) == ("none", None, Decimal(180))


@pytest.mark.django_db
def test_without_a_target_the_annual_plans_of_the_scopes_projects_are_the_basis(world):
    a, b = project(world["district"]), project(world["other"])
    AnnualPlan.objects.create(project=a, campaign_year=world["year"], planned_investment=400)
    AnnualPlan.objects.create(project=b, campaign_year=world["year"], planned_investment=600)
    report(a, d("2025-01-01"), 100)
    report(b, d("2025-01-01"), 150)
    rollup_year(campaign_year=world["year"], as_of=d("2025-06-30"))
    city = row(world["city"], "2025-06-30")
    assert (city.target_basis, city.target, city.completion_rate) == ("annual_plans", 1000, Decimal("25.00"))
    assert row(world["district"], "2025-06-30").completion_rate == Decimal("25.00")


@pytest.mark.django_db
def test_milestones_reached_in_the_year_are_counted_per_scope(world):
    a, b = project(world["district"], world["cluster"]), project(world["other"])
    milestone(a, "started", d("2025-02-10"))
    milestone(b, "started", d("2025-05-10"))
    milestone(a, "in_production", d("2024-11-01"))  # last year
    rollup_year(campaign_year=world["year"], as_of=d("2025-03-31"))
    assert row(world["city"], "2025-03-31", "projects_started", "milestones").actual == 1
    assert row(world["zone"], "2025-03-31", "projects_started", "milestones").actual == 1
    assert row(world["city"], "2025-03-31", "projects_in_production", "milestones").actual == 0


@pytest.mark.django_db
def test_reported_figures_stand_beside_computed_actuals_never_mixed(world):
    from .builders import reported_actual

    figure = reported_actual(world["district"], world["year"], "project_investment", "10.5", 105000, 100000)
    report(project(world["district"]), d("2025-03-01"), 300)
    rollup_year(campaign_year=world["year"], as_of=d("2025-12-31"))
    reported = row(world["district"], "2025-12-31", source="report")
    computed = row(world["district"], "2025-12-31", source="progress")
    assert reported.figure == figure
    assert reported.actual == Decimal(105000)
    assert reported.figure.source_report.text[reported.figure.quote_offset :].startswith(reported.figure.quote)
    assert reported.target == computed.target == Decimal(100000)
    # The entered progress counts only itself; the reported number never leaks into it, nor the reverse.
    assert computed.actual == Decimal(300)


@pytest.mark.django_db
def test_running_twice_leaves_the_same_rows(world):
    p = project(world["district"], world["cluster"], planned_start=d("2025-01-10"))
    AnnualPlan.objects.create(project=p, campaign_year=world["year"], planned_investment=1000)
    report(p, d("2025-01-01"), 100)
    milestone(p, "started", d("2025-01-20"))

    def snapshot():
        from investment.models import PipelinePool, ProjectSignal

        fields = lambda m: [f.name for f in m._meta.concrete_fields if f.name != "computed_at"]  # noqa: E731
        return [
            sorted(map(tuple, (list(x.values()) for x in m.objects.values(*fields(m)))))
            for m in (Rollup, PipelinePool, ProjectSignal)
        ]

    rollup_year(campaign_year=world["year"], as_of=d("2025-04-30"))
    first = snapshot()
    rollup_year(campaign_year=world["year"], as_of=d("2025-04-30"))
    assert snapshot() == first
    assert Rollup.objects.count() > 0
    rollup_for_project(project_id=p.pk, as_of=d("2025-04-30"))
    assert snapshot() == first


@pytest.mark.django_db
def test_the_incremental_path_refreshes_the_projects_chains_only(world):
    a, b = project(world["district"], world["cluster"]), project(world["other"])
    rollup_year(campaign_year=world["year"], as_of=d("2025-04-30"))
    report(a, d("2025-02-01"), 60)
    report(b, d("2025-02-01"), 5)
    summary = rollup_for_project(project_id=a.pk, as_of=d("2025-04-30"))
    # a's difference only: b's report reached no roll-up (nothing asked for it), so the city lacks it
    assert row(world["city"], "2025-04-30").actual == 60
    assert row(world["cluster"], "2025-04-30").actual == 60
    assert row(world["zone"], "2025-04-30").actual == 60
    assert row(world["other"], "2025-04-30").actual == 0  # not in a's chains: left for the nightly run
    assert summary.rows["signals"] == 1
    # the nightly full run puts b in and reports the difference as drift, with the scopes it was in
    rollup_year(campaign_year=world["year"], as_of=d("2025-04-30"))
    assert row(world["city"], "2025-04-30").actual == 65
    run = RollupRun.objects.latest("started_at")
    assert run.reconciled and run.drift_rows > 0
    assert f"region:{world['other'].pk}" in run.drift_scopes and f"region:{world['city'].pk}" in run.drift_scopes
    assert f"park:{world['cluster'].pk}" not in run.drift_scopes


@pytest.mark.django_db
def test_rows_no_longer_produced_are_removed_by_the_full_run(world):
    indicator = Indicator.objects.get(code="projects_started")
    target = Target.objects.create(campaign_year=world["year"], indicator=indicator, park=world["sub_park"], value=4)
    rollup_year(campaign_year=world["year"], as_of=d("2025-04-30"))
    assert Rollup.objects.filter(park=world["sub_park"], source="milestones").exists()
    target.delete()
    rollup_year(campaign_year=world["year"], as_of=d("2025-04-30"))
    assert not Rollup.objects.filter(park=world["sub_park"]).exists()
