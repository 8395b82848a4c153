"""Read serializers for regions, parks (with their place in the tree) and industry chains."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from shangdang_portal.serializers import RefSerializer

from ..models import IndustryChain, Park, Region


class RegionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    parent = RefSerializer(read_only=True, allow_null=True, help_text=_("上级区域"))

    class Meta:
        model = Region
        fields = ["id", "name", "level", "level_display", "parent"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "园区",
            response_only=True,
            value={
                "id": 1,
                "name": "上党经济技术开发区",
                "kind": "development_zone",
                "kind_display": "开发区",
                "level": "provincial",
                "region": {"id": 2, "name": "上党区"},
                "parent": None,
                "children": [{"id": 4, "name": "现代物流园"}],
                "area_km2": "8.050",
                "approved_on": "2019-01-01",
                "leading_industries": ["现代医药"],
                "project_count": 12,
            },
        )
    ]
)
class ParkSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    region = RefSerializer(read_only=True, help_text=_("所在区域"))
    parent = RefSerializer(read_only=True, allow_null=True, help_text=_("上级园区"))
    children = RefSerializer(many=True, read_only=True, help_text=_("直接下属的园区和园中园"))
    project_count = serializers.IntegerField(read_only=True, help_text=_("直接位于该园区的项目数"))

    class Meta:
        model = Park
        fields = [
            "id",
            "name",
            "aliases",
            "kind",
            "kind_display",
            "level",
            "region",
            "parent",
            "children",
            "area_km2",
            "approved_on",
            "leading_industries",
            "supporting_industries",
            "description",
            "project_count",
        ]


class ParkTreeNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Park.Kind.choices)
    level = serializers.CharField()
    children = serializers.ListField(child=serializers.DictField(), help_text=_("同样结构的下级节点"))


class IndustryChainSerializer(serializers.ModelSerializer):
    region = RefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = IndustryChain
        # The API adds `chain_leader` (projects.api.serializers), kept with the companies.
        fields = ["id", "name", "region", "description"]
