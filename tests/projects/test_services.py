"""Project services, and the progress workflow's: each transition, each rejection, corrections, notifications."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from projects import services as project_services
from projects.models import Notification, ProgressReport, Project, ProjectIssue
from projects.progress import selectors, services
from shangdang_portal import roles
from tests.factories import UserFactory

Status = ProgressReport.Status


# --- projects --------------------------------------------------------------------------------------


def test_project_create_validates_and_records_the_actor(region):
    actor = get_user_model().objects.create_user(username="a")
    project = project_services.project_create(
        actor=actor, name="新项目", region=region, total_investment=Decimal("12.50")
    )
    assert Project.objects.get().total_investment == Decimal("12.50")
    assert project.history.get().history_user == actor


def test_project_create_rejects_bad_input_and_saves_nothing(region):
    staff = get_user_model().objects.create_user(username="s")
    with pytest.raises(ValidationError) as raised:
        project_services.project_create(
            actor=None,
            staff=[staff],
            name="坏项目",
            region=region,
            total_investment=Decimal("-1"),
            pool="heaven",
        )
    assert {"pool"} <= set(raised.value.message_dict)
    assert not Project.objects.exists()


def test_project_update_checks_dates_against_the_stored_start(region):
    project = project_services.project_create(
        actor=None, name="项目", region=region, planned_start=datetime.date(2025, 5, 1)
    )
    with pytest.raises(ValidationError):
        project_services.project_update(project=project, actor=None, planned_end=datetime.date(2025, 1, 1))
    project.refresh_from_db()
    assert project.planned_end is None


# --- progress reports ------------------------------------------------------------------------------


def draft(project, user, period, amount="100.00", **extra):
    return services.progress_report_create(
        project=project, period=period, actor=user, investment_completed=Decimal(amount), **extra
    )


def approved(project, user, reviewer, period, amount="100.00", **extra):
    report = draft(project, user, period, amount, **extra)
    report = services.progress_report_submit(report=report, actor=user)
    return services.progress_report_approve(report=report, reviewer=reviewer)


def test_draft_submit_approve(project, staff_user, reviewer, months, django_capture_on_commit_callbacks, mailoutbox):
    report = draft(project, staff_user, months[0], physical_progress=40, stage="主体施工")
    assert report.status == Status.DRAFT and report.version == 1
    with django_capture_on_commit_callbacks(execute=True):
        report = services.progress_report_submit(report=report, actor=staff_user)
    assert report.status == Status.SUBMITTED and report.submitted_at is not None
    assert Notification.objects.get(recipient=reviewer).verb == Notification.Verb.SUBMITTED
    assert mailoutbox[-1].to == [reviewer.email]

    with django_capture_on_commit_callbacks(execute=True):
        report = services.progress_report_approve(report=report, reviewer=reviewer)
    assert report.status == Status.APPROVED
    assert report.reviewed_by == reviewer and report.version == 3
    assert Notification.objects.get(recipient=staff_user).verb == Notification.Verb.APPROVED
    assert mailoutbox[-1].to == [staff_user.email]


def test_return_needs_a_note_and_the_report_can_be_fixed_and_resubmitted(project, staff_user, reviewer, months):
    report = services.progress_report_submit(report=draft(project, staff_user, months[0]), actor=staff_user)
    with pytest.raises(ValidationError) as err:
        services.progress_report_return(report=report, reviewer=reviewer, review_note="  ")
    assert "review_note" in err.value.message_dict
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED

    report = services.progress_report_return(report=report, reviewer=reviewer, review_note="金额与台账不符")
    assert report.status == Status.RETURNED and report.review_note == "金额与台账不符"
    assert Notification.objects.filter(recipient=staff_user, verb=Notification.Verb.RETURNED).exists()
    assert list(selectors.returned_report_list(user=staff_user)) == [report]

    report = services.progress_report_update(
        report=report, version=report.version, actor=staff_user, investment_completed=Decimal("90")
    )
    report = services.progress_report_submit(report=report, actor=staff_user)
    assert report.status == Status.SUBMITTED and report.investment_completed == Decimal("90")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"investment_completed": Decimal("-1")}, "investment_completed"),
        ({"physical_progress": 101}, "physical_progress"),
    ],
)
def test_bad_amounts_are_field_errors_and_nothing_is_saved(project, staff_user, months, changes, field):
    values = {"investment_completed": Decimal("10")} | changes
    with pytest.raises(ValidationError) as err:
        services.progress_report_create(project=project, period=months[0], actor=staff_user, **values)
    assert field in err.value.message_dict
    assert not ProgressReport.objects.exists()


def test_future_month_is_rejected(project, staff_user, months):
    future = (months[0].replace(day=28) + __import__("datetime").timedelta(days=5)).replace(day=1)
    with pytest.raises(ValidationError) as err:
        draft(project, staff_user, future)
    assert "period" in err.value.message_dict
    assert not ProgressReport.objects.exists()


def test_month_must_be_its_first_day(project, staff_user, months):
    with pytest.raises(ValidationError) as err:
        draft(project, staff_user, months[1].replace(day=2))
    assert "period" in err.value.message_dict


def test_second_report_for_the_same_month_is_rejected(project, staff_user, months):
    draft(project, staff_user, months[0])
    with pytest.raises(ValidationError) as err:
        draft(project, staff_user, months[0])
    assert "period" in err.value.message_dict
    assert ProgressReport.objects.count() == 1


def test_exceeding_the_total_investment_needs_an_explanation(project, staff_user, reviewer, months):
    approved(project, staff_user, reviewer, months[2], "900")
    with pytest.raises(ValidationError) as err:
        draft(project, staff_user, months[1], "200")
    assert "explanation" in err.value.message_dict
    assert ProgressReport.objects.count() == 1
    report = draft(project, staff_user, months[1], "200", explanation="追加设备投资，总投资调整待批")
    assert report.pk


def test_staff_of_other_projects_cannot_report_and_staff_cannot_review(project, staff_user, outsider, months):
    with pytest.raises(PermissionDenied):
        draft(project, outsider, months[0])
    report = services.progress_report_submit(report=draft(project, staff_user, months[0]), actor=staff_user)
    with pytest.raises(PermissionDenied):
        services.progress_report_approve(report=report, reviewer=staff_user)
    with pytest.raises(PermissionDenied):
        services.progress_report_return(report=report, reviewer=outsider, review_note="x")


def test_reviewer_cannot_approve_own_report(project, reviewer, months):
    project.staff.add(reviewer)
    from django.contrib.auth.models import Group

    reviewer.groups.add(Group.objects.get_or_create(name="staff")[0])
    reviewer._portal_roles = None
    report = services.progress_report_submit(report=draft(project, reviewer, months[0]), actor=reviewer)
    with pytest.raises(PermissionDenied):
        services.progress_report_approve(report=report, reviewer=reviewer)


def test_a_reviewer_who_edited_someone_elses_report_cannot_approve_it(project, staff_user, reviewer, months):
    """Staff and reviewer at once: changing the amount of a colleague's report makes it theirs too."""
    project.staff.add(reviewer)
    from django.contrib.auth.models import Group

    reviewer.groups.add(Group.objects.get_or_create(name="staff")[0])
    reviewer._portal_roles = None
    report = draft(project, staff_user, months[0])
    report = services.progress_report_update(
        report=report, version=report.version, actor=reviewer, investment_completed=Decimal("77")
    )
    report = services.progress_report_submit(report=report, actor=staff_user)
    with pytest.raises(PermissionDenied):
        services.progress_report_approve(report=report, reviewer=reviewer)


def test_a_reviewer_who_returned_a_report_may_approve_it_once_resubmitted(project, staff_user, reviewer, months):
    """Reviewing saves the report too (status, note), but that is not writing it."""
    report = services.progress_report_submit(report=draft(project, staff_user, months[0]), actor=staff_user)
    report = services.progress_report_return(report=report, reviewer=reviewer, review_note="补充照片")
    report = services.progress_report_update(
        report=report, version=report.version, actor=staff_user, narrative="已补充"
    )
    report = services.progress_report_submit(report=report, actor=staff_user)
    assert services.progress_report_approve(report=report, reviewer=reviewer).status == Status.APPROVED


def test_a_report_without_a_creator_can_be_reviewed(project, staff_user, reviewer, months):
    """Rows loaded from the report data or generated have no creator; review must still work on them."""
    report = ProgressReport.objects.create(
        project=project, period=months[1], investment_completed=Decimal("10"), status=Status.SUBMITTED
    )
    report = services.progress_report_approve(report=report, reviewer=reviewer)
    assert report.status == Status.APPROVED and report.created_by is None
    # Nobody wrote it, so only the project's staff hear of the approval.
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [staff_user.username]


def test_only_submitted_reports_can_be_approved_or_returned(project, staff_user, reviewer, months):
    report = draft(project, staff_user, months[0])
    with pytest.raises(ValidationError) as err:
        services.progress_report_approve(report=report, reviewer=reviewer)
    assert "status" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.progress_report_return(report=report, reviewer=reviewer, review_note="x")
    report.refresh_from_db()
    assert report.status == Status.DRAFT and report.version == 1


def test_a_submitted_report_cannot_be_edited_until_reviewed(project, staff_user, months):
    report = services.progress_report_submit(report=draft(project, staff_user, months[0]), actor=staff_user)
    with pytest.raises(ValidationError) as err:
        services.progress_report_update(report=report, version=report.version, actor=staff_user, narrative="x")
    assert "status" in err.value.message_dict


def test_an_approved_report_is_locked(project, staff_user, reviewer, months):
    report = approved(project, staff_user, reviewer, months[1])
    with pytest.raises(ValidationError) as err:
        services.progress_report_update(
            report=report, version=report.version, actor=staff_user, investment_completed=Decimal("1")
        )
    assert err.value.message_dict["status"]
    report.refresh_from_db()
    assert report.investment_completed == Decimal("100.00") and report.status == Status.APPROVED
    with pytest.raises(ValidationError):
        services.progress_report_submit(report=report, actor=staff_user)


def test_a_correction_is_reviewed_then_supersedes_the_original(project, staff_user, reviewer, months):
    original = approved(project, staff_user, reviewer, months[1], "100")
    correction = services.progress_report_correct(
        original=original, actor=staff_user, investment_completed=Decimal("120")
    )
    assert correction.corrects == original and correction.status == Status.DRAFT
    assert correction.stage == original.stage
    # Until the correction is approved, the original's figure is the one that counts.
    assert selectors.counted_report_for(project=project, period=months[1]) == original

    correction = services.progress_report_submit(report=correction, actor=staff_user)
    services.progress_report_approve(report=correction, reviewer=reviewer)
    original.refresh_from_db()
    assert original.is_superseded
    counted = selectors.counted_report_for(project=project, period=months[1])
    assert counted == correction and counted.since_start == Decimal("120")

    with pytest.raises(ValidationError) as err:
        services.progress_report_correct(original=original, actor=staff_user)
    assert "corrects" in err.value.message_dict


def test_bulk_approve_is_all_or_nothing(project, staff_user, reviewer, region, months):
    from projects.models import Project

    other = Project.objects.create(name="第二个项目", region=region)
    other.staff.add(staff_user)
    first = services.progress_report_submit(report=draft(project, staff_user, months[0]), actor=staff_user)
    second = services.progress_report_submit(report=draft(other, staff_user, months[0]), actor=staff_user)
    still_draft = draft(project, staff_user, months[1])

    with pytest.raises(ValidationError) as err:
        services.progress_reports_approve(reports=[first, second, still_draft], reviewer=reviewer)
    assert f"#{still_draft.pk}" in err.value.message_dict["reports"][0]
    assert not ProgressReport.objects.filter(status=Status.APPROVED).exists()

    done = services.progress_reports_approve(reports=[first, second], reviewer=reviewer)
    assert {r.status for r in done} == {Status.APPROVED}
    assert ProgressReport.objects.filter(status=Status.APPROVED).count() == 2


def test_stale_version_is_a_conflict_naming_what_changed(project, staff_user, months):
    report = draft(project, staff_user, months[0])
    services.progress_report_update(report=report, version=1, actor=staff_user, narrative="第一位填报人")
    with pytest.raises(services.ConflictError) as err:
        services.progress_report_update(report=report, version=1, actor=staff_user, narrative="第二位填报人")
    assert err.value.current_version == 2
    assert [c.field for c in err.value.changes] == ["narrative"]
    assert "进展情况" in err.value.message
    report.refresh_from_db()
    assert report.narrative == "第一位填报人" and report.version == 2


def test_history_rows_carry_the_acting_user(project, staff_user, reviewer, months):
    report = approved(project, staff_user, reviewer, months[1])
    rows = list(ProgressReport.history.filter(id=report.pk).order_by("history_date"))
    assert [(r.status, r.history_user) for r in rows] == [
        (Status.DRAFT, staff_user),
        (Status.SUBMITTED, staff_user),
        (Status.APPROVED, reviewer),
    ]
    entries = selectors.progress_report_history(report)
    newest = entries[0]
    assert newest.user == reviewer
    assert {c.field: (c.before, c.after) for c in newest.changes}["status"] == (Status.SUBMITTED, Status.APPROVED)


def test_issue_is_raised_assigned_and_resolved_by_an_official(project, staff_user, reviewer):
    official = UserFactory(username="zhao", role=roles.OFFICIAL)
    issue = services.issue_raise(project=project, description="施工用电未接入", actor=staff_user)
    assert issue.status == ProjectIssue.Status.RAISED and issue.raised_on
    with pytest.raises(ValidationError) as err:
        services.issue_resolve(issue=issue, resolution="已接入", actor=official)
    assert "status" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.issue_assign(issue=issue, department=" ", actor=official)
    assert "department" in err.value.message_dict
    issue = services.issue_assign(issue=issue, department="区发改局", actor=official)
    assert issue.status == ProjectIssue.Status.ASSIGNED and issue.assigned_on
    issue = services.issue_resolve(issue=issue, resolution="供电公司已接入临时用电", actor=official)
    assert issue.status == ProjectIssue.Status.RESOLVED and issue.resolved_on
    assert issue.history.latest().history_user == official
    with pytest.raises(PermissionDenied):
        services.issue_assign(issue=issue, department="区住建局", actor=reviewer)


def test_notifications_are_marked_read(project, staff_user, reviewer, months):
    services.progress_report_submit(report=draft(project, staff_user, months[0]), actor=staff_user)
    assert selectors.notification_list(user=reviewer, unread_only=True).count() == 1
    assert services.notification_mark_read(user=reviewer) == 1
    assert selectors.notification_list(user=reviewer, unread_only=True).count() == 0
