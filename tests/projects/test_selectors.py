"""Totals derived in SQL from approved reports, staff queues and the project history."""

import datetime as dt
from decimal import Decimal

from projects import selectors as project_selectors
from projects.models import ProgressReport, Project
from projects.progress import selectors, services


def _approved(project, staff, reviewer, period, amount):
    report = services.progress_report_create(
        project=project, period=period, actor=staff, investment_completed=Decimal(amount)
    )
    report = services.progress_report_submit(report=report, actor=staff)
    return services.progress_report_approve(report=report, reviewer=reviewer)


def test_year_to_date_and_since_start_are_derived_from_approved_reports(project, staff_user, reviewer):
    amounts = {dt.date(2024, 11, 1): "10.50", dt.date(2024, 12, 1): "20.25", dt.date(2025, 1, 1): "30.00"}
    for period, amount in amounts.items():
        _approved(project, staff_user, reviewer, period, amount)
    # A draft counts for nothing but itself: it shows what the totals will be once approved.
    services.progress_report_create(
        project=project, period=dt.date(2025, 2, 1), actor=staff_user, investment_completed=Decimal("5")
    )
    rows = {r.period: r for r in selectors.progress_report_list(user=reviewer)}
    assert rows[dt.date(2024, 12, 1)].year_to_date == Decimal("30.75")
    assert rows[dt.date(2025, 1, 1)].year_to_date == Decimal("30.00")
    assert rows[dt.date(2025, 1, 1)].since_start == Decimal("60.75")
    assert rows[dt.date(2025, 2, 1)].since_start == Decimal("65.75")
    assert rows[dt.date(2025, 2, 1)].year_to_date == Decimal("35.00")
    assert selectors.project_investment_total(project=project) == Decimal("60.75")


def test_staff_see_only_their_projects_reports(project, staff_user, outsider, reviewer, months):
    services.progress_report_create(
        project=project, period=months[0], actor=staff_user, investment_completed=Decimal("1")
    )
    assert selectors.progress_report_list(user=staff_user).count() == 1
    assert selectors.progress_report_list(user=outsider).count() == 0
    assert selectors.progress_report_list(user=reviewer).count() == 1
    assert [p.this_month_status for p in selectors.staff_project_list(user=staff_user)] == [ProgressReport.Status.DRAFT]


def test_project_history_lists_field_changes_with_users(project, staff_user, reviewer, months):
    report = services.progress_report_create(
        project=project, period=months[0], actor=staff_user, investment_completed=Decimal("1")
    )
    services.progress_report_update(report=report, version=1, actor=staff_user, investment_completed=Decimal("2"))
    entries = selectors.project_history(project)
    change = next(e for e in entries if e.changes and e.model == str(ProgressReport._meta.verbose_name))
    assert change.user == staff_user
    amount = next(c for c in change.changes if c.field == "investment_completed")
    assert (amount.before, amount.after) == (Decimal("1.00"), Decimal("2.00"))
    assert any(e.action == "+" and e.object_id == project.pk for e in entries)


def test_list_queries_do_not_grow_with_rows(project, staff_user, reviewer, django_assert_max_num_queries):
    for month in range(1, 9):
        _approved(project, staff_user, reviewer, dt.date(2024, month, 1), "1")
    with django_assert_max_num_queries(2):
        rows = list(selectors.progress_report_list(user=reviewer))
        assert [r.project.name for r in rows]
    assert len(rows) == 8


def test_project_list_shows_each_projects_newest_counted_report(project, region, staff_user, reviewer, months):
    other = Project.objects.create(name="另一个项目", region=region, pool="construction", signal="red")
    other.staff.add(staff_user)
    older, newest = months[2], months[1]
    _approved(project, staff_user, reviewer, older, "1")
    original = _approved(project, staff_user, reviewer, newest, "2")
    correction = services.progress_report_correct(original=original, actor=staff_user, investment_completed=Decimal(3))
    correction = services.progress_report_approve(
        report=services.progress_report_submit(report=correction, actor=staff_user), reviewer=reviewer
    )
    # Only drafted this month: it does not count yet.
    services.progress_report_create(project=project, period=months[0], actor=staff_user, investment_completed=1)
    other_report = _approved(other, staff_user, reviewer, older, "7")
    lonely = Project.objects.create(name="尚无进度的项目", region=region)

    rows = {p.pk: p for p in project_selectors.project_list(user=reviewer)}
    assert [r.pk for r in rows[project.pk].latest_progress] == [correction.pk]
    assert [r.pk for r in rows[other.pk].latest_progress] == [other_report.pk]
    assert rows[lonely.pk].latest_progress == []
    assert rows[project.pk].cumulative_investment == Decimal("4.00")


def test_project_api_labels_follow_the_choices(project, region, reviewer, client):
    Project.objects.create(name="标签项目", region=region, pool="construction", signal="red", category="ecology")
    client.force_login(reviewer)
    body = client.get("/api/v1/projects/", {"q": "标签"}).json()
    row = body["results"][0]
    labelled = Project.objects.get(name="标签项目")
    assert row["pool_display"] == labelled.get_pool_display()
    assert row["signal_display"] == labelled.get_signal_display()
    assert row["category_display"] == labelled.get_category_display()
    assert row["priority_level_display"] == labelled.get_priority_level_display()
