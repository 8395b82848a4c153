"""Obstacles (问题清单) over the API: raised with a progress report, assigned to a department, resolved with a
note. Readers of a project's progress see its obstacles (selectors.issue_list); officials and admins assign
and resolve them through the workflow services, naming the row version in If-Match."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from shangdang_portal.permissions import ReadOnlyOrPlanner
from shangdang_portal.row_versions import StaleRow, row_version
from shangdang_portal.serializers import RefSerializer
from shangdang_portal.viewsets import ROW_IF_MATCH, ETagMixin, PortalReadOnlyViewSet

from ...api.serializers import ChoiceLabelField
from ...filtersets import ProjectIssueFilterSet
from ...models import ProjectIssue
from .. import selectors, services


class ObstacleSerializer(serializers.ModelSerializer):
    project = RefSerializer(read_only=True)
    status_display = ChoiceLabelField("status", ProjectIssue.Status.choices)
    version = serializers.SerializerMethodField(help_text=_("该记录的 ETag(不含引号)"))

    class Meta:
        model = ProjectIssue
        fields = [
            "id",
            "project",
            "report",
            "description",
            "status",
            "status_display",
            "department",
            "resolution",
            "raised_on",
            "assigned_on",
            "resolved_on",
            "version",
        ]
        read_only_fields = fields

    def get_version(self, issue) -> str:
        return row_version(issue, services.ISSUE_VERSION_FIELDS)


class _Versioned(serializers.Serializer):
    version = serializers.CharField(
        required=False, write_only=True, help_text=_('或通过 If-Match: "<etag>" 请求头提供')
    )


class AssignSerializer(_Versioned):
    department = serializers.CharField(max_length=100, allow_blank=True, help_text=_("责任部门，例如“区住建局”"))


class ResolveSerializer(_Versioned):
    resolution = serializers.CharField(allow_blank=True, help_text=_("解决情况"))


@extend_schema_view(
    list=extend_schema(summary=_("问题清单")),
    retrieve=extend_schema(summary=_("问题详情"), description=_("ETag 为该记录字段的哈希。")),
    assign=extend_schema(
        summary=_("交办问题"), request=AssignSerializer, parameters=[ROW_IF_MATCH], responses=ObstacleSerializer
    ),
    resolve=extend_schema(
        summary=_("办结问题"), request=ResolveSerializer, parameters=[ROW_IF_MATCH], responses=ObstacleSerializer
    ),
)
class ObstacleViewSet(ETagMixin, PortalReadOnlyViewSet):
    serializer_class = ObstacleSerializer
    filterset_class = ProjectIssueFilterSet
    permission_classes = [ReadOnlyOrPlanner]
    conflict_error = StaleRow
    etag_fields = services.ISSUE_VERSION_FIELDS
    export_filename = "obstacles"
    export_columns = [
        (_("项目 id"), "project_id"),
        (_("项目名称"), "project.name"),
        (_("问题描述"), "description"),
        (_("状态"), "get_status_display"),
        (_("责任部门"), "department"),
        (_("解决情况"), "resolution"),
        (_("提出日期"), "raised_on"),
        (_("交办日期"), "assigned_on"),
        (_("解决日期"), "resolved_on"),
    ]

    def get_queryset(self):
        return selectors.issue_list(user=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        issue = self.get_object()
        return self.with_etag(Response(self.get_serializer(issue).data), issue)

    def _step(self, serializer_class, call):
        issue = self.get_object()
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version, via_header = self.required_version(self.request, values.pop("version", None))
        self.versioned_write(lambda v: call(issue, values, v), expected=version, via_header=via_header)
        fresh = self.get_queryset().get(pk=issue.pk)
        return self.with_etag(Response(self.get_serializer(fresh).data), fresh)

    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._step(
            AssignSerializer,
            lambda issue, values, version: services.issue_assign(
                issue=issue, department=values["department"], actor=request.user, version=version
            ),
        )

    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._step(
            ResolveSerializer,
            lambda issue, values, version: services.issue_resolve(
                issue=issue, resolution=values["resolution"], actor=request.user, version=version
            ),
        )
