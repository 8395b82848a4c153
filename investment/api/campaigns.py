"""Planning inputs over the API: annual plans, targets and campaign years (their signal rules). Anyone reads what
the selectors show; officials and admins write, through the campaign services (history, roll-up on commit).

None of these rows has a version column: the ETag is a hash of the fields a writer may change
(shangdang_portal.row_versions). A change or delete must send it in If-Match (or a `version` field in the body);
none at all answers 428, a stale one 412 (If-Match) or 409 (body), with what changed.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from parks.models import Park, Region
from projects.selectors import visible_projects
from shangdang_portal.money import AMOUNT, MAX_MONEY, MONEY
from shangdang_portal.row_versions import row_version
from shangdang_portal.serializers import RefSerializer
from shangdang_portal.viewsets import RowVersionedViewSet, row_versioned_schema

from ..campaigns import selectors, services
from ..filtersets import AnnualPlanFilterSet, CampaignYearFilterSet, TargetFilterSet
from ..models import AnnualPlan, Comparator, Indicator, Measure
from .serializers import CampaignYearSerializer, TargetSerializer

YEAR = {"min_value": 2000, "max_value": 2100}
VERSION_HELP = _('或通过 If-Match: "<etag>" 请求头提供')


def _version_field():
    return serializers.CharField(required=False, write_only=True, help_text=VERSION_HELP)


# --- serializers ----------------------------------------------------------------------------------


class AnnualPlanSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign_year.year", read_only=True)
    project = RefSerializer(read_only=True)
    region = RefSerializer(source="project.region", read_only=True, allow_null=True)
    park = RefSerializer(source="project.park", read_only=True, allow_null=True)
    version = serializers.SerializerMethodField(help_text=_("该记录的 ETag(不含引号)"))

    class Meta:
        model = AnnualPlan
        fields = ["id", "year", "project", "region", "park", "planned_investment", "version"]

    def get_version(self, plan) -> str:
        return row_version(plan, services.ANNUAL_PLAN_VERSION_FIELDS)


class AnnualPlanCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField(help_text=_("项目 id"))
    year = serializers.IntegerField(**YEAR, help_text=_("年度；尚无该年度时按上一年度的规则新建"))
    planned_investment = serializers.DecimalField(**MONEY, min_value=0, max_value=MAX_MONEY, help_text=_("万元"))


class AnnualPlanUpdateSerializer(serializers.Serializer):
    planned_investment = serializers.DecimalField(**MONEY, min_value=0, max_value=MAX_MONEY, help_text=_("万元"))
    version = _version_field()


class TargetReadSerializer(TargetSerializer):
    version = serializers.SerializerMethodField(help_text=_("该记录的 ETag(不含引号)"))

    class Meta(TargetSerializer.Meta):
        fields = [*TargetSerializer.Meta.fields, "version"]

    def get_version(self, target) -> str:
        return row_version(target, services.TARGET_VERSION_FIELDS)


class TargetWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(**YEAR, help_text=_("年度；尚无该年度时按上一年度的规则新建"))
    indicator = serializers.SlugRelatedField(
        slug_field="code", queryset=Indicator.objects.all(), help_text=_("指标代码")
    )
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), allow_null=True, required=False, help_text=_("区域 id(与园区二选一)")
    )
    park = serializers.PrimaryKeyRelatedField(
        queryset=Park.objects.all(), allow_null=True, required=False, help_text=_("园区 id(与区域二选一)")
    )
    measure = serializers.ChoiceField(choices=Measure.choices, required=False)
    value = serializers.DecimalField(**AMOUNT)
    unit = serializers.CharField(max_length=20, allow_blank=True, required=False)
    comparator = serializers.ChoiceField(choices=Comparator.choices, allow_blank=True, required=False)
    version = _version_field()


class CampaignYearReadSerializer(CampaignYearSerializer):
    version = serializers.SerializerMethodField(help_text=_("该记录的 ETag(不含引号)"))

    class Meta(CampaignYearSerializer.Meta):
        fields = [*CampaignYearSerializer.Meta.fields, "version"]

    def get_version(self, campaign_year) -> str:
        return row_version(campaign_year, services.CAMPAIGN_YEAR_VERSION_FIELDS)


class CampaignYearWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(**YEAR, help_text=_("新建时必填；之后不能修改"))
    name = serializers.CharField(max_length=100, required=False)
    yellow_lag_points = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, required=False)
    red_lag_points = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, required=False)
    red_not_started_months = serializers.IntegerField(min_value=0, max_value=120, required=False)
    version = _version_field()


class CampaignYearUpdateSerializer(CampaignYearWriteSerializer):
    year = None


# --- viewsets -------------------------------------------------------------------------------------


@row_versioned_schema(
    _("年度计划列表"),
    _("年度计划详情"),
    AnnualPlanSerializer,
    AnnualPlanCreateSerializer,
    AnnualPlanUpdateSerializer,
)
class AnnualPlanViewSet(RowVersionedViewSet):
    """年度计划投资 of the projects the caller may see; officials and admins set them."""

    serializer_class = AnnualPlanSerializer
    write_serializer_class = AnnualPlanCreateSerializer
    update_serializer_class = AnnualPlanUpdateSerializer
    filterset_class = AnnualPlanFilterSet
    etag_fields = services.ANNUAL_PLAN_VERSION_FIELDS
    export_filename = "annual-plans"
    export_columns = [
        (_("年度"), "campaign_year.year"),
        (_("项目 id"), "project_id"),
        (_("项目名称"), "project.name"),
        (_("区域"), lambda p: p.project.region.name if p.project.region else ""),
        (_("园区"), lambda p: p.project.park.name if p.project.park else ""),
        (_("年度计划投资(万元)"), "planned_investment"),
    ]

    def get_queryset(self):
        return selectors.annual_plan_list(user=self.request.user)

    def create_row(self, values):
        project = visible_projects(self.request.user).filter(pk=values.pop("project")).first()
        if project is None:
            raise exceptions.ValidationError({"project": [gettext("没有这个项目。")]})
        return services.annual_plan_create(project=project, actor=self.request.user, **values)

    def change_row(self, plan, values, *, version):
        return services.annual_plan_set(
            project=plan.project,
            campaign_year=plan.campaign_year,
            planned_investment=values.get("planned_investment", plan.planned_investment),
            actor=self.request.user,
            version=version,
        )

    def delete_row(self, plan, *, version):
        services.annual_plan_delete(plan=plan, actor=self.request.user, version=version)


@row_versioned_schema(_("目标列表"), _("目标详情"), TargetReadSerializer, TargetWriteSerializer, TargetWriteSerializer)
class TargetViewSet(RowVersionedViewSet):
    serializer_class = TargetReadSerializer
    write_serializer_class = TargetWriteSerializer
    update_serializer_class = TargetWriteSerializer
    filterset_class = TargetFilterSet
    etag_fields = services.TARGET_VERSION_FIELDS
    export_filename = "targets"
    export_columns = [
        (_("年度"), "campaign_year.year"),
        (_("指标"), "indicator.name_zh"),
        (_("区域"), "region.name"),
        (_("园区"), "park.name"),
        (_("口径"), "get_measure_display"),
        (_("比较"), "get_comparator_display"),
        (_("目标值"), "value"),
        (_("单位"), "unit"),
    ]

    def get_queryset(self):
        return selectors.target_list(user=self.request.user)

    def create_row(self, values):
        return services.target_create(actor=self.request.user, **values)

    def change_row(self, target, values, *, version):
        return services.target_change(target=target, actor=self.request.user, version=version, **values)

    def delete_row(self, target, *, version):
        services.target_delete(target=target, actor=self.request.user, version=version)


@row_versioned_schema(
    _("重大项目建设年列表"),
    _("重大项目建设年详情"),
    CampaignYearReadSerializer,
    CampaignYearWriteSerializer,
    CampaignYearUpdateSerializer,
    delete=False,
)
class CampaignYearViewSet(RowVersionedViewSet):
    """Campaign years and their signal rules; a new year starts from the previous year's rules."""

    serializer_class = CampaignYearReadSerializer
    write_serializer_class = CampaignYearWriteSerializer
    update_serializer_class = CampaignYearUpdateSerializer
    filterset_class = CampaignYearFilterSet
    etag_fields = services.CAMPAIGN_YEAR_VERSION_FIELDS
    # A year holds targets, plans and roll-ups (PROTECT): it is never deleted over the API.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    export_filename = "campaign-years"
    export_columns = [
        (_("年度"), "year"),
        (_("名称"), "name"),
        (_("黄灯：落后序时进度(百分点)"), "yellow_lag_points"),
        (_("红灯：落后序时进度(百分点)"), "red_lag_points"),
        (_("红灯：计划开工后未开工(月)"), "red_not_started_months"),
    ]

    def get_queryset(self):
        return selectors.campaign_year_list(user=self.request.user)

    def create_row(self, values):
        return services.campaign_year_create(actor=self.request.user, **values)

    def change_row(self, campaign_year, values, *, version):
        for name, value in values.items():
            setattr(campaign_year, name, value)
        return services.campaign_year_save(campaign_year=campaign_year, actor=self.request.user, version=version)
