"""红黄绿灯: the rules of the campaign year, the stored reasons and Project.signal."""

import importlib
from decimal import Decimal

import pytest

from investment.models import AnnualPlan, ProjectSignal
from investment.rollups.run import rollup_year
from projects.models import Project

from .builders import d, milestone, project, report


def signal_of(p, as_of):
    return ProjectSignal.objects.get(project=p, as_of=d(as_of))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("spent", "signal", "rule", "gap"),
    [
        (500, "green", "on_track", Decimal("-8.33")),  # 41.67 % of plan at 50 % of the year
        (400, "yellow", "lag_yellow", Decimal("-16.67")),
        (180, "red", "lag_red", Decimal("-35.00")),
    ],
)
def test_gap_behind_time_elapsed_sets_the_signal(world, spent, signal, rule, gap):
    p = project(world["district"])
    AnnualPlan.objects.create(project=p, campaign_year=world["year"], planned_investment=1200)
    report(p, d("2025-03-01"), spent)
    summary = rollup_year(campaign_year=world["year"], as_of=d("2025-06-30"))
    s = signal_of(p, "2025-06-30")
    assert (s.signal, s.rule, s.gap_points, s.elapsed_rate) == (signal, rule, gap, Decimal("50.00"))
    assert s.gap_points == s.completion_rate - s.elapsed_rate  # the roll-up row's sign: negative = behind
    assert s.actual == spent and s.planned_investment == 1200
    assert f"落后{-gap}个百分点" in s.reason
    assert summary.signals[signal] == 1
    p.refresh_from_db()
    assert p.signal == signal


@pytest.mark.django_db
def test_thresholds_are_the_campaign_years(world):
    world["year"].yellow_lag_points = 20
    world["year"].red_lag_points = 40
    world["year"].save()
    p = project(world["district"])
    AnnualPlan.objects.create(project=p, campaign_year=world["year"], planned_investment=1200)
    report(p, d("2025-03-01"), 400)  # 16.67 points behind: yellow by default, green under these rules
    rollup_year(campaign_year=world["year"], as_of=d("2025-06-30"))
    assert signal_of(p, "2025-06-30").signal == "green"


@pytest.mark.django_db
def test_without_a_plan_there_is_no_lag_signal_and_the_reason_says_so(world):
    p = project(world["district"])
    report(p, d("2025-03-01"), 10)
    rollup_year(campaign_year=world["year"], as_of=d("2025-06-30"))
    s = signal_of(p, "2025-06-30")
    assert (s.signal, s.rule, s.completion_rate, s.gap_points) == ("", "no_plan", None, None)
    assert "无本年度计划投资" in s.reason
    assert Project.objects.get(pk=p.pk).signal == ""


@pytest.mark.django_db
def test_not_started_months_after_the_planned_start_is_red(world):
    late = project(world["district"], planned_start=d("2025-01-15"))
    started = project(world["district"], planned_start=d("2025-01-15"))
    recent = project(world["district"], planned_start=d("2025-02-15"))
    milestone(started, "started", d("2025-03-01"))
    for p in (late, started, recent):
        AnnualPlan.objects.create(project=p, campaign_year=world["year"], planned_investment=100)
        report(p, d("2025-01-01"), 40)
    rollup_year(campaign_year=world["year"], as_of=d("2025-04-30"))
    s = signal_of(late, "2025-04-30")
    assert (s.signal, s.rule, s.planned_start, s.started_on) == ("red", "not_started", d("2025-01-15"), None)
    assert "3" in s.reason
    assert signal_of(started, "2025-04-30").rule == "on_track"
    assert signal_of(started, "2025-04-30").started_on == d("2025-03-01")
    assert signal_of(recent, "2025-04-30").rule == "on_track"  # 3 months not yet over on 04-30


@pytest.mark.django_db
def test_a_rerun_for_an_older_date_does_not_change_the_current_signal(world):
    p = project(world["district"])
    AnnualPlan.objects.create(project=p, campaign_year=world["year"], planned_investment=1200)
    report(p, d("2025-01-01"), 100)
    rollup_year(campaign_year=world["year"], as_of=d("2025-06-30"))  # 8.33 % at 50 %: red
    rollup_year(campaign_year=world["year"], as_of=d("2025-01-31"))  # 8.33 % at 8.33 %: green
    assert signal_of(p, "2025-01-31").signal == "green"
    assert Project.objects.get(pk=p.pk).signal == "red"


@pytest.mark.django_db
def test_the_migration_to_gap_points_flips_the_stored_sign_and_back(world):
    from django.apps import apps

    migration = importlib.import_module("investment.migrations.0005_project_signal_names")
    p = project(world["district"])
    AnnualPlan.objects.create(project=p, campaign_year=world["year"], planned_investment=1200)
    report(p, d("2025-03-01"), 180)
    rollup_year(campaign_year=world["year"], as_of=d("2025-06-30"))
    assert signal_of(p, "2025-06-30").gap_points == Decimal("-35.00")
    migration.negate_gap_points(apps, None)  # what the old lag_points held
    assert signal_of(p, "2025-06-30").gap_points == Decimal("35.00")
    migration.negate_gap_points(apps, None)  # the reverse step
    assert signal_of(p, "2025-06-30").gap_points == Decimal("-35.00")
