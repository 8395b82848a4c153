"""Serializers for companies and projects: nested read shapes and the write shape whose data goes to a
service."""

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from parks.api.serializers import IndustryChainSerializer as ChainSerializer
from parks.models import IndustryChain, Park, Region
from shangdang_portal.money import MAX_MONEY
from shangdang_portal.serializers import FieldsOnce, NameListField, RefSerializer

from ..models import (
    Category,
    Company,
    ConstructionType,
    Milestone,
    Pool,
    PriorityLevel,
    ProgressReport,
    Project,
    ProjectContact,
    Signal,
)


class ChoiceLabelField(serializers.CharField):
    """The label of a choice field's value, as get_<field>_display() gives it, without the per-row
    callable inspection and hashing DRF and Django do for a method source (a list renders thousands)."""

    def __init__(self, source: str, choices, **kwargs):
        self.labels = dict(choices)
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, value):
        # The labels are translated once per use of the field: DRF gives each serializer its own copy of
        # its fields, so a copy serves one request, in that request's language; translating each row's label
        # again was a quarter of a project list's serialisation.
        labels = self.__dict__.get("_translated")
        if labels is None:
            labels = self._translated = {key: str(label) for key, label in self.labels.items()}
        label = labels.get(value)
        return label if label is not None else str(value)


class IndustryChainSerializer(ChainSerializer):
    """A chain with its leading company (链主企业), which projects.ChainLeader keeps beside the companies."""

    chain_leader = RefSerializer(source="leader.company", read_only=True, allow_null=True, help_text=_("链主企业"))

    class Meta(ChainSerializer.Meta):
        fields = ["id", "name", "region", "chain_leader", "description"]


class CompanySerializer(serializers.ModelSerializer):
    region = RefSerializer(read_only=True, allow_null=True, help_text=_("所在区域"))

    class Meta:
        model = Company
        fields = ["id", "name", "aliases", "region", "description", "is_synthetic"]


class MilestoneSerializer(FieldsOnce, serializers.ModelSerializer):
    kind_display = ChoiceLabelField("kind", Milestone.Kind.choices, help_text=_("节点名称"))
    batch = RefSerializer(read_only=True, allow_null=True, help_text=_("三个一批批次"))

    class Meta:
        model = Milestone
        # The quote a date was read from is the sources' (investment.MilestoneSource), no longer here.
        fields = [
            "kind",
            "kind_display",
            "planned_date",
            "planned_precision",
            "actual_date",
            "date_precision",
            "reached_undated",
            "batch",
        ]


class ContactSerializer(FieldsOnce, serializers.ModelSerializer):
    role_display = ChoiceLabelField("role", ProjectContact.Role.choices)

    class Meta:
        model = ProjectContact
        fields = ["role", "role_display", "name", "title", "phone"]


class LatestProgressSerializer(FieldsOnce, serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = ["id", "period", "investment_completed", "physical_progress", "stage", "reviewed_at"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "项目",
            response_only=True,
            value={
                "id": 1,
                "name": "年产10GW光伏组件项目",
                "aliases": [],
                "region": {"id": 2, "name": "上党区"},
                "park": {"id": 5, "name": "光伏产业园"},
                "industry_chain": {"id": 3, "name": "光伏组件"},
                "company": {"id": 7, "name": "某新能源有限公司"},
                "category": "industry",
                "category_display": "产业",
                "construction_type": "new",
                "priority_level": "provincial",
                "is_major": True,
                "pool": "construction",
                "total_investment": "150000.00",
                "planned_start": "2024-03-01",
                "planned_end": "2025-12-31",
                "in_statistics": True,
                "is_public": True,
                "signal": "green",
                "milestones": [{"kind": "started", "kind_display": "开工", "actual_date": "2024-03-18"}],
                "contacts": [],
                "latest_progress": {"period": "2024-06-01", "investment_completed": "8200.00"},
                "cumulative_investment": "35600.00",
            },
        )
    ]
)
class ProjectSerializer(FieldsOnce, serializers.ModelSerializer):
    region = RefSerializer(read_only=True, help_text=_("所在区域"))
    park = RefSerializer(read_only=True, allow_null=True, help_text=_("所在园区"))
    industry_chain = RefSerializer(read_only=True, allow_null=True, help_text=_("所属产业链"))
    company = RefSerializer(read_only=True, allow_null=True, help_text=_("建设单位"))
    category_display = ChoiceLabelField("category", Category.choices)
    construction_type_display = ChoiceLabelField("construction_type", ConstructionType.choices)
    priority_level_display = ChoiceLabelField("priority_level", PriorityLevel.choices)
    pool_display = ChoiceLabelField("pool", Pool.choices)
    signal_display = ChoiceLabelField("signal", Signal.choices)
    total_investment = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, allow_null=True, help_text=_("总投资，单位万元")
    )
    milestones = MilestoneSerializer(many=True, read_only=True, help_text=_("三个一批等节点"))
    contacts = ContactSerializer(
        many=True, read_only=True, help_text=_("包联人员；仅对有权查看的用户返回，否则为空列表")
    )
    latest_progress = LatestProgressSerializer(
        read_only=True, allow_null=True, help_text=_("最近一期已审核的月度进度，没有则为 null")
    )
    cumulative_investment = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("已审核月度进度的累计完成投资，单位万元"),
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "aliases",
            "region",
            "park",
            "industry_chain",
            "company",
            "category",
            "category_display",
            "construction_type",
            "construction_type_display",
            "priority_level",
            "priority_level_display",
            "is_major",
            "pool",
            "pool_display",
            "total_investment",
            "planned_start",
            "planned_end",
            "capacity",
            "description",
            "responsible_unit",
            "longitude",
            "latitude",
            "in_statistics",
            "is_public",
            "signal",
            "signal_display",
            "is_synthetic",
            "milestones",
            "contacts",
            "latest_progress",
            "cumulative_investment",
            "updated_at",
        ]

    def to_representation(self, instance):
        # A project's contacts are shown only to those who may see them, which project_rows has decided; a
        # model instance would show every contact its manager holds.
        if not isinstance(instance, Mapping):
            raise TypeError("ProjectSerializer writes the rows of projects.selectors.project_rows")
        return super().to_representation(instance)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "新建项目",
            request_only=True,
            value={
                "name": "年产5万吨新材料项目",
                "region": 2,
                "park": 5,
                "category": "industry",
                "construction_type": "new",
                "priority_level": "city",
                "pool": "reserve",
                "total_investment": "52000.00",
                "planned_start": "2025-04-01",
                "planned_end": "2026-10-31",
                "is_public": True,
            },
        )
    ]
)
class ProjectWriteSerializer(serializers.ModelSerializer):
    """What an admin sends to create or change a project. Money in 万元 as a decimal string."""

    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), help_text=_("区域 id"))
    park = serializers.PrimaryKeyRelatedField(
        queryset=Park.objects.all(), allow_null=True, required=False, help_text=_("园区 id")
    )
    industry_chain = serializers.PrimaryKeyRelatedField(
        queryset=IndustryChain.objects.all(), allow_null=True, required=False, help_text=_("产业链 id")
    )
    company = serializers.PrimaryKeyRelatedField(
        queryset=Company.objects.all(), allow_null=True, required=False, help_text=_("建设单位 id")
    )
    staff = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), many=True, required=False, help_text=_("填报人员(用户 id)")
    )
    aliases = NameListField(help_text=_("别名"))
    total_investment = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        allow_null=True,
        required=False,
        min_value=0,
        max_value=MAX_MONEY,
        help_text=_("总投资，单位万元"),
    )

    class Meta:
        model = Project
        fields = [*Project.EDITABLE_FIELDS, "staff"]

    def validate(self, attrs):
        start = attrs.get("planned_start", getattr(self.instance, "planned_start", None))
        end = attrs.get("planned_end", getattr(self.instance, "planned_end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"planned_end": _("计划竣工日期不能早于计划开工日期。")})
        return attrs
