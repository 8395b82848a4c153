"""Company and project endpoints: reads from the selectors, writes through the services."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from parks.api.views import IndustryChainViewSet as ChainViewSet
from shangdang_portal.export import Label
from shangdang_portal.pagination import KeysFirstPagination
from shangdang_portal.permissions import ReadOnlyOrPlanner
from shangdang_portal.renderers import PortalJSONRenderer
from shangdang_portal.viewsets import PortalModelViewSet, PortalReadOnlyViewSet

from .. import selectors, services
from ..filtersets import CompanyFilterSet, ProjectFilterSet
from ..models import Pool, PoolMove
from . import geojson
from .serializers import CompanySerializer, IndustryChainSerializer, ProjectSerializer, ProjectWriteSerializer

GEOJSON_FORMAT = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv", "xlsx", "geojson"],
    description=_(
        "geojson：经相同筛选的全部项目，GeoJSON FeatureCollection，每个项目一个点(无项目坐标时取园区或区域的位置，"
        "见 placed)；也可用 /api/v1/projects.geojson。csv/xlsx 见导出。"
    ),
)


class IndustryChainViewSet(ChainViewSet):
    """/api/v1/industry-chains/: the parks' chains plus their leading company, kept with the companies."""

    serializer_class = IndustryChainSerializer
    export_columns = [*ChainViewSet.export_columns, (_("链主企业"), "leader.company.name")]

    def get_queryset(self):
        return super().get_queryset().select_related("leader__company")


@extend_schema_view(
    list=extend_schema(summary=_("企业列表"), description=_("建设单位和链主企业。")),
    retrieve=extend_schema(summary=_("企业详情")),
)
class CompanyViewSet(PortalReadOnlyViewSet):
    serializer_class = CompanySerializer
    filterset_class = CompanyFilterSet
    export_filename = "companies"
    export_columns = [(_("编号"), "pk"), (_("名称"), "name"), (_("别名"), "aliases"), (_("区域"), "region.name")]

    def get_queryset(self):
        return selectors.company_list(user=self.request.user)


class PoolMoveWriteSerializer(serializers.Serializer):
    to_pool = serializers.ChoiceField(choices=Pool.choices, help_text=_("新库"))
    reason = serializers.CharField(max_length=300, help_text=_("变动原因"))
    moved_on = serializers.DateField(required=False, help_text=_("日期；不填为今天"))


class PoolMoveSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = PoolMove
        fields = ["id", "project", "from_pool", "to_pool", "moved_on", "reason", "actor", "created_at"]


@extend_schema_view(
    list=extend_schema(
        summary=_("项目列表"),
        description=_(
            "匿名用户只能看到公开项目；包联人员只对领导、审核员、管理员和该项目的填报人员返回。"
            "金额单位为万元(十进制字符串)。"
        ),
    ),
    retrieve=extend_schema(summary=_("项目详情"), description=_("无权查看的项目返回 404。")),
    create=extend_schema(summary=_("新建项目(管理员)"), responses=ProjectSerializer),
    update=extend_schema(summary=_("修改项目(管理员)"), responses=ProjectSerializer),
    partial_update=extend_schema(summary=_("部分修改项目(管理员)"), responses=ProjectSerializer),
)
class ProjectViewSet(PortalModelViewSet):
    filterset_class = ProjectFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    renderer_classes = [PortalJSONRenderer, BrowsableAPIRenderer, geojson.GeoJSONRenderer]
    # A search or an ordering the indexes do not give sorts the matching projects' keys, not their joined
    # rows; the page's region, park, chain, company and totals are then joined for its rows alone.
    pagination_class = KeysFirstPagination
    export_filename = "projects"
    export_columns = [
        (_("编号"), "pk"),
        (_("项目名称"), "name"),
        (_("区域"), "region.name"),
        (_("园区"), "park.name"),
        (_("产业链"), "industry_chain.name"),
        (_("建设单位"), "company.name"),
        (_("项目类别"), Label("category")),
        (_("建设性质"), Label("construction_type")),
        (_("重点级别"), Label("priority_level")),
        (_("重大项目"), "is_major"),
        (_("四库"), Label("pool")),
        (_("总投资(万元)"), "total_investment"),
        (_("累计完成投资(万元)"), "cumulative_investment"),
        (_("计划开工"), "planned_start"),
        (_("计划竣工"), "planned_end"),
        (_("入库入统"), "in_statistics"),
        (_("亮灯"), Label("signal")),
    ]
    # Exports read these columns as tuples through a server-side cursor; the cumulative investment comes from
    # one grouped query (export_extra). At 100,000 projects that is seconds, not a model and a subquery per row.
    export_values = True

    def get_queryset(self):
        # Projects with nothing joined: the filters narrow them, the pagination counts and slices their keys,
        # and page_rows reads the page's rows.
        return selectors.project_page(user=self.request.user)

    def page_rows(self, keys: list[int]) -> list[dict]:
        return selectors.project_rows(keys, user=self.request.user)

    def export_queryset(self):
        return self.filter_queryset(selectors.project_export_list(user=self.request.user))

    def export_extra(self, queryset):
        return {"cumulative_investment": selectors.cumulative_investments(queryset)}

    def filter_queryset(self, queryset):
        # One project by id with no query string: the list's filters have nothing to narrow, and building
        # their form cost the detail view more than its queries did.
        if getattr(self, "action", None) == "retrieve" and not self.request.query_params:
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(parameters=[GEOJSON_FORMAT])
    def list(self, request, *args, **kwargs):
        if self._is_geojson(request):
            # Every project the filters select, not a page, as the CSV and XLSX exports give; read as the map
            # reads them, without the list's per-row totals.
            queryset = self.filter_queryset(selectors.project_points(user=request.user))
            return Response(geojson.feature_collection(queryset, request))
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        if self._is_geojson(request):
            points = geojson.location.region_points()
            return Response(geojson.feature(self.get_object(), points, request))
        found = self.filter_queryset(self.get_queryset()).filter(pk=kwargs["pk"])
        rows = self.page_rows(list(found.values_list("pk", flat=True)))
        if not rows:
            raise Http404
        return Response(self.get_serializer(rows[0]).data)

    def get_renderers(self):
        # GeoJSON is a read of the list or of one project; writes answer JSON only (and say so in the schema).
        renderers = super().get_renderers()
        if getattr(self, "action", None) in ("list", "retrieve"):
            return renderers
        return [r for r in renderers if not isinstance(r, geojson.GeoJSONRenderer)]

    def finalize_response(self, request, response, *args, **kwargs):
        # An error is the shared JSON error shape whatever format was asked for: it is no FeatureCollection.
        if response.status_code >= 400 and isinstance(
            getattr(request, "accepted_renderer", None), geojson.GeoJSONRenderer
        ):
            request.accepted_renderer = PortalJSONRenderer()
            request.accepted_media_type = PortalJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def _is_geojson(self, request) -> bool:
        renderer = getattr(request, "accepted_renderer", None)
        return getattr(renderer, "format", None) == geojson.GeoJSONRenderer.format

    def get_serializer_class(self):
        return ProjectWriteSerializer if self.action in ("create", "update", "partial_update") else ProjectSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.project_create(actor=request.user, **serializer.validated_data)
        return Response(self._read(project), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        project = self.get_object()
        serializer = self.get_serializer(project, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        project = services.project_update(project=project, actor=request.user, **serializer.validated_data)
        return Response(self._read(project))

    @extend_schema(
        summary=_("四库变动"),
        description=_("领导和管理员将项目移入另一个库并写明原因；记录变动和修改人，提交后重新汇总。"),
        request=PoolMoveWriteSerializer,
        responses={201: PoolMoveSerializer},
    )
    @action(detail=True, methods=["post"], url_path="pool-move", permission_classes=[ReadOnlyOrPlanner])
    def pool_move(self, request, pk=None):
        project = self.get_object()
        data = PoolMoveWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        move = services.project_pool_move(project=project, actor=request.user, **data.validated_data)
        return Response(PoolMoveSerializer(move).data, status=status.HTTP_201_CREATED)

    def _read(self, project):
        # Answer a write with the shape a read gives, fetched again through the selector.
        (fresh,) = self.page_rows([project.pk])
        return ProjectSerializer(fresh, context=self.get_serializer_context()).data
