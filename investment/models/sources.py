"""Source reports (来源报道) and the figures quoted from them.

Every number the portal shows is a Figure: value as printed beside the normalised Decimal, and the
exact quote at its character offset in the report text (also checked by a database trigger).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shangdang_portal.money import AMOUNT

from .campaigns import Comparator, Indicator, Measure


class SourceReport(models.Model):
    file_name = models.CharField(_("文件名"), max_length=100, unique=True)
    title = models.CharField(_("标题"), max_length=300)
    publisher = models.CharField(_("发布者"), max_length=200, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    published_label = models.CharField(_("发布时间(原文精度)"), max_length=20, blank=True)
    covers = models.CharField(_("内容范围"), max_length=300, blank=True)
    text = models.TextField(_("全文"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    source_url = models.URLField(_("来源地址"), max_length=500, blank=True)
    # Who brought the report in through the portal; empty for the curated reports of import_reports.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("添加人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now=True)

    class Meta:
        verbose_name = _("来源报道")
        verbose_name_plural = _("来源报道")
        ordering = ["-published_on", "file_name"]

    def __str__(self) -> str:
        return self.title


class ScopeKind(models.TextChoices):
    REGION = "region", _("区域")
    PARK = "park", _("园区")
    PROJECT = "project", _("项目")
    COMPANY = "company", _("企业")


def _exactly_one_scope(kind: str, fields: list[str]) -> Q:
    q = Q(scope_kind=kind)
    for f in fields:
        q &= Q(**{f"{f}__isnull": f != kind})
    return q


SCOPE_FIELDS = ["region", "park", "project", "company"]


class Figure(models.Model):
    """One number printed in a report, as printed and normalised, with its exact quote."""

    class Kind(models.TextChoices):
        ACTUAL = "actual", _("实际")
        TARGET = "target", _("目标")
        RATE = "rate", _("比率")
        ATTRIBUTE = "attribute", _("属性")

    source_report = models.ForeignKey(
        SourceReport, verbose_name=_("来源报道"), on_delete=models.PROTECT, related_name="figures"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), null=True, blank=True, on_delete=models.PROTECT, related_name="figures"
    )
    subject = models.CharField(_("事项"), max_length=200, blank=True)
    scope_kind = models.CharField(_("范围"), max_length=10, choices=ScopeKind.choices)
    region = models.ForeignKey("parks.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="figures")
    park = models.ForeignKey("parks.Park", null=True, blank=True, on_delete=models.PROTECT, related_name="figures")
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="figures"
    )
    company = models.ForeignKey(
        "projects.Company", null=True, blank=True, on_delete=models.PROTECT, related_name="figures"
    )
    period_label = models.CharField(_("期间"), max_length=30, blank=True)
    period_start = models.DateField(_("期间开始"), null=True, blank=True)
    period_end = models.DateField(_("期间结束"), null=True, blank=True)
    value_printed = models.CharField(_("原文数值"), max_length=30)
    unit_printed = models.CharField(_("原文单位"), max_length=20, blank=True)
    value = models.DecimalField(_("标准化数值"), **AMOUNT)
    unit = models.CharField(_("标准化单位"), max_length=20, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    measure = models.CharField(_("口径"), max_length=12, choices=Measure.choices, default=Measure.LEVEL)
    comparator = models.CharField(_("比较"), max_length=2, choices=Comparator.choices, blank=True)
    quote = models.TextField(_("原文"))
    quote_offset = models.PositiveIntegerField(_("原文位置"))
    note = models.TextField(_("备注"), blank=True)
    # A restatement: the same figure printed again by another report; both are kept, the later one points here.
    restates = models.ForeignKey(
        "self",
        verbose_name=_("复述自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="restatements",
    )
    is_synthetic = models.BooleanField(_("合成数据"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("数据")
        verbose_name_plural = _("数据")
        ordering = ["source_report", "quote_offset", "id"]
        indexes = [
            models.Index(fields=["indicator", "scope_kind"]),
            models.Index(fields=["period_end"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_scope("region", SCOPE_FIELDS)
                | _exactly_one_scope("park", SCOPE_FIELDS)
                | _exactly_one_scope("project", SCOPE_FIELDS)
                | _exactly_one_scope("company", SCOPE_FIELDS),
                name="figure_exactly_one_scope",
                violation_error_message=_("数据必须且只能属于一个范围(区域、园区、项目或企业)。"),
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="figure_period_end_not_before_start",
                violation_error_message=_("期间结束不能早于期间开始。"),
            ),
            models.CheckConstraint(
                condition=~Q(unit="万元", measure="level") | Q(value__gte=0),
                name="figure_money_not_negative",
                violation_error_message=_("金额不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(indicator__isnull=False) | ~Q(subject=""),
                name="figure_has_indicator_or_subject",
                violation_error_message=_("数据必须有指标或事项说明。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator or self.subject}: {self.value_printed}{self.unit_printed}"

    @property
    def scope(self):
        return getattr(self, self.scope_kind)

    def clean(self) -> None:
        if self.source_report_id and self.quote:
            at = self.source_report.text.find(self.quote, self.quote_offset or 0)
            if self.source_report.text[self.quote_offset : self.quote_offset + len(self.quote)] != self.quote:
                raise ValidationError({"quote": _("原文不在报道的该位置(找到的位置: %(at)s)。") % {"at": at}})
        if self.restates_id and self.source_report_id and self.restates.source_report_id == self.source_report_id:
            raise ValidationError({"restates": _("复述的数据必须来自另一篇报道。")})


class MilestoneSource(models.Model):
    """Where a milestone's date was read: the source report and its sentence, verbatim. Provenance is the
    sources' concern, so it points down at the milestone rather than the milestone pointing up here."""

    milestone = models.OneToOneField(
        "projects.Milestone", verbose_name=_("节点"), on_delete=models.CASCADE, related_name="source"
    )
    source_report = models.ForeignKey(
        SourceReport, verbose_name=_("来源报道"), on_delete=models.PROTECT, related_name="milestone_sources"
    )
    quote = models.TextField(_("原文"), blank=True)

    class Meta:
        verbose_name = _("节点来源")
        verbose_name_plural = _("节点来源")
        ordering = ["milestone"]

    def __str__(self) -> str:
        return f"{self.milestone} · {self.source_report}"
