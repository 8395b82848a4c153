"""What the background jobs compute (see investment/rollups/): roll-up rows per scope, 三个一批 rates, the
四库 pipeline, project signals and the frozen rankings."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from projects.models import Pool, Signal
from shangdang_portal.money import AMOUNT, MONEY, POINTS

from .campaigns import CampaignYear, Indicator, Measure, Target
from .sources import Figure


class RollupSource(models.TextChoices):
    """Where an actual came from; rows of different sources stand side by side, never mixed."""

    PROGRESS = "progress", _("审核通过的月度进度")
    MILESTONES = "milestones", _("项目节点")
    REPORT = "report", _("报道数据")
    LEDGER = "ledger", _("台账1-N月完成投资")


class RollupScope(models.TextChoices):
    """The scopes roll-ups are kept for: a region or a park, each with everything below it."""

    REGION = "region", _("区域")
    PARK = "park", _("园区")


class TargetBasis(models.TextChoices):
    TARGET = "target", _("年度目标")
    ANNUAL_PLANS = "annual_plans", _("项目年度计划合计")
    NONE = "none", _("无目标")


def _scope_unique(model: str, fields: list[str]) -> list[models.UniqueConstraint]:
    return [
        models.UniqueConstraint(
            fields=[*fields, scope],
            condition=Q(**{f"{scope}__isnull": False}),
            name=f"{model}_once_per_{scope}",
        )
        for scope in ("region", "park")
    ]


def _region_or_park() -> Q:
    return Q(scope_kind="region", region__isnull=False, park__isnull=True) | Q(
        scope_kind="park", region__isnull=True, park__isnull=False
    )


class Rollup(models.Model):
    """One indicator for one scope (region or park, with everything below it) at one as-of date."""

    campaign_year = models.ForeignKey(
        CampaignYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="rollups"
    )
    as_of = models.DateField(_("截至日期"))
    scope_kind = models.CharField(_("范围"), max_length=10, choices=RollupScope.choices)
    region = models.ForeignKey(
        "parks.Region", verbose_name=_("区域"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(_("口径"), max_length=12, choices=Measure.choices, default=Measure.LEVEL)
    source = models.CharField(_("数据来源"), max_length=12, choices=RollupSource.choices)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    target = models.DecimalField(_("目标值"), null=True, blank=True, **AMOUNT)
    target_basis = models.CharField(_("目标依据"), max_length=12, choices=TargetBasis.choices)
    target_ref = models.ForeignKey(
        Target, verbose_name=_("目标"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actual = models.DecimalField(_("实际值"), null=True, blank=True, **AMOUNT)
    figure = models.ForeignKey(
        Figure, verbose_name=_("来源数据"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    project_count = models.PositiveIntegerField(_("项目数"), default=0)
    completion_rate = models.DecimalField(_("完成率(%)"), null=True, blank=True, **POINTS)
    elapsed_rate = models.DecimalField(_("序时进度(%)"), **POINTS)
    gap_points = models.DecimalField(_("差距(百分点)"), null=True, blank=True, **POINTS)
    gap_amount = models.DecimalField(_("差距(数值)"), null=True, blank=True, **AMOUNT)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("汇总")
        verbose_name_plural = _("汇总")
        ordering = ["-as_of", "indicator__code", "scope_kind", "region", "park", "source"]
        indexes = [models.Index(fields=["campaign_year", "as_of", "indicator"])]
        constraints = [
            models.CheckConstraint(condition=_region_or_park(), name="rollup_exactly_one_scope"),
            *_scope_unique("rollup", ["campaign_year", "as_of", "indicator", "measure", "source"]),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.region or self.park} {self.indicator} ({self.source})"


class BatchRate(models.Model):
    """A 三个一批 rate of one batch: the share of its projects that reached the next milestone."""

    class Kind(models.TextChoices):
        SIGNED_TO_STARTED = "signed_to_started_rate", _("签约一批开工率")
        STARTED_TO_PRODUCTION = "started_to_production_rate", _("开工一批投产率")
        PRODUCTION_TO_CAPACITY = "production_to_capacity_rate", _("投产一批达效率")

    batch = models.ForeignKey(
        "projects.Batch", verbose_name=_("三个一批批次"), on_delete=models.CASCADE, related_name="rates"
    )
    as_of = models.DateField(_("截至日期"))
    kind = models.CharField(_("比率"), max_length=30, choices=Kind.choices)
    formula = models.CharField(_("公式"), max_length=200)
    numerator = models.PositiveIntegerField(_("分子"))
    denominator = models.PositiveIntegerField(_("分母"))
    rate = models.DecimalField(_("比率(%)"), null=True, blank=True, **POINTS)
    numerator_project_ids = models.JSONField(_("分子项目"), default=list)
    denominator_project_ids = models.JSONField(_("分母项目"), default=list)
    reported_figure = models.ForeignKey(
        Figure, verbose_name=_("报道数据"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("三个一批比率")
        verbose_name_plural = _("三个一批比率")
        ordering = ["-as_of", "batch", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "as_of", "kind"], name="batch_rate_once"),
            models.CheckConstraint(condition=Q(numerator__lte=F("denominator")), name="batch_rate_at_most_all"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.get_kind_display()} {self.rate}"


class PipelinePool(models.Model):
    """四库: projects and their total investment in one pool of one scope, and the moves in and out."""

    POOLS = ["", *Pool.values]  # "" holds the projects not in any pool yet

    campaign_year = models.ForeignKey(
        CampaignYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="pipeline"
    )
    as_of = models.DateField(_("截至日期"))
    scope_kind = models.CharField(_("范围"), max_length=10, choices=RollupScope.choices)
    region = models.ForeignKey(
        "parks.Region", verbose_name=_("区域"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    pool = models.CharField(_("四库"), max_length=20, choices=[("", _("未入库")), *Pool.choices], blank=True)
    project_count = models.PositiveIntegerField(_("项目数"))
    total_investment = models.DecimalField(_("总投资(万元)"), **AMOUNT)
    moved_in = models.PositiveIntegerField(_("本年转入"))
    moved_out = models.PositiveIntegerField(_("本年转出"))
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("四库汇总")
        verbose_name_plural = _("四库汇总")
        ordering = ["-as_of", "scope_kind", "region", "park", "pool"]
        constraints = [
            models.CheckConstraint(condition=_region_or_park(), name="pipeline_exactly_one_scope"),
            *_scope_unique("pipeline", ["campaign_year", "as_of", "pool"]),
        ]


class ProjectSignal(models.Model):
    """红黄绿灯: the signal a project got at an as-of date, with the rule and the figures that set it.

    `gap_points` has the roll-up row's sign: completion − elapsed, negative when the project is behind."""

    class Rule(models.TextChoices):
        NOT_STARTED = "not_started", _("计划开工后逾期未开工")
        LAG_RED = "lag_red", _("落后序时进度超过红灯阈值")
        LAG_YELLOW = "lag_yellow", _("落后序时进度超过黄灯阈值")
        ON_TRACK = "on_track", _("符合序时进度")
        NO_PLAN = "no_plan", _("无年度计划，不按序时进度亮灯")

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="signals"
    )
    campaign_year = models.ForeignKey(
        CampaignYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="signals"
    )
    as_of = models.DateField(_("截至日期"))
    signal = models.CharField(_("亮灯"), max_length=10, blank=True, choices=Signal.choices)
    rule = models.CharField(_("规则"), max_length=20, choices=Rule.choices)
    reason = models.CharField(_("说明"), max_length=300)
    planned_investment = models.DecimalField(_("年度计划投资(万元)"), null=True, blank=True, **MONEY)
    actual = models.DecimalField(_("本年完成投资(万元)"), **MONEY)
    completion_rate = models.DecimalField(_("完成率(%)"), null=True, blank=True, **POINTS)
    elapsed_rate = models.DecimalField(_("序时进度(%)"), **POINTS)
    gap_points = models.DecimalField(_("差距(百分点)"), null=True, blank=True, **POINTS)
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    started_on = models.DateField(_("实际开工"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("项目亮灯")
        verbose_name_plural = _("项目亮灯")
        ordering = ["-as_of", "project"]
        indexes = [
            models.Index(fields=["campaign_year", "as_of", "signal"]),
            # The briefing's laggards, red before yellow and furthest behind first: its first rows in order.
            models.Index(fields=["campaign_year", "as_of", "signal", "gap_points"], name="signal_laggards"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["project", "campaign_year", "as_of"], name="project_signal_once"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.as_of} {self.signal or '-'}"


class Ranking(models.Model):
    """晾晒比拼: regions or parks ranked by completion; a published month is frozen (`frozen_at`)."""

    campaign_year = models.ForeignKey(
        CampaignYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="rankings"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("数据来源"), max_length=12, choices=RollupSource.choices)
    scope_kind = models.CharField(_("范围"), max_length=10, choices=RollupScope.choices)
    period = models.DateField(_("月份"), help_text=_("该月第一天"))
    as_of = models.DateField(_("截至日期"))
    frozen_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("晾晒比拼")
        verbose_name_plural = _("晾晒比拼")
        ordering = ["-period", "indicator", "scope_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_year", "indicator", "source", "scope_kind", "period"], name="ranking_once_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.indicator} {self.get_scope_kind_display()}"


class RankingEntry(models.Model):
    ranking = models.ForeignKey(Ranking, verbose_name=_("晾晒比拼"), on_delete=models.CASCADE, related_name="entries")
    rank = models.PositiveIntegerField(_("名次"))
    region = models.ForeignKey(
        "parks.Region", verbose_name=_("区域"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target = models.DecimalField(_("目标值"), null=True, blank=True, **AMOUNT)
    actual = models.DecimalField(_("实际值"), null=True, blank=True, **AMOUNT)
    completion_rate = models.DecimalField(_("完成率(%)"), **POINTS)

    class Meta:
        verbose_name = _("排名")
        verbose_name_plural = _("排名")
        ordering = ["ranking", "rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=False, park__isnull=True) | Q(region__isnull=True, park__isnull=False),
                name="ranking_entry_exactly_one_scope",
            ),
        ]


# --- Stored sums the incremental roll-up adds deltas to --------------------------------------------------------
# A project's tally holds what it adds to every scope above it; a scope's tally is the sum of its projects'.
# The same columns on both, so one project's change is a field-by-field difference applied up its chains.
TALLY_MONTHS = range(1, 13)
# The pool keys of PipelinePool.POOLS as column suffixes ("" = not in any pool yet).
TALLY_POOLS = {pool: pool or "none" for pool in PipelinePool.POOLS}
SIGNAL_KEYS = {"red": "red", "yellow": "yellow", "green": "green", "": "none"}


def tally_sum_fields() -> dict[str, models.Field]:
    """The summed columns shared by project and scope tallies."""
    fields: dict[str, models.Field] = {}
    for m in TALLY_MONTHS:
        fields[f"progress_m{m:02}"] = models.DecimalField(default=0, **AMOUNT)
        fields[f"reports_m{m:02}"] = models.PositiveIntegerField(default=0)
    fields["progress_projects"] = models.PositiveIntegerField(default=0)
    fields["plan_total"] = models.DecimalField(default=0, **AMOUNT)
    fields["plan_rows"] = models.PositiveIntegerField(default=0)
    fields["ledger_total"] = models.DecimalField(default=0, **AMOUNT)
    fields["ledger_projects"] = models.PositiveIntegerField(default=0)
    fields["started"] = models.PositiveIntegerField(default=0)
    fields["in_production"] = models.PositiveIntegerField(default=0)
    fields["signed"] = models.PositiveIntegerField(default=0)
    for key in TALLY_POOLS.values():
        fields[f"pool_{key}_projects"] = models.PositiveIntegerField(default=0)
        fields[f"pool_{key}_investment"] = models.DecimalField(default=0, **AMOUNT)
        fields[f"moved_in_{key}"] = models.PositiveIntegerField(default=0)
        fields[f"moved_out_{key}"] = models.PositiveIntegerField(default=0)
    return fields


TALLY_SUMS = list(tally_sum_fields())
# Per scope only: projects per signal, all projects and the public ones (what anonymous visitors see).
SIGNAL_COUNTS = [f"signal_{key}{public}" for public in ("", "_public") for key in SIGNAL_KEYS.values()]


class ProjectTally(models.Model):
    """What one project adds to its scopes at an as-of date (its region and park are kept with it, so a
    project that moves is taken out of the scopes it left)."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    campaign_year = models.ForeignKey(CampaignYear, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField(_("截至日期"))
    region_id_then = models.IntegerField(null=True)
    park_id_then = models.IntegerField(null=True)
    is_public = models.BooleanField(default=False)
    # What the signal rules read besides the sums.
    ledger_months = models.PositiveSmallIntegerField(null=True)
    has_started = models.BooleanField(default=False)
    started_on = models.DateField(null=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("项目汇总基数")
        verbose_name_plural = _("项目汇总基数")
        constraints = [
            models.UniqueConstraint(fields=["project", "campaign_year", "as_of"], name="project_tally_once"),
        ]


class ScopeTally(models.Model):
    """The stored sums of one scope at an as-of date: the roll-up rows, the 四库 rows, the signal counts and
    the monthly trend are all read from (or derived from) these."""

    campaign_year = models.ForeignKey(CampaignYear, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField(_("截至日期"))
    scope_kind = models.CharField(_("范围"), max_length=10, choices=RollupScope.choices)
    region = models.ForeignKey("parks.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    park = models.ForeignKey("parks.Park", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("范围汇总基数")
        verbose_name_plural = _("范围汇总基数")
        constraints = [
            models.CheckConstraint(condition=_region_or_park(), name="scope_tally_exactly_one_scope"),
            *_scope_unique("scope_tally", ["campaign_year", "as_of"]),
        ]


for _name, _field in tally_sum_fields().items():
    ProjectTally.add_to_class(_name, _field)
for _name, _field in tally_sum_fields().items():
    ScopeTally.add_to_class(_name, _field)
for _name in SIGNAL_COUNTS:
    ScopeTally.add_to_class(_name, models.PositiveIntegerField(default=0))


class RollupRun(models.Model):
    """One full roll-up: what it wrote and, where rows of that date were already stored (kept by the
    incremental path), the drift it found between them and the recomputation."""

    campaign_year = models.ForeignKey(CampaignYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField(_("截至日期"))
    started_at = models.DateTimeField(_("开始时间"))
    seconds = models.FloatField(_("用时(秒)"))
    rows_written = models.JSONField(_("写入行数"), default=dict)
    reconciled = models.BooleanField(_("核对"), default=False, help_text=_("该日期已有汇总，与重算结果逐行核对"))
    drift_rows = models.PositiveIntegerField(_("偏差行数"), default=0)
    drift_scopes = models.JSONField(_("偏差范围"), default=list)

    class Meta:
        verbose_name = _("汇总运行")
        verbose_name_plural = _("汇总运行")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.as_of} {self.started_at:%Y-%m-%d %H:%M} drift {self.drift_rows}"
