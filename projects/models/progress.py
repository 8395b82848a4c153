"""The monthly progress workflow: progress reports, the obstacles (问题清单) and photos attached to them,
and the notifications their review sends."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shangdang_portal.money import MAX_MONEY, MONEY
from shangdang_portal.text import long_text_validators

from .register import Project

# Bounds of a monthly report checked by the services: no site in the district employs 100,000 people, and
# the campaign's records start long after 2000, so anything outside is a typing slip.
MAX_WORKERS = 100_000
EARLIEST_PERIOD = dt.date(2000, 1, 1)


class ProgressReportQuerySet(models.QuerySet):
    def counted(self) -> "ProgressReportQuerySet":
        """The one rule for which progress counts, used by the project pages, the API totals and the roll-ups:
        approved, not superseded, and with no approved correction. The last condition repeats what the
        superseded flag says, so a correction is never counted together with the report it replaces even if
        the flag was not set (rows written by hand or by an older import)."""
        approved = ProgressReport.Status.APPROVED
        corrected = ProgressReport.objects.filter(corrects=OuterRef("pk"), status=approved)
        return self.filter(status=approved, is_superseded=False).exclude(Exists(corrected))


class ProgressReport(models.Model):
    """One project's progress for one month. Only counted reports (`ProgressReport.objects.counted()`) count."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已审核")
        RETURNED = "returned", _("已退回")

    # What staff type in for a month: the form, the API write serializers, the services and the XLSX
    # template all read this one list; everything else is set by the workflow.
    EDITABLE_FIELDS = (
        "investment_completed",
        "physical_progress",
        "stage",
        "workers_on_site",
        "narrative",
        "explanation",
    )

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    period = models.DateField(_("月份"), help_text=_("该月第一天"))
    investment_completed = models.DecimalField(
        _("本月完成投资(万元)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_MONEY)], **MONEY
    )
    physical_progress = models.PositiveSmallIntegerField(
        _("形象进度(%)"), validators=[MaxValueValidator(100)], default=0
    )
    stage = models.CharField(_("形象进度描述"), max_length=200, blank=True)
    workers_on_site = models.PositiveIntegerField(_("在岗人数"), default=0)
    narrative = models.TextField(_("进展情况"), blank=True, validators=long_text_validators())
    explanation = models.TextField(_("超总投资说明"), blank=True, validators=long_text_validators())
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField(_("审核意见"), blank=True, validators=long_text_validators())
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("更正的报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    is_superseded = models.BooleanField(_("已被更正"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=1)
    # Blank for rows that came from the report data or the synthetic generator rather than from staff.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("合成数据"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度进度")
        verbose_name_plural = _("月度进度")
        ordering = ["-period", "project"]
        indexes = [
            models.Index(fields=["status", "period"]),
            models.Index(fields=["project", "period"]),
            # The newest approvals (the big screen's and the overview's feed) read in order, LIMIT first.
            models.Index(
                F("reviewed_at").desc(nulls_last=True),
                F("period").desc(),
                F("id").desc(),
                condition=Q(status="approved"),
                name="progress_newest_approved",
            ),
            # The report list's default order (newest month first, then project): the page's reports are
            # read from this index alone, without touching the table.
            models.Index(fields=["period", "project", "id"], name="progress_period_project"),
            models.Index(fields=["is_synthetic"], condition=Q(is_synthetic=True), name="progress_synthetic"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period"],
                condition=Q(corrects__isnull=True),
                name="progress_one_report_per_month",
                violation_error_message=_("该项目本月已有进度报告；请更正原报告。"),
            ),
            models.CheckConstraint(
                condition=Q(investment_completed__gte=0),
                name="progress_investment_not_negative",
                violation_error_message=_("完成投资不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(physical_progress__lte=100),
                name="progress_physical_at_most_100",
                violation_error_message=_("形象进度不能超过 100%。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.period:%Y-%m}"

    def clean(self) -> None:
        if self.period and self.period.day != 1:
            raise ValidationError({"period": _("月份必须是该月第一天。")})


class ProjectIssue(models.Model):
    """问题清单: an obstacle raised during construction, assigned to a department and resolved."""

    class Status(models.TextChoices):
        RAISED = "raised", _("已提出")
        ASSIGNED = "assigned", _("已交办")
        RESOLVED = "resolved", _("已解决")

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="issues")
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("提出问题的进度报告"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issues",
    )
    description = models.TextField(_("问题描述"), validators=long_text_validators())
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RAISED)
    department = models.CharField(_("责任部门"), max_length=100, blank=True)
    resolution = models.TextField(_("解决情况"), blank=True, validators=long_text_validators())
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_on = models.DateField(_("提出日期"))
    assigned_on = models.DateField(_("交办日期"), null=True, blank=True)
    resolved_on = models.DateField(_("解决日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="raised") | ~Q(department=""),
                name="issue_assigned_has_department",
                violation_error_message=_("交办的问题必须有责任部门。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_on__isnull=False),
                name="issue_resolved_has_date",
                violation_error_message=_("已解决的问题必须有解决日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.description[:30]}"


def _photo_path(instance: "ProgressPhoto", filename: str) -> str:
    # Named by content hash so the same picture uploaded twice is one file on disk. `filename` is the name
    # the service gives (photo.jpg, photo.png, photo.webp: the detected format), never the uploader's.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"progress/{instance.sha256[:2]}/{instance.sha256}.{suffix}"


class ProgressPhoto(models.Model):
    """A 形象进度 photo attached to a progress report; checked to be an image, hashed, capture time kept."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("进度报告"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("照片"), upload_to=_photo_path)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    captured_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("文件大小(字节)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("进度照片")
        verbose_name_plural = _("进度照片")
        ordering = ["report", "captured_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "sha256"],
                name="photo_once_per_report",
                violation_error_message=_("这张照片已上传到该报告。"),
            ),
        ]

    def __str__(self) -> str:
        return self.caption or self.sha256[:12]

    def get_absolute_url(self) -> str:
        # Served by the portal behind the report's permission, never straight from MEDIA_ROOT.
        return reverse("progress:photo", args=[self.pk])


class Notification(models.Model):
    """A message in the portal for one user: a step of a progress report's review, or the monthly reminder
    that a month is not submitted yet (also sent by e-mail when the user has an address)."""

    class Verb(models.TextChoices):
        SUBMITTED = "submitted", _("提交了进度报告")
        APPROVED = "approved", _("审核通过了进度报告")
        RETURNED = "returned", _("退回了进度报告")
        REMINDER = "reminder", _("月度进度尚未提交")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verb = models.CharField(_("动作"), max_length=12, choices=Verb.choices)
    # A reminder is about a month, not one report.
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("进度报告"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    period = models.DateField(_("月份"), null=True, blank=True)
    # Kept on the notice itself: the report's review note is replaced when it is returned again.
    note = models.TextField(_("审核意见"), blank=True, validators=long_text_validators())
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            # The daily reminder job may run any number of times: one reminder per user and month.
            models.UniqueConstraint(
                fields=["recipient", "period"],
                condition=Q(verb="reminder"),
                name="notification_one_reminder_per_month",
            ),
            models.CheckConstraint(
                condition=Q(verb="reminder", period__isnull=False) | (~Q(verb="reminder") & Q(report__isnull=False)),
                name="notification_has_subject",
            ),
        ]

    def __str__(self) -> str:
        if self.verb == self.Verb.REMINDER:
            return f"{self.get_verb_display()} {self.period:%Y-%m}"
        return f"{self.actor} {self.get_verb_display()} {self.report}"


def counted_reports() -> models.QuerySet[ProgressReport]:
    """The reports that count anywhere (the rule is `ProgressReportQuerySet.counted`). Beside the model so the
    register (project lists), the progress workflow and the roll-ups share this one rule."""
    return ProgressReport.objects.counted()
