"""Totals derived in SQL from approved reports, staff queues and the project history."""

import datetime as dt
from decimal import Decimal

from projects import selectors, services
from projects.models import ProgressReport


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
