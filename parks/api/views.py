"""Region, park and industry-chain endpoints (read-only; the back office edits them)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from shangdang_portal.viewsets import PortalReadOnlyViewSet

from .. import selectors
from ..filtersets import IndustryChainFilterSet, ParkFilterSet, RegionFilterSet
from .serializers import IndustryChainSerializer, ParkSerializer, ParkTreeNodeSerializer, RegionSerializer


@extend_schema_view(list=extend_schema(summary=_("区域列表")), retrieve=extend_schema(summary=_("区域详情")))
class RegionViewSet(PortalReadOnlyViewSet):
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    export_filename = "regions"
    export_columns = [
        (_("编号"), "pk"),
        (_("名称"), "name"),
        (_("级别"), "get_level_display"),
        (_("上级"), "parent.name"),
    ]

    def get_queryset(self):
        return selectors.region_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary=_("园区列表"), description=_("开发区、园区和园中园；每条带上级和直接下级。")),
    retrieve=extend_schema(summary=_("园区详情")),
)
class ParkViewSet(PortalReadOnlyViewSet):
    serializer_class = ParkSerializer
    filterset_class = ParkFilterSet
    export_filename = "parks"
    export_columns = [
        (_("编号"), "pk"),
        (_("名称"), "name"),
        (_("类型"), "get_kind_display"),
        (_("级别"), "get_level_display"),
        (_("所在区域"), "region.name"),
        (_("上级"), "parent.name"),
        (_("面积(平方公里)"), "area_km2"),
        (_("批准设立"), "approved_on"),
        (_("主导产业"), "leading_industries"),
        (_("项目数"), "project_count"),
    ]

    def get_queryset(self):
        return selectors.park_list(user=self.request.user)

    @extend_schema(
        summary=_("园区树"),
        description=_("一区三园：开发区 > 园区 > 园中园，嵌套返回，不分页。"),
        responses=ParkTreeNodeSerializer(many=True),
        parameters=[],
        filters=False,
    )
    @action(detail=False, pagination_class=None, filterset_class=None)
    def tree(self, request):
        return Response(selectors.park_tree())


@extend_schema_view(list=extend_schema(summary=_("产业链列表")), retrieve=extend_schema(summary=_("产业链详情")))
class IndustryChainViewSet(PortalReadOnlyViewSet):
    serializer_class = IndustryChainSerializer
    filterset_class = IndustryChainFilterSet
    export_filename = "industry-chains"
    export_columns = [
        (_("编号"), "pk"),
        (_("名称"), "name"),
        (_("区域"), "region.name"),
    ]

    def get_queryset(self):
        return selectors.industry_chain_list(user=self.request.user)
