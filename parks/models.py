"""Regions (city > district/county), the park tree (zone > sub-park > cluster), chains and towns."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shangdang_portal.coordinates import check_coordinates


class Region(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区")
        COUNTY = "county", _("县")

    name = models.CharField(_("名称"), max_length=50, unique=True)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="city") | Q(parent__isnull=False),
                name="region_district_has_parent",
                violation_error_message=_("区县必须属于一个市。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Park(models.Model):
    """A node of the park tree. Which kinds may nest is also enforced by a database trigger."""

    class Kind(models.TextChoices):
        DEVELOPMENT_ZONE = "development_zone", _("开发区")
        SUB_PARK = "sub_park", _("园区")
        CLUSTER = "cluster", _("园中园")

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        CITY = "city", _("市级")

    ALLOWED_PARENTS = {
        Kind.DEVELOPMENT_ZONE: set(),
        Kind.SUB_PARK: {Kind.DEVELOPMENT_ZONE},
        Kind.CLUSTER: {Kind.DEVELOPMENT_ZONE, Kind.SUB_PARK},
    }

    name = models.CharField(_("名称"), max_length=100, unique=True)
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region = models.ForeignKey(Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="parks")
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices, blank=True)
    area_km2 = models.DecimalField(_("面积(平方公里)"), max_digits=10, decimal_places=3, null=True, blank=True)
    approved_on = models.DateField(_("批准设立"), null=True, blank=True)
    leading_industries = models.JSONField(_("主导产业"), default=list, blank=True)
    supporting_industries = models.JSONField(_("辅助产业"), default=list, blank=True)
    description = models.TextField(_("简介"), blank=True)
    # The park's point on the map (a gate or its centre), set in the back office; without it, the park and
    # its projects without a point of their own are drawn at their region's point.
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

    class Meta:
        verbose_name = _("园区")
        verbose_name_plural = _("园区")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="development_zone", parent__isnull=True)
                | (~Q(kind="development_zone") & Q(parent__isnull=False)),
                name="park_parent_matches_kind",
                violation_error_message=_("开发区不能有上级；园区和园中园必须有上级。"),
            ),
            models.CheckConstraint(
                condition=Q(area_km2__isnull=True) | Q(area_km2__gt=0),
                name="park_area_positive",
                violation_error_message=_("面积必须大于 0。"),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True, latitude__isnull=True)
                | Q(longitude__isnull=False, latitude__isnull=False),
                name="park_coordinates_both_or_none",
                violation_error_message=_("经度和纬度须同时填写。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problem = check_coordinates(self.longitude, self.latitude)
        if problem:
            keys, message = problem
            raise ValidationError(dict.fromkeys(keys, message))
        if not self.parent_id:
            return  # the check constraint says whether this kind needs a parent
        if self.kind == self.Kind.DEVELOPMENT_ZONE:
            raise ValidationError({"parent": _("开发区不能有上级；园区和园中园必须有上级。")})
        if self.parent.kind not in self.ALLOWED_PARENTS[self.kind]:
            raise ValidationError(
                {
                    "parent": _("%(kind)s 的上级不能是 %(parent)s。")
                    % {"kind": self.get_kind_display(), "parent": self.parent.get_kind_display()}
                }
            )


class PlatformCompany(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    park = models.ForeignKey(
        Park,
        verbose_name=_("园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="platform_companies",
    )
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("平台公司")
        verbose_name_plural = _("平台公司")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IndustryChain(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT)
    # The chain's leading company (链主企业) is projects.ChainLeader, beside the companies.
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SpecialtyTown(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="towns")
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("专业镇")
        verbose_name_plural = _("专业镇")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InnovationOutpost(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    city = models.CharField(_("所在城市"), max_length=30, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("所属区域"), on_delete=models.PROTECT)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("科创飞地")
        verbose_name_plural = _("科创飞地")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
