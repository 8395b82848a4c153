"""Candidate figures (候选数据): numbers the extractor found in a new source report, waiting in the review
queue until an official accepts one (it becomes a Figure), rejects it with a reason, or marks it as a
restatement of a figure already stored from another report."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shangdang_portal.money import AMOUNT

from .campaigns import Comparator, Indicator
from .sources import Figure, ScopeKind, SourceReport


class FigureCandidate(models.Model):
    class Kind(models.TextChoices):
        ACTUAL = "actual", _("实际")
        TARGET = "target", _("目标")
        CHANGE = "change", _("增减")
        RANK = "rank", _("排名")
        ATTRIBUTE = "attribute", _("属性")
        MILESTONE = "milestone", _("节点")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("已驳回")
        DUPLICATE = "duplicate", _("复述")

    source_report = models.ForeignKey(
        SourceReport, verbose_name=_("来源报道"), on_delete=models.CASCADE, related_name="candidates"
    )
    value = models.DecimalField(_("标准化数值"), **AMOUNT)
    unit = models.CharField(_("标准化单位"), max_length=20, blank=True)
    value_printed = models.CharField(_("原文数值"), max_length=30)
    unit_printed = models.CharField(_("原文单位"), max_length=20, blank=True)
    quote = models.TextField(_("原文"))
    quote_offset = models.PositiveIntegerField(_("原文位置"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    period_label = models.CharField(_("期间"), max_length=30, blank=True)
    period_start = models.DateField(_("期间开始"), null=True, blank=True)
    period_end = models.DateField(_("期间结束"), null=True, blank=True)
    # The scope as the extractor read it: a kind and the name printed, with the id of the register's row when
    # it knew the name (none: a proposed new region, park, project or company).
    scope_kind = models.CharField(_("范围"), max_length=10, choices=ScopeKind.choices, blank=True)
    scope_name = models.CharField(_("范围名称"), max_length=150, blank=True)
    scope_id = models.PositiveBigIntegerField(_("范围 id"), null=True, blank=True)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), null=True, blank=True, on_delete=models.PROTECT, related_name="candidates"
    )
    comparator = models.CharField(_("比较"), max_length=2, choices=Comparator.choices, blank=True)
    confidence = models.FloatField(_("置信度"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    extracted = models.JSONField(_("提取结果"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reject_reason = models.TextField(_("驳回理由"), blank=True)
    figure = models.OneToOneField(
        Figure,
        verbose_name=_("采纳为数据"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidate",
    )
    restates = models.ForeignKey(
        Figure,
        verbose_name=_("复述的数据"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="restating_candidates",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("候选数据")
        verbose_name_plural = _("候选数据")
        ordering = ["source_report", "quote_offset", "id"]
        indexes = [models.Index(fields=["source_report", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="candidate_rejected_has_reason",
                violation_error_message=_("驳回时必须说明理由。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="duplicate") | Q(restates__isnull=False),
                name="candidate_duplicate_names_figure",
                violation_error_message=_("复述必须指明已存储的数据。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value_printed}{self.unit_printed} · {self.source_report_id}"

    @property
    def quote_matches(self) -> bool:
        """Whether the quote stands at its offset in the report's text (a figure must)."""
        text = self.source_report.text
        return text[self.quote_offset : self.quote_offset + len(self.quote)] == self.quote
