"""The 重大项目建设年 campaign: indicators, campaign years with their signal rules, targets and annual plans."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shangdang_portal.money import AMOUNT, MONEY


class Indicator(models.Model):
    class Nature(models.TextChoices):
        CUMULATIVE = "cumulative", _("累计值")
        STOCK = "stock", _("存量/时点值")
        RATE = "rate", _("比率")
        COUNT = "count", _("计数")

    code = models.SlugField(_("代码"), max_length=50, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    nature = models.CharField(_("性质"), max_length=20, choices=Nature.choices)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class CampaignYear(models.Model):
    """A 重大项目建设年 campaign, with the signal rules officials set for that year."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    yellow_lag_points = models.DecimalField(_("黄灯：落后序时进度(百分点)"), max_digits=5, decimal_places=2, default=10)
    red_lag_points = models.DecimalField(_("红灯：落后序时进度(百分点)"), max_digits=5, decimal_places=2, default=30)
    red_not_started_months = models.PositiveSmallIntegerField(_("红灯：计划开工后未开工(月)"), default=3)
    # Set when the demo (`manage.py demo`) created the year; `demo --clear` removes it again.
    is_synthetic = models.BooleanField(_("合成数据"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重大项目建设年")
        verbose_name_plural = _("重大项目建设年")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(red_lag_points__gte=F("yellow_lag_points")),
                name="campaign_red_beyond_yellow",
                violation_error_message=_("红灯阈值必须不小于黄灯阈值。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Measure(models.TextChoices):
    LEVEL = "level", _("数值")
    GROWTH_YOY = "growth_yoy", _("同比增长")
    SHARE = "share", _("占比")


class Comparator(models.TextChoices):
    AT_LEAST = ">=", _("以上")
    AT_MOST = "<=", _("以内")
    ABOUT = "~", _("约")


class Target(models.Model):
    """A number to reach in a campaign year: indicator × region or park × year."""

    campaign_year = models.ForeignKey(
        CampaignYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="targets"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="targets")
    region = models.ForeignKey("parks.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="targets")
    park = models.ForeignKey("parks.Park", null=True, blank=True, on_delete=models.PROTECT, related_name="targets")
    measure = models.CharField(_("口径"), max_length=12, choices=Measure.choices, default=Measure.LEVEL)
    value = models.DecimalField(_("目标值"), **AMOUNT)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    comparator = models.CharField(_("比较"), max_length=2, choices=Comparator.choices, blank=True)
    source_figure = models.ForeignKey(
        "investment.Figure",
        verbose_name=_("来源数据"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["-campaign_year__year", "indicator__code"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(region__isnull=False) & Q(park__isnull=True))
                | (Q(region__isnull=True) & Q(park__isnull=False)),
                name="target_exactly_one_scope",
                violation_error_message=_("目标必须且只能属于一个区域或园区。"),
            ),
            models.UniqueConstraint(
                fields=["campaign_year", "indicator", "measure", "region"],
                condition=Q(region__isnull=False),
                name="target_once_per_region",
                violation_error_message=_("该区域该年度已有此指标目标。"),
            ),
            models.UniqueConstraint(
                fields=["campaign_year", "indicator", "measure", "park"],
                condition=Q(park__isnull=False),
                name="target_once_per_park",
                violation_error_message=_("该园区该年度已有此指标目标。"),
            ),
            models.CheckConstraint(
                condition=~Q(unit="万元", measure="level") | Q(value__gte=0),
                name="target_money_not_negative",
                violation_error_message=_("金额不能为负数。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_year.year} {self.region or self.park} {self.indicator}"


class AnnualPlan(models.Model):
    """年度计划投资: what a project plans to invest in one campaign year; the basis of its signal."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="annual_plans"
    )
    campaign_year = models.ForeignKey(
        CampaignYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="annual_plans"
    )
    planned_investment = models.DecimalField(
        _("年度计划投资(万元)"), validators=[MinValueValidator(0, _("年度计划投资不能为负数。"))], **MONEY
    )
    is_synthetic = models.BooleanField(_("合成数据"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        ordering = ["-campaign_year__year", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "campaign_year"],
                name="annual_plan_once_per_year",
                violation_error_message=_("该项目该年度已有年度计划。"),
            ),
            models.CheckConstraint(
                condition=Q(planned_investment__gte=0),
                name="annual_plan_not_negative",
                violation_error_message=_("年度计划投资不能为负数。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.campaign_year.year}"
