"""The project register: companies, projects, 三个一批 batches and milestones, contacts (三个一), 四库
moves, their choices, and the id bound the other apps share."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shangdang_portal.money import MAX_MONEY, MONEY
from shangdang_portal.text import long_text_validators

# The largest id a database row can have (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class Company(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    region = models.ForeignKey("parks.Region", verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT)
    description = models.TextField(_("说明"), blank=True, validators=long_text_validators())
    is_synthetic = models.BooleanField(_("合成数据"), default=False)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChainLeader(models.Model):
    """链主企业: the company that leads an industry chain; a chain has at most one. Kept on this side so
    parks needs no link to the companies above it."""

    chain = models.OneToOneField(
        "parks.IndustryChain", verbose_name=_("产业链"), on_delete=models.CASCADE, related_name="leader"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("链主企业"), on_delete=models.CASCADE, related_name="led_chains"
    )

    class Meta:
        verbose_name = _("链主企业")
        verbose_name_plural = _("链主企业")
        ordering = ["chain"]

    def __str__(self) -> str:
        return f"{self.chain} · {self.company}"


class Category(models.TextChoices):
    INDUSTRY = "industry", _("产业")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    PUBLIC_WELFARE = "public_welfare", _("民生")
    ECOLOGY = "ecology", _("生态")
    SERVICE = "service", _("服务业")


class ConstructionType(models.TextChoices):
    NEW = "new", _("新建")
    CONTINUING = "continuing", _("续建")
    EXPANSION = "expansion", _("扩建")
    RENOVATION = "renovation", _("技改")


class PriorityLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("省级重点")
    CITY = "city", _("市级重点")
    DISTRICT = "district", _("区级重点")


class Pool(models.TextChoices):
    """四库: the pools a project moves through."""

    PLANNING = "planning", _("谋划库")
    RESERVE = "reserve", _("储备库")
    CONSTRUCTION = "construction", _("建设库")
    OPERATING = "operating", _("达产达效库")


class Signal(models.TextChoices):
    """红黄绿灯: set by the roll-ups, explained by the stored ProjectSignal."""

    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


class DatePrecision(models.TextChoices):
    """How precise a date is as its source wrote it: 2025-03-15, 2025年3月 or 2025年 (stored as the first day)."""

    DAY = "day", _("日")
    MONTH = "month", _("月")
    YEAR = "year", _("年")


class Project(models.Model):
    # 项目编号: the ledger's stable key; blank until a ledger gives one (NULL, so blanks do not collide).
    code = models.CharField(_("项目编号"), max_length=50, unique=True, null=True, blank=True)
    name = models.CharField(_("项目名称"), max_length=150, unique=True)
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    region = models.ForeignKey(
        "parks.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="projects"
    )
    park = models.ForeignKey(
        "parks.Park",
        verbose_name=_("园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    industry_chain = models.ForeignKey(
        "parks.IndustryChain",
        verbose_name=_("产业链"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("建设单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    category = models.CharField(_("项目类别"), max_length=20, choices=Category.choices, blank=True)
    construction_type = models.CharField(_("建设性质"), max_length=20, choices=ConstructionType.choices, blank=True)
    priority_level = models.CharField(_("重点级别"), max_length=20, choices=PriorityLevel.choices, blank=True)
    is_major = models.BooleanField(_("重大项目"), default=False)
    pool = models.CharField(_("四库"), max_length=20, choices=Pool.choices, blank=True)
    total_investment = models.DecimalField(
        _("总投资(万元)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_MONEY)],
        **MONEY,
    )
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    planned_end = models.DateField(_("计划竣工"), null=True, blank=True)
    capacity = models.CharField(_("建设规模/产能"), max_length=300, blank=True)
    scale_value = models.DecimalField(_("规模数值"), max_digits=20, decimal_places=4, null=True, blank=True)
    scale_unit = models.CharField(_("规模单位"), max_length=20, blank=True)
    description = models.TextField(_("建设内容"), blank=True, validators=long_text_validators())
    responsible_unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    note = models.TextField(_("备注"), blank=True, validators=long_text_validators())
    in_statistics = models.BooleanField(_("入库入统"), default=False)
    is_public = models.BooleanField(_("公开"), default=True)
    signal = models.CharField(_("亮灯"), max_length=10, choices=Signal.choices, blank=True)
    is_synthetic = models.BooleanField(_("合成数据"), default=False)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人员"), blank=True, related_name="assigned_projects"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[])

    # What services, the API and the admin may write; the rest is set by the roll-ups or the importer.
    EDITABLE_FIELDS = (
        "name",
        "aliases",
        "region",
        "park",
        "industry_chain",
        "company",
        "category",
        "construction_type",
        "priority_level",
        "is_major",
        "pool",
        "total_investment",
        "planned_start",
        "planned_end",
        "capacity",
        "scale_value",
        "scale_unit",
        "description",
        "in_statistics",
        "is_public",
        "code",
        "responsible_unit",
        "longitude",
        "latitude",
        "note",
    )

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["region", "pool"]),
            models.Index(fields=["park"]),
            models.Index(fields=["signal"]),
            # The list's category and region filters and their COUNT, also for anonymous callers (is_public),
            # answered from the index alone.
            models.Index(fields=["category", "region"], include=["is_public"], name="project_category_region"),
            # The demo banner asks on every page whether any synthetic row exists: a partial index
            # answers that without reading the table.
            models.Index(fields=["is_synthetic"], condition=Q(is_synthetic=True), name="project_synthetic"),
            # The map draws the largest projects first: their first thousand read in order from here (on
            # PostgreSQL; SQLite cannot index NULLS LAST, see the migration).
            models.Index(F("total_investment").desc(nulls_last=True), "name", "id", name="project_largest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__isnull=True) | Q(total_investment__gte=0),
                name="project_total_investment_not_negative",
                violation_error_message=_("总投资不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="project_end_not_before_start",
                violation_error_message=_("计划竣工日期不能早于计划开工日期。"),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True, latitude__isnull=True)
                | Q(longitude__isnull=False, latitude__isnull=False),
                name="project_coordinates_both_or_none",
                violation_error_message=_("经度和纬度须同时填写。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Batch(models.Model):
    """One round of the 三个一批 campaign, in which projects are announced as signed/started/producing; a
    ledger names it as "2026年第二批开工" (year, round, kind)."""

    class Kind(models.TextChoices):
        SIGNED = "signed", _("签约")
        STARTED = "started", _("开工")
        IN_PRODUCTION = "in_production", _("投产")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    held_on = models.DateField(_("举行日期"), null=True, blank=True)
    region = models.ForeignKey("parks.Region", verbose_name=_("区域"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("批次"), null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, blank=True)
    is_synthetic = models.BooleanField(_("合成数据"), default=False)

    class Meta:
        verbose_name = _("三个一批批次")
        verbose_name_plural = _("三个一批批次")
        ordering = ["-held_on", "name"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    class Kind(models.TextChoices):
        SIGNED = "signed", _("签约")
        LAND_GRANTED = "land_granted", _("供地")
        STARTED = "started", _("开工")
        TOPPED_OUT = "topped_out", _("封顶")
        IN_PRODUCTION = "in_production", _("投产")
        AT_CAPACITY = "at_capacity", _("达产达效")
        COMPLETED = "completed", _("竣工")

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("节点"), max_length=20, choices=Kind.choices)
    planned_date = models.DateField(_("计划日期"), null=True, blank=True)
    planned_precision = models.CharField(
        _("计划日期精度"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    actual_date = models.DateField(_("实际日期"), null=True, blank=True)
    date_precision = models.CharField(
        _("日期精度"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("报道只写到年或月时，日期存为该年/月第一天，显示时只显示到该精度。"),
    )
    # A ledger may say 已开工 / 已投产 without a date: reached, but counted in no month or year.
    reached_undated = models.BooleanField(_("已完成(日期不详)"), default=False)
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("三个一批批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
    )
    # Where the date was read (report and quote) is investment.MilestoneSource, owned by the sources.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        ordering = ["project", "actual_date", "planned_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind"],
                name="milestone_once_per_project",
                violation_error_message=_("该项目已有此节点。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"

    @property
    def actual_date_label(self) -> str:
        """The actual date only as precise as the source: "2025", "2025-03" or "2025-03-18"."""
        if not self.actual_date:
            return _("已完成(日期不详)") if self.reached_undated else ""
        return date_label(self.actual_date, self.date_precision)

    @property
    def planned_date_label(self) -> str:
        return date_label(self.planned_date, self.planned_precision) if self.planned_date else ""

    @property
    def is_reached(self) -> bool:
        return self.actual_date is not None or self.reached_undated


def date_label(day, precision: str) -> str:
    return day.strftime({"year": "%Y", "month": "%Y-%m"}.get(precision, "%Y-%m-%d"))


class ProjectContact(models.Model):
    """包联 "三个一": a leader, a full-time officer and a liaison for each key project."""

    class Role(models.TextChoices):
        LEADER = "leader", _("包联领导")
        OFFICER = "officer", _("专职推进干部")
        LIAISON = "liaison", _("常驻联络员")

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices)
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("包联人员")
        verbose_name_plural = _("包联人员")
        ordering = ["project", "role"]
        constraints = [
            models.UniqueConstraint(fields=["project", "role"], name="contact_one_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class PoolMove(models.Model):
    """A project's move between the 四库 pools, kept for the pipeline's flow charts."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="pool_moves")
    from_pool = models.CharField(_("原库"), max_length=20, choices=Pool.choices, blank=True)
    to_pool = models.CharField(_("新库"), max_length=20, choices=Pool.choices)
    moved_on = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("四库变动")
        verbose_name_plural = _("四库变动")
        ordering = ["-moved_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_pool=F("to_pool")),
                name="pool_move_changes_pool",
                violation_error_message=_("新库必须不同于原库。"),
            ),
        ]
