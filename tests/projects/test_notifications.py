"""Notifications: the unread count in the header (one query), marking read, the return note on the notice,
e-mail after commit (and a mail server that fails), and the monthly reminder of months not submitted."""

import datetime as dt

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Notification, ProgressReport
from projects.progress import selectors, services
from projects.progress.tasks import progress_reminders_task
from shangdang_portal import roles
from tests.factories import ProgressReportFactory, ProjectFactory, UserFactory

Verb = Notification.Verb


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down: every send raises, as smtplib does when the connection is refused."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def submitted(project, staff_user, months, n=0):
    report = services.progress_report_create(
        project=project, period=months[n], actor=staff_user, investment_completed=100
    )
    return services.progress_report_submit(report=report, actor=staff_user)


def notification_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "projects_notification" in q["sql"]]


# --- the header's unread count ---------------------------------------------------------------------


def test_the_header_shows_the_unread_count_with_one_count_query(client, staff_user, reviewer, project, months):
    report = submitted(project, staff_user, months)
    services.progress_report_return(report=report, reviewer=reviewer, review_note="请补充照片")
    Notification.objects.create(recipient=staff_user, verb=Verb.REMINDER, period=months[1])
    Notification.objects.create(recipient=staff_user, verb=Verb.REMINDER, period=months[2], read_at=timezone.now())
    client.force_login(staff_user)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("progress:my-projects")).content.decode()
    assert '<span class="badge" id="unread-count">2</span>' in html
    counts = notification_queries(ctx.captured_queries)
    assert len(counts) == 1 and "COUNT(" in counts[0].upper()


def test_no_badge_and_no_query_without_unread_notices(client, staff_user, project):
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("projects:list")).content.decode()
    assert notification_queries(ctx.captured_queries) == []
    assert "unread-count" not in html
    client.force_login(staff_user)
    assert "unread-count" not in client.get(reverse("projects:list")).content.decode()


# --- marking read ----------------------------------------------------------------------------------


def test_marking_one_notice_read_leaves_the_others_and_other_peoples(client, staff_user, reviewer, months):
    mine = [Notification.objects.create(recipient=staff_user, verb=Verb.REMINDER, period=m) for m in months[:3]]
    theirs = Notification.objects.create(recipient=reviewer, verb=Verb.REMINDER, period=months[0])
    client.force_login(staff_user)
    url = reverse("progress:notifications")

    assert client.post(url, {"notification": mine[0].pk}).status_code == 302
    assert client.post(url, {"notification": theirs.pk}).status_code == 302
    assert client.post(url, {"notification": "x1"}).status_code == 400
    assert selectors.unread_notification_count(user=staff_user) == 2
    assert Notification.objects.get(pk=theirs.pk).read_at is None

    page = client.get(url).content.decode()
    assert page.count("标为已读") == 3  # two rows and the "mark all" button's 全部标为已读
    client.post(url)
    assert selectors.unread_notification_count(user=staff_user) == 0
    assert "unread-count" not in client.get(url).content.decode()


# --- the return note and e-mail --------------------------------------------------------------------


def test_a_returned_report_notice_carries_the_reviewers_note_in_the_portal_and_the_mail(
    client, project, staff_user, reviewer, months, django_capture_on_commit_callbacks, mailoutbox
):
    report = submitted(project, staff_user, months)
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_report_return(report=report, reviewer=reviewer, review_note="照片与本月进度不符")
    notice = Notification.objects.get(recipient=staff_user)
    assert notice.verb == Verb.RETURNED and notice.note == "照片与本月进度不符"
    assert [m.to for m in mailoutbox[-1:]] == [[staff_user.email]]
    assert "照片与本月进度不符" in mailoutbox[-1].body

    # Returned again with another note: the first notice still says what it said.
    report = services.progress_report_submit(report=ProgressReport.objects.get(pk=report.pk), actor=staff_user)
    services.progress_report_return(report=report, reviewer=reviewer, review_note="金额有误")
    notes = list(Notification.objects.filter(recipient=staff_user).values_list("note", flat=True))
    assert notes == ["金额有误", "照片与本月进度不符"]

    client.force_login(staff_user)
    page = client.get(reverse("progress:notifications")).content.decode()
    assert "照片与本月进度不符" in page and "金额有误" in page


def test_mail_goes_after_commit_one_message_per_person_and_only_to_addresses(
    project, staff_user, reviewer, months, django_capture_on_commit_callbacks, mailoutbox
):
    second = UserFactory(username="zhao", email="zhao@example.org", role=roles.REVIEWER)
    UserFactory(username="qian", email="", role=roles.REVIEWER)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submitted(project, staff_user, months)
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([reviewer.email, second.email])
    assert all(len(m.to) == 1 for m in mailoutbox)
    assert Notification.objects.filter(verb=Verb.SUBMITTED).count() == 3


def test_a_failing_mail_server_never_breaks_the_workflow(
    settings, project, staff_user, reviewer, months, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted(project, staff_user, months)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.progress_report_approve(report=report, reviewer=reviewer)
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.APPROVED
    assert Notification.objects.filter(recipient=staff_user, verb=Verb.APPROVED).exists()
    assert "notification mail not sent" in caplog.text


# --- the monthly reminder --------------------------------------------------------------------------


@pytest.fixture
def reminder_day(settings):
    settings.PORTAL_REMINDER_DAY = 20
    return timezone.localdate().replace(day=20)


def test_the_reminder_picks_exactly_the_staff_whose_month_is_not_submitted_once(
    region, reminder_day, months, django_capture_on_commit_callbacks, mailoutbox
):
    period = months[0]
    done, draft_only, half_done, returned = (ProjectFactory(region=region) for _ in range(4))
    other = ProjectFactory(region=region)
    ProgressReportFactory(project=done, period=period, submitted=True)
    ProgressReportFactory(project=draft_only, period=period)
    ProgressReportFactory(project=half_done, period=period, approved=True)
    ProgressReportFactory(project=returned, period=period, status=ProgressReport.Status.RETURNED)
    ProgressReportFactory(project=other, period=period, approved=True)

    submitted_staff = UserFactory(username="s1", email="s1@example.org", role=roles.STAFF, assigned_projects=[done])
    drafting = UserFactory(username="s2", email="s2@example.org", role=roles.STAFF, assigned_projects=[draft_only])
    one_missing = UserFactory(username="s3", email="", role=roles.STAFF, assigned_projects=[half_done, other])
    ProjectFactory(region=region).staff.add(one_missing)  # a second project with no report at all
    UserFactory(username="s4", email="s4@example.org", role=roles.STAFF, assigned_projects=[returned])
    UserFactory(username="s5", role=roles.STAFF)  # no project: nothing to submit
    inactive = UserFactory(username="s6", role=roles.STAFF, assigned_projects=[draft_only])
    inactive.is_active = False
    inactive.save()
    UserFactory(username="r1", email="r1@example.org", role=roles.REVIEWER, assigned_projects=[draft_only])
    ProgressReportFactory(project=ProjectFactory(region=region), period=period)

    # Before the day nobody is reminded.
    assert progress_reminders_task.apply(args=[(reminder_day - dt.timedelta(days=1)).isoformat()]).get() == 0
    assert not Notification.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert progress_reminders_task.apply(args=[reminder_day.isoformat()]).get() == 3
    reminded = Notification.objects.filter(verb=Verb.REMINDER, period=period)
    assert sorted(reminded.values_list("recipient__username", flat=True)) == ["s2", "s3", "s4"]
    assert sorted(m.to[0] for m in mailoutbox) == ["s2@example.org", "s4@example.org"]
    assert period.strftime("%Y-%m") in mailoutbox[0].subject
    assert submitted_staff.notifications.count() == 0

    # The next days of the month: still unsubmitted, but nobody is reminded twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert progress_reminders_task.apply(args=[(reminder_day + dt.timedelta(days=1)).isoformat()]).get() == 0
    assert reminded.count() == 3 and len(mailoutbox) == 2
    assert drafting.notifications.get().get_verb_display() == "月度进度尚未提交"
    # Two runs at once cannot remind anyone twice either: the database holds one reminder per user and month.
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=drafting, verb=Verb.REMINDER, period=period)


def test_the_reminder_runs_daily_from_celery_beat(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == progress_reminders_task.name)
    assert entry["schedule"].hour == {9}
