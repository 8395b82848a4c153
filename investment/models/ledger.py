"""The district's project ledger (台账): each uploaded sheet kept with its preview and who applied it, and the
ledger's own year-to-date figure (1-N月完成投资), a source of its own beside approved progress."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shangdang_portal.money import MAX_MONEY, MONEY

from .campaigns import CampaignYear


class LedgerImport(models.Model):
    """One uploaded ledger file: previewed first, applied only when confirmed and every row is valid."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("待确认")
        APPLYING = "applying", _("导入中")
        APPLIED = "applied", _("已导入")
        REJECTED = "rejected", _("有错误，未导入")
        FAILED = "failed", _("导入失败，未保存")

    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("文件内容"))
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    summary = models.JSONField(_("预览摘要"), default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    error = models.TextField(_("失败原因"), blank=True)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class LedgerYearToDate(models.Model):
    """1-N月完成投资 as the ledger states it for a project and year. Never added to approved progress: the
    roll-ups keep it as its own source, and a project's signal falls back to it only while no progress
    report of the year is approved."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="ledger_year_to_date"
    )
    campaign_year = models.ForeignKey(
        CampaignYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="ledger_year_to_date"
    )
    months = models.PositiveSmallIntegerField(
        _("截至月份"), validators=[MinValueValidator(1), MaxValueValidator(12)], help_text=_("1-N月的N")
    )
    investment_completed = models.DecimalField(
        _("1-N月完成投资(万元)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_MONEY)], **MONEY
    )
    ledger_import = models.ForeignKey(
        LedgerImport, verbose_name=_("台账导入"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("台账1-N月完成投资")
        verbose_name_plural = _("台账1-N月完成投资")
        ordering = ["-campaign_year__year", "project"]
        constraints = [
            models.UniqueConstraint(fields=["project", "campaign_year"], name="ledger_ytd_once_per_year"),
            models.CheckConstraint(
                condition=Q(investment_completed__gte=0),
                name="ledger_ytd_not_negative",
                violation_error_message=_("完成投资不能为负数。"),
            ),
            models.CheckConstraint(condition=Q(months__gte=1, months__lte=12), name="ledger_ytd_months_in_year"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.campaign_year.year} 1-{self.months}月"
