"""manage.py demo: the sample ledger through the import, a year of progress, every colour of signal, batch
rates, rankings and a monthly trend; everything flagged; idempotent; --clear restores the report data."""

import datetime as dt
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import call_command

from investment.dashboards.selectors import progress_by_month
from investment.models import (
    AnnualPlan,
    BatchRate,
    CampaignYear,
    Figure,
    Indicator,
    LedgerYearToDate,
    ProjectSignal,
    RollupSource,
)
from investment.rollups.rankings import ranked_by_indicator
from projects.models import Batch, Company, Milestone, PoolMove, ProgressReport, Project, ProjectContact

TODAY = dt.date(2026, 11, 15)
APPS = ("parks", "projects", "investment")

pytestmark = pytest.mark.django_db


def demo(**options):
    call_command("demo", today=TODAY.isoformat(), verbosity=0, **options)


def counts() -> dict[str, int]:
    """Rows of every table of the portal's apps, history tables included; not the roll-up run log, which
    gains a line with every full roll-up."""
    return {
        model._meta.label: model._base_manager.count()
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.label != "investment.RollupRun"
    }


def report_state() -> dict:
    """What the report data says: every figure as quoted, every project's own fields."""
    figures = list(
        Figure.objects.order_by("pk").values_list(
            "pk", "value", "unit", "value_printed", "unit_printed", "quote", "period_end"
        )
    )
    projects = list(
        Project.objects.order_by("pk").values_list("pk", "name", "pool", "signal", "total_investment", "planned_start")
    )
    return {"figures": figures, "projects": projects}


@pytest.fixture
def loaded(report_data):
    call_command("rollup", verbosity=0)


def test_demo_shows_signals_rates_rankings_and_a_trend(loaded):
    demo()
    year = CampaignYear.objects.get(year=TODAY.year)
    signals = Counter(ProjectSignal.objects.filter(campaign_year=year, as_of=TODAY).values_list("signal", flat=True))
    assert signals["green"] and signals["yellow"] and signals["red"], signals
    synthetic_signals = set(
        ProjectSignal.objects.filter(campaign_year=year, as_of=TODAY, project__is_synthetic=True).values_list(
            "signal", flat=True
        )
    )
    assert {"green", "yellow", "red"} <= synthetic_signals
    rates = BatchRate.objects.filter(as_of=TODAY, rate__isnull=False, batch__is_synthetic=True)
    assert rates.values("batch").distinct().count() >= 2
    assert {r.kind for r in rates} >= {"signed_to_started_rate", "started_to_production_rate"}
    assert all(0 < r.rate <= 100 for r in rates)

    ranked = ranked_by_indicator(
        campaign_year=year,
        indicator=Indicator.objects.get(code="project_investment"),
        source=RollupSource.PROGRESS,
        scope_kind="park",
        as_of=TODAY,
    )
    assert len(ranked) >= 3
    assert len({row.completion_rate for _, row in ranked}) > 1

    trend = progress_by_month(campaign_year=year, as_of=TODAY)
    assert sorted(trend) == list(range(1, TODAY.month + 1))
    assert all(total > 0 for total in trend.values())

    moves = PoolMove.objects.filter(project__is_synthetic=True).exclude(from_pool="")
    assert {(m.from_pool, m.to_pool) for m in moves} >= {("reserve", "construction"), ("construction", "operating")}
    # The ledger import was the front door: codes, contacts, the 1-N月 figure, batch milestones.
    synthetic = Project.objects.filter(is_synthetic=True)
    assert synthetic.count() == 80 and not synthetic.filter(code=None).exists()
    assert ProjectContact.objects.filter(project__in=synthetic).count() == 240
    assert LedgerYearToDate.objects.filter(project__in=synthetic, months=TODAY.month).exists()
    assert Milestone.objects.filter(project__in=synthetic, batch__isnull=False).count() == 40
    # Real projects of the district move too.
    assert ProgressReport.objects.filter(project__is_synthetic=False, is_synthetic=True).exists()


def test_every_demo_row_is_flagged_or_belongs_to_a_synthetic_project(loaded):
    before = {model: set(model.objects.values_list("pk", flat=True)) for model in (Milestone, ProjectContact, PoolMove)}
    real_projects = set(Project.objects.values_list("pk", flat=True))
    real_companies = set(Company.objects.values_list("pk", flat=True))
    demo()
    assert set(Project.objects.filter(is_synthetic=False).values_list("pk", flat=True)) == real_projects
    assert set(Company.objects.filter(is_synthetic=False).values_list("pk", flat=True)) == real_companies
    assert not ProgressReport.objects.filter(is_synthetic=False).exists()
    assert not AnnualPlan.objects.filter(is_synthetic=False).exists()
    assert not Batch.objects.filter(is_synthetic=False).exists()
    assert CampaignYear.objects.get(year=TODAY.year).is_synthetic
    assert not CampaignYear.objects.filter(year__lt=TODAY.year, is_synthetic=True).exists()
    for model, pks in before.items():
        added = model.objects.exclude(pk__in=pks)
        assert added.exists()
        assert not added.filter(project__is_synthetic=False).exists(), model
    assert not LedgerYearToDate.objects.filter(project__is_synthetic=False).exists()


def test_clear_leaves_exactly_the_report_data(loaded):
    rows, state = counts(), report_state()
    demo()
    assert counts() != rows
    call_command("demo", clear=True, verbosity=0)
    assert counts() == rows
    assert report_state() == state


def test_running_twice_gives_the_same_rows(loaded):
    def snapshot():
        return {
            "counts": counts(),
            "projects": list(Project.objects.order_by("name").values_list("name", "code", "pool", "signal")),
            "progress": list(
                ProgressReport.objects.order_by("project__name", "period").values_list(
                    "project__name", "period", "investment_completed"
                )
            ),
            "plans": list(
                AnnualPlan.objects.order_by("project__name").values_list("project__name", "planned_investment")
            ),
            "rates": list(BatchRate.objects.order_by("batch__name", "kind").values_list("batch__name", "kind", "rate")),
        }

    demo()
    first = snapshot()
    demo()
    assert snapshot() == first


def test_the_command_prints_a_summary(loaded, capsys):
    from io import StringIO

    out = StringIO()
    call_command("demo", today=TODAY.isoformat(), projects=20, stdout=out)
    text = out.getvalue()
    assert "projects: 20" in text and "signals:" in text and "demo --clear" in text
    out = StringIO()
    call_command("demo", clear=True, stdout=out)
    assert "projects: 20" in out.getvalue()
    assert not Project.objects.filter(is_synthetic=True).exists()
