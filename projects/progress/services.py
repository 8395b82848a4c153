"""Writes of the monthly progress workflow: draft → submitted → approved/returned, corrections, photos,
obstacles (问题清单) and notifications. Keyword-only, validated with full_clean(), one transaction each,
recording who changed what."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shangdang_portal import roles
from shangdang_portal.permissions import can_edit_plans, can_edit_progress, is_reviewer
from shangdang_portal.row_versions import lock_and_check

from ..models import (
    EARLIEST_PERIOD,
    MAX_WORKERS,
    Notification,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectIssue,
)
from . import photos, selectors
from .hooks import progress_counted

Status = ProgressReport.Status
logger = logging.getLogger(__name__)


class ConflictError(Exception):
    """A write based on an old version of a report: someone else saved it in between."""

    def __init__(self, report: ProgressReport, expected_version: int):
        self.report = report
        self.expected_version = expected_version
        self.current_version = report.version
        self.changes = selectors.changes_since(report, expected_version)
        changed = "、".join(c.label for c in self.changes) or _("状态")
        self.message = _("该报告已被他人修改(版本 %(expected)s → %(current)s，变更: %(changed)s)，请刷新后重试。") % {
            "expected": expected_version,
            "current": self.current_version,
            "changed": changed,
        }
        super().__init__(self.message)


# --- who may do what ---------------------------------------------------------------------------


def _require_reporter(user, project: Project) -> None:
    if not can_edit_progress(user, project):
        raise PermissionDenied(_("您不是该项目的填报人员。"))


def _require_reviewer(user) -> None:
    if not is_reviewer(user):
        raise PermissionDenied(_("只有审核人员可以审核进度报告。"))


def _require_issue_handler(user) -> None:
    # Assigning an obstacle to a department and closing it is the officials' coordination work, as are
    # the planning inputs: the same people (officials and admins) do both.
    if not can_edit_plans(user):
        raise PermissionDenied(_("只有领导干部和管理员可以交办或办结问题。"))


# --- validation shared by every write ------------------------------------------------------------


def _validate(report: ProgressReport) -> None:
    """Field-level checks beyond the model's own: month, one report per month, the total investment."""
    report.full_clean(validate_constraints=False)
    errors: dict[str, str] = {}
    if report.period > selectors.current_period():
        errors["period"] = _("不能填报未来月份的进度。")
    if report.period < EARLIEST_PERIOD:
        errors["period"] = _("月份不能早于 2000-01。")
    if report.workers_on_site is not None and report.workers_on_site > MAX_WORKERS:
        errors["workers_on_site"] = _("在岗人数不能超过 %(max)s。") % {"max": MAX_WORKERS}
    duplicate = ProgressReport.objects.filter(project_id=report.project_id, period=report.period)
    duplicate = duplicate.exclude(pk=report.pk) if report.pk else duplicate
    if report.corrects_id is None and duplicate.filter(corrects__isnull=True).exists():
        errors["period"] = _("该项目本月已有进度报告；请更正原报告。")
    total = report.project.total_investment
    if total is not None and report.investment_completed is not None and not report.explanation.strip():
        since_start = (
            selectors.project_investment_total(project=report.project, excluding_period=report.period)
            + report.investment_completed
        )
        if since_start > total:
            errors["explanation"] = _(
                "累计完成投资 %(since)s 万元将超过项目总投资 %(total)s 万元，请填写超总投资说明。"
            ) % {"since": since_start, "total": total}
    if errors:
        raise ValidationError(errors)


def _claim(report: ProgressReport, expected_version: int | None) -> ProgressReport:
    """Bumps the version with UPDATE … WHERE version = n, so of two writers working from the same
    version exactly one wins; the row stays locked until the transaction ends."""
    qs = ProgressReport.objects.filter(pk=report.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if qs.update(version=F("version") + 1) == 0:
        current = ProgressReport.objects.get(pk=report.pk)
        raise ConflictError(current, expected_version)
    return ProgressReport.objects.select_related("project").get(pk=report.pk)


def _save(report: ProgressReport, actor) -> None:
    # Outside a request the history middleware has no user: name the actor on the row itself.
    report._history_user = actor
    report.save()


def _require_editable(report: ProgressReport) -> None:
    if report.status == Status.APPROVED:
        raise ValidationError({"status": _("已审核的报告已锁定；如需修改请提交更正。")}, code="locked")
    if report.status == Status.SUBMITTED:
        raise ValidationError({"status": _("报告已提交审核，审核前不能修改。")}, code="invalid_state")


# --- notifications -------------------------------------------------------------------------------


def _notify(*, report: ProgressReport, verb: str, actor, recipients: Iterable, note: str = "") -> None:
    people = {u.pk: u for u in recipients if u is not None and u.pk != getattr(actor, "pk", None)}
    if not people:
        return
    Notification.objects.bulk_create(
        Notification(recipient=u, actor=actor, verb=verb, report=report, note=note) for u in people.values()
    )
    subject = f"{report} · {Notification.Verb(verb).label}"
    body = "\n".join(filter(None, [subject, note and f"{_('审核意见')}: {note}"]))
    _mail_after_commit(subject, body, people.values())


def _mail_after_commit(subject: str, body: str, people: Iterable) -> None:
    """One message per person with an address (nobody sees the others' addresses), sent only once the
    write has committed, so nobody hears of a change that was rolled back. A mail server that is down or
    refuses is logged and never undoes or breaks the workflow: the notice is in the portal either way."""
    emails = [u.email for u in people if u.email]
    if not emails:
        return

    def send() -> None:
        messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in emails]
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:
            logger.exception("notification mail not sent", extra={"subject": subject, "recipients": len(emails)})

    transaction.on_commit(send, robust=True)


def _reviewers():
    return get_user_model().objects.filter(is_active=True, groups__name=roles.REVIEWER).distinct()


def _people_of(report: ProgressReport) -> list:
    return [report.created_by, *report.project.staff.all()]


@transaction.atomic
def notification_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def progress_reminders_send(*, today: dt.date | None = None) -> list[Notification]:
    """The monthly reminder: from the PORTAL_REMINDER_DAY of a month on, each active staff member with an
    assigned project whose month is neither submitted nor approved gets one notice (and one e-mail) for
    that month. Run daily; a second run in the same month reminds nobody again (one reminder per user and
    month, also held by a unique constraint)."""
    today = today or timezone.localdate()
    last_day = calendar.monthrange(today.year, today.month)[1]
    if today.day < min(settings.PORTAL_REMINDER_DAY, last_day):
        return []
    period = selectors.current_period(today)
    reminded = []
    with transaction.atomic():
        for user in selectors.staff_without_submitted_month(period=period):
            try:
                with transaction.atomic():
                    reminded.append(
                        Notification.objects.create(recipient=user, verb=Notification.Verb.REMINDER, period=period)
                    )
            except IntegrityError:
                continue  # a run beside this one reminded them first (and mails them)
        subject = _("%(month)s 的月度进度尚未提交") % {"month": f"{period:%Y-%m}"}
        body = _("您负责的项目中还有 %(month)s 的月度进度未提交审核，请登录门户的“我的项目”填报。") % {
            "month": f"{period:%Y-%m}"
        }
        _mail_after_commit(subject, body, [n.recipient for n in reminded])
    return reminded


# --- the workflow ---------------------------------------------------------------------------------


@transaction.atomic
def progress_report_create(
    *,
    project: Project,
    period: dt.date,
    actor,
    investment_completed: Decimal,
    physical_progress: int = 0,
    stage: str = "",
    workers_on_site: int = 0,
    narrative: str = "",
    explanation: str = "",
) -> ProgressReport:
    """A new draft for one project and month."""
    _require_reporter(actor, project)
    report = ProgressReport(
        project=project,
        period=period,
        investment_completed=investment_completed,
        physical_progress=physical_progress,
        stage=stage,
        workers_on_site=workers_on_site,
        narrative=narrative,
        explanation=explanation,
        created_by=actor,
    )
    _validate(report)
    _save(report, actor)
    return report


@transaction.atomic
def progress_report_update(*, report: ProgressReport, version: int, actor, **changes) -> ProgressReport:
    """Edits a draft or returned report, only if nobody saved it since `version` (else ConflictError)."""
    unknown = set(changes) - set(ProgressReport.EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("该字段不能修改。") for name in sorted(unknown)})
    _require_reporter(actor, report.project)
    report = _claim(report, version)
    _require_editable(report)
    for name, value in changes.items():
        setattr(report, name, value)
    _validate(report)
    _save(report, actor)
    return report


@transaction.atomic
def progress_report_submit(*, report: ProgressReport, actor, version: int | None = None) -> ProgressReport:
    _require_reporter(actor, report.project)
    report = _claim(report, version)
    if report.status not in (Status.DRAFT, Status.RETURNED):
        raise ValidationError({"status": _("只有草稿或退回的报告可以提交。")}, code="invalid_state")
    _validate(report)
    report.status = Status.SUBMITTED
    report.submitted_at = timezone.now()
    _save(report, actor)
    _notify(report=report, verb=Notification.Verb.SUBMITTED, actor=actor, recipients=_reviewers())
    return report


def _has_written(report: ProgressReport, user) -> bool:
    """Whether the user wrote any of the report: created it, or saved a change to it (the history has every
    save with its user). A reviewer who is also staff may not approve what they typed, whoever created it."""
    if report.created_by_id == user.pk:
        return True
    fields = ProgressReport.EDITABLE_FIELDS
    previous = None
    for record in report.history.order_by("history_date", "history_id"):
        # Reviewing (returning, approving) saves the report too; only a change of its content counts.
        wrote = previous is None or any(getattr(record, f) != getattr(previous, f) for f in fields)
        if wrote and record.history_user_id == user.pk:
            return True
        previous = record
    return False


@transaction.atomic
def progress_report_approve(*, report: ProgressReport, reviewer, version: int | None = None) -> ProgressReport:
    """Approves a submitted report; it is locked from now on and, if a correction, replaces its original."""
    _require_reviewer(reviewer)
    report = _claim(report, version)
    if report.status != Status.SUBMITTED:
        raise ValidationError({"status": _("只有待审核的报告可以审核通过。")}, code="invalid_state")
    if _has_written(report, reviewer):
        raise PermissionDenied(_("不能审核自己填报的报告。"))
    _validate(report)
    report.status = Status.APPROVED
    report.reviewed_by = reviewer
    report.reviewed_at = timezone.now()
    report.review_note = ""
    _save(report, reviewer)
    if report.corrects_id:
        original = _claim(report.corrects, None)
        original.is_superseded = True
        _save(original, reviewer)
    _notify(report=report, verb=Notification.Verb.APPROVED, actor=reviewer, recipients=_people_of(report))
    # The apps above this one (investment's roll-up) listen on hooks.progress_counted and queue after commit.
    progress_counted.send(sender=ProgressReport, project_id=report.project_id)
    return report


@transaction.atomic
def progress_reports_approve(*, reports: Iterable[ProgressReport], reviewer) -> list[ProgressReport]:
    """Approves several reports at once: all of them or, if one cannot be approved, none."""
    approved, errors = [], {}
    for report in reports:
        try:
            with transaction.atomic():
                approved.append(progress_report_approve(report=report, reviewer=reviewer))
        except (ValidationError, ConflictError, PermissionDenied) as exc:
            errors[str(report.pk)] = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    if errors:
        raise ValidationError({"reports": [f"#{pk}: {' '.join(msgs)}" for pk, msgs in errors.items()]})
    return approved


@transaction.atomic
def progress_report_return(
    *, report: ProgressReport, reviewer, review_note: str, version: int | None = None
) -> ProgressReport:
    """Sends a submitted report back to staff with a note saying what to fix."""
    _require_reviewer(reviewer)
    if not (review_note or "").strip():
        raise ValidationError({"review_note": _("退回时必须填写审核意见。")})
    report = _claim(report, version)
    if report.status != Status.SUBMITTED:
        raise ValidationError({"status": _("只有待审核的报告可以退回。")}, code="invalid_state")
    report.status = Status.RETURNED
    report.review_note = review_note.strip()
    report.reviewed_by = reviewer
    report.reviewed_at = timezone.now()
    _save(report, reviewer)
    _notify(
        report=report,
        verb=Notification.Verb.RETURNED,
        actor=reviewer,
        recipients=_people_of(report),
        note=report.review_note,
    )
    return report


@transaction.atomic
def progress_report_correct(*, original: ProgressReport, actor, **fields) -> ProgressReport:
    """A correction of an approved report: a new linked draft that goes through review again."""
    _require_reporter(actor, original.project)
    original = ProgressReport.objects.select_for_update().select_related("project").get(pk=original.pk)
    if original.status != Status.APPROVED or original.is_superseded:
        raise ValidationError({"corrects": _("只能更正已审核且未被更正的报告。")})
    if ProgressReport.objects.filter(corrects=original).exists():
        raise ValidationError({"corrects": _("该报告已有更正报告。")})
    unknown = set(fields) - set(ProgressReport.EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("该字段不能修改。") for name in sorted(unknown)})
    values = {name: getattr(original, name) for name in ProgressReport.EDITABLE_FIELDS} | fields
    report = ProgressReport(project=original.project, period=original.period, corrects=original, created_by=actor)
    for name, value in values.items():
        setattr(report, name, value)
    _validate(report)
    _save(report, actor)
    return report


# --- photos and issues -----------------------------------------------------------------------------


@transaction.atomic
def progress_photo_add(*, report: ProgressReport, file, actor, caption: str = "") -> ProgressPhoto:
    """Attaches a photo to a draft or returned report: a real JPEG, PNG or WebP picture of at most 5 MB and
    MAX_PHOTO_PIXELS, stored re-encoded under a name the portal chooses (photos.check_photo)."""
    _require_reporter(actor, report.project)
    _require_editable(report)
    size = getattr(file, "size", None)
    if size is None or size > photos.MAX_PHOTO_BYTES:
        raise ValidationError({"image": _("照片不能超过 5 MB。")})
    file.seek(0)
    data = file.read(photos.MAX_PHOTO_BYTES + 1)
    checked = photos.check_photo(data)
    # The hash of what was uploaded, so the same picture sent twice is recognised whatever its name.
    sha256 = hashlib.sha256(data).hexdigest()
    if report.photos.filter(sha256=sha256).exists():
        raise ValidationError({"image": _("这张照片已上传到该报告。")})
    photo = ProgressPhoto(
        report=report,
        caption=caption,
        captured_at=checked.captured_at,
        sha256=sha256,
        size=len(checked.content),
        uploaded_by=actor,
    )
    photo.image.save(f"photo.{checked.extension}", ContentFile(checked.content), save=False)
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def issue_raise(*, project: Project, description: str, actor, report: ProgressReport | None = None) -> ProjectIssue:
    _require_reporter(actor, project)
    issue = ProjectIssue(
        project=project, report=report, description=description, raised_by=actor, raised_on=timezone.localdate()
    )
    issue.full_clean()
    issue._history_user = actor
    issue.save()
    return issue


# The fields an obstacle's row version is computed from (shangdang_portal.row_versions): those its steps change.
ISSUE_VERSION_FIELDS = ("status", "department", "resolution")
# Left as they were by assign and resolve: who raised an obstacle may be a deleted account (SET_NULL).
_KEPT_ON_STEPS = ["raised_by"]


@transaction.atomic
def issue_assign(*, issue: ProjectIssue, department: str, actor, version: str | None = None) -> ProjectIssue:
    """Hand an obstacle to the department responsible (again, if it was already assigned)."""
    _require_issue_handler(actor)
    lock_and_check(ProjectIssue, issue.pk, version, ISSUE_VERSION_FIELDS)
    if issue.status == ProjectIssue.Status.RESOLVED:
        raise ValidationError({"status": _("已解决的问题不能再交办。")})
    if not (department or "").strip():
        raise ValidationError({"department": _("请填写责任部门。")})
    issue.department = department.strip()
    issue.status = ProjectIssue.Status.ASSIGNED
    issue.assigned_on = timezone.localdate()
    issue.full_clean(exclude=_KEPT_ON_STEPS)
    issue._history_user = actor
    issue.save()
    return issue


@transaction.atomic
def issue_resolve(*, issue: ProjectIssue, resolution: str, actor, version: str | None = None) -> ProjectIssue:
    """Close an assigned obstacle with a note on how it was resolved."""
    _require_issue_handler(actor)
    lock_and_check(ProjectIssue, issue.pk, version, ISSUE_VERSION_FIELDS)
    if issue.status != ProjectIssue.Status.ASSIGNED:
        raise ValidationError({"status": _("只有已交办的问题可以标记为解决。")})
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("请填写解决情况。")})
    issue.resolution = resolution.strip()
    issue.status = ProjectIssue.Status.RESOLVED
    issue.resolved_on = timezone.localdate()
    issue.full_clean(exclude=_KEPT_ON_STEPS)
    issue._history_user = actor
    issue.save()
    return issue


@transaction.atomic
def progress_report_save(
    *,
    project: Project,
    period: dt.date,
    actor,
    values: dict,
    version: int | None = None,
    photo=None,
    photo_caption: str = "",
    issue: str = "",
    submit: bool = False,
) -> ProgressReport:
    """What the staff form does in one go: create or edit the month's report, attach a photo, raise an
    obstacle and optionally submit; if any step fails nothing of it is kept."""
    current = selectors.open_report_for(project=project, period=period)
    if current is None:
        report = progress_report_create(project=project, period=period, actor=actor, **values)
    else:
        # A form rendered before the report existed carries no version: someone else created it since.
        report = progress_report_update(report=current, version=version or 0, actor=actor, **values)
    if photo is not None:
        progress_photo_add(report=report, file=photo, actor=actor, caption=photo_caption)
    if issue.strip():
        issue_raise(project=project, description=issue.strip(), actor=actor, report=report)
    if submit:
        report = progress_report_submit(report=report, actor=actor)
    return report
