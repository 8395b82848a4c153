"""The dashboard reads over the stored roll-ups: which year and date they show, sources side by side,
unpublished figures withheld, the monthly progress aggregate and the signal counts."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from investment.dashboards.selectors import (
    dashboard_year,
    pipeline_scope,
    progress_by_month,
    progress_by_month_of_reports,
    scope_rollups,
    signal_summary,
    signal_summary_of,
)
from investment.models import AnnualPlan, CampaignYear, Figure, ProjectSignal, Rollup, RollupSource, SourceReport
from investment.rollups.run import rollup_for_project, rollup_year
from projects.models import Project

from .builders import d, project, report


def test_a_past_year_shows_its_newest_date_and_a_new_year_without_rows_is_not_replaced(world):
    in_2025 = dashboard_year(None, today=d("2025-07-15"))
    assert (in_2025.campaign_year, in_2025.as_of, in_2025.years) == (world["year"], None, [2025])
    report(project(world["district"]), d("2025-02-01"), "10")
    rollup_year(campaign_year=world["year"], as_of=d("2025-03-31"))
    rollup_year(campaign_year=world["year"], as_of=d("2025-06-30"))
    assert dashboard_year(None, today=d("2025-07-15")).as_of == d("2025-06-30")
    # A newer campaign year without roll-up rows yet is the one shown in its own year, with no date;
    # the year with rows stays reachable at its newest as-of.
    CampaignYear.objects.create(year=2026, name="2026年重大项目建设年")
    in_2026 = dashboard_year(None, today=d("2026-01-05"))
    assert (in_2026.year, in_2026.campaign_year.year, in_2026.as_of) == (2026, 2026, None)
    assert (in_2026.years, in_2026.years_with_data) == ([2026, 2025], [2025])
    asked = dashboard_year("2025", today=d("2026-01-05"))
    assert (asked.campaign_year, asked.as_of, asked.is_current) == (world["year"], d("2025-06-30"), False)


def test_progress_by_month_counts_what_the_roll_up_counts(world):
    district, year = world["district"], world["year"]
    built = project(district)
    report(built, d("2025-01-01"), "100")
    report(built, d("2025-03-01"), "250.5")
    report(built, d("2025-04-01"), "999", status="draft")
    report(built, d("2025-05-01"), "40", is_superseded=True)
    report(project(world["other"]), d("2025-03-01"), "7")  # another district's project
    report(built, d("2025-08-01"), "60")  # after the as-of date
    rollup_year(campaign_year=year, as_of=d("2025-06-30"))
    months = progress_by_month(campaign_year=year, as_of=d("2025-06-30"), region_name=district.name)
    assert months == {1: Decimal("100"), 3: Decimal("250.5")}
    # read from the stored monthly sums: the same as summing the reports
    old = progress_by_month_of_reports(campaign_year=year, as_of=d("2025-06-30"), region=district.pk)
    assert months == old
    if connection.vendor == "postgresql":  # printed alike too (SQLite's own sums lose the trailing zeros)
        assert [(m, str(v)) for m, v in months.items()] == [(m, str(v)) for m, v in old.items()]
    stored = Rollup.objects.get(
        campaign_year=year, as_of=d("2025-06-30"), region=district, indicator__code="project_investment"
    )
    assert sum(months.values()) == stored.actual


def test_reported_and_computed_actuals_stand_side_by_side(report_data):
    year = CampaignYear.objects.get(year=2025)
    shangdang = Project.objects.filter(region__name="上党区").first()
    report(shangdang, d("2025-02-01"), "1234")
    rollup_year(campaign_year=year)
    figures = {f.indicator.code: f for f in scope_rollups(campaign_year=year, as_of=d("2025-12-31"), user=None)}
    signed = figures["signed_amount"].rows
    printed = Figure.objects.get(indicator__code="signed_amount", kind="actual", region__name="上党区")
    assert [r.source for r in signed] == [RollupSource.REPORT]
    assert signed[0].figure == printed and signed[0].actual == printed.value
    progress = figures["project_investment"].rows
    assert [r.source for r in progress] == [RollupSource.PROGRESS]
    assert progress[0].actual == Decimal("1234")


def test_a_figure_of_an_unpublished_report_is_withheld_from_the_public(report_data):
    year = CampaignYear.objects.get(year=2025)
    printed = Figure.objects.get(indicator__code="signed_amount", kind="actual", region__name="上党区")
    # The report is taken back to draft (no publication date) after the figure was rolled up.
    SourceReport.objects.filter(pk=printed.source_report_id).update(published_on=None)
    rollup_year(campaign_year=year)
    public = {
        f.indicator.code: f for f in scope_rollups(campaign_year=year, as_of=d("2025-12-31"), user=AnonymousUser())
    }
    row = public["signed_amount"].rows[0]
    assert row.figure is None and row.actual is None and row.completion_rate is None
    reader = get_user_model().objects.create_user("reader", password="pw-long-enough-123")
    signed_in = {f.indicator.code: f for f in scope_rollups(campaign_year=year, as_of=d("2025-12-31"), user=reader)}
    assert signed_in["signed_amount"].rows[0].figure == printed


def test_signal_summary_counts_the_stored_signals_of_visible_projects(world, user_of):
    year = world["year"]
    on_track, lagging, unplanned = (project(world["district"]) for _ in range(3))
    for built, planned in ((on_track, "1200"), (lagging, "1200")):
        AnnualPlan.objects.create(project=built, campaign_year=year, planned_investment=Decimal(planned))
    for month in range(1, 7):
        report(on_track, date(2025, month, 1), "100")
    report(lagging, d("2025-01-01"), "100")
    rollup_year(campaign_year=year, as_of=d("2025-06-30"))
    stored = dict(ProjectSignal.objects.filter(as_of=d("2025-06-30")).values_list("project_id", "signal"))
    assert stored[on_track.pk] == "green" and stored[unplanned.pk] == ""
    official, anonymous = user_of("official"), AnonymousUser()
    counts = signal_summary(campaign_year=year, as_of=d("2025-06-30"), user=official)
    expected = {"green": 0, "yellow": 0, "red": 0, "none": 0}
    for signal in stored.values():
        expected[signal or "none"] += 1
    assert counts == expected
    # the stored counts say what counting the signals says
    assert counts == signal_summary_of(campaign_year=year, as_of=d("2025-06-30"), projects=Project.objects.all())
    Project.objects.filter(pk=lagging.pk).update(is_public=False)
    rollup_for_project(project_id=lagging.pk, as_of=d("2025-06-30"))  # what a change to the project asks for
    public = signal_summary(campaign_year=year, as_of=d("2025-06-30"), user=anonymous)
    assert sum(public.values()) == 2
    assert public == signal_summary_of(
        campaign_year=year, as_of=d("2025-06-30"), projects=Project.objects.filter(is_public=True)
    )
    assert signal_summary(campaign_year=year, as_of=d("2025-06-30"), user=official) == expected


def test_the_home_region_is_the_setting(world, settings):
    settings.HOME_REGION = world["district"].name
    assert pipeline_scope() == world["district"]
    settings.HOME_REGION = world["other"].name
    assert pipeline_scope() == world["other"]


def test_a_project_made_private_is_counted_once_for_its_staff_before_and_after_its_roll_up(world, user_of):
    year, as_of = world["year"], d("2025-06-30")
    projects = [project(world["district"]) for _ in range(3)]
    rollup_year(campaign_year=year, as_of=as_of)
    staff, anonymous = user_of("staff"), AnonymousUser()
    private = projects[0]
    private.staff.add(staff)
    Project.objects.filter(pk=private.pk).update(is_public=False)
    # Not rolled up yet: the stored counts still hold it as public, and so does the staff member's share.
    assert sum(signal_summary(campaign_year=year, as_of=as_of, user=staff).values()) == 3
    rollup_for_project(project_id=private.pk, as_of=as_of)
    assert sum(signal_summary(campaign_year=year, as_of=as_of, user=staff).values()) == 3
    assert sum(signal_summary(campaign_year=year, as_of=as_of, user=anonymous).values()) == 2


def test_saving_what_the_roll_ups_read_of_a_project_owes_its_roll_up(world, user_of):
    from projects import hooks, services

    existing = project(world["district"])
    owed = []

    def record(*, project_id, **kwargs):
        owed.append(project_id)

    hooks.register_changed.connect(record, dispatch_uid="test-record")
    try:
        official = user_of("official")
        services.project_update(project=existing, actor=official, description="只改说明")
        assert owed == []
        services.project_update(project=existing, actor=official, is_public=False)
        assert owed == [existing.pk]
        services.project_update(project=existing, actor=official, park=world["cluster"])
        assert owed == [existing.pk, existing.pk]
    finally:
        hooks.register_changed.disconnect(dispatch_uid="test-record")
