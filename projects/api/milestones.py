"""Milestones over the API: planned and actual dates with their precision, and 三个一批 batch membership (the
milestone's batch). Anyone reads the milestones of the projects they may see; officials and admins write,
through projects.services (history, the project's roll-up on commit), with a row version in If-Match."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from shangdang_portal.row_versions import row_version
from shangdang_portal.serializers import RefSerializer
from shangdang_portal.viewsets import RowVersionedViewSet, row_versioned_schema

from .. import selectors, services
from ..filtersets import MilestoneFilterSet
from ..models import Batch, DatePrecision, Milestone
from .serializers import MilestoneSerializer


class MilestoneRowSerializer(MilestoneSerializer):
    project = RefSerializer(read_only=True)
    version = serializers.SerializerMethodField(help_text=_("该记录的 ETag(不含引号)"))

    class Meta(MilestoneSerializer.Meta):
        fields = ["id", "project", *MilestoneSerializer.Meta.fields, "version"]

    def get_version(self, milestone) -> str:
        return row_version(milestone, services.MILESTONE_VERSION_FIELDS)


class MilestoneWriteSerializer(serializers.Serializer):
    project = serializers.IntegerField(help_text=_("项目 id；新建时必填，之后不能修改"))
    kind = serializers.ChoiceField(choices=Milestone.Kind.choices)
    planned_date = serializers.DateField(allow_null=True, required=False)
    planned_precision = serializers.ChoiceField(choices=DatePrecision.choices, required=False)
    actual_date = serializers.DateField(allow_null=True, required=False)
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices, required=False)
    reached_undated = serializers.BooleanField(required=False)
    batch = serializers.PrimaryKeyRelatedField(
        queryset=Batch.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("三个一批批次 id；null 为不属于任何批次"),
    )
    version = serializers.CharField(
        required=False, write_only=True, help_text=_('或通过 If-Match: "<etag>" 请求头提供')
    )


class MilestoneUpdateSerializer(MilestoneWriteSerializer):
    project = None


@row_versioned_schema(
    _("节点列表"), _("节点详情"), MilestoneRowSerializer, MilestoneWriteSerializer, MilestoneUpdateSerializer
)
class MilestoneViewSet(RowVersionedViewSet):
    serializer_class = MilestoneRowSerializer
    write_serializer_class = MilestoneWriteSerializer
    update_serializer_class = MilestoneUpdateSerializer
    filterset_class = MilestoneFilterSet
    etag_fields = services.MILESTONE_VERSION_FIELDS
    export_filename = "milestones"
    export_columns = [
        (_("项目 id"), "project_id"),
        (_("项目名称"), "project.name"),
        (_("节点"), "get_kind_display"),
        (_("计划日期"), "planned_date_label"),
        (_("实际日期"), "actual_date_label"),
        (_("三个一批批次"), lambda m: m.batch.name if m.batch else ""),
    ]

    def get_queryset(self):
        return selectors.milestone_list(user=self.request.user)

    def create_row(self, values):
        project = selectors.visible_projects(self.request.user).filter(pk=values.pop("project")).first()
        if project is None:
            raise exceptions.ValidationError({"project": [gettext("没有这个项目。")]})
        return services.milestone_save(milestone=Milestone(project=project, **values), actor=self.request.user)

    def change_row(self, milestone, values, *, version):
        for name, value in values.items():
            setattr(milestone, name, value)
        return services.milestone_save(milestone=milestone, actor=self.request.user, version=version)

    def delete_row(self, milestone, *, version):
        services.milestone_delete(milestone=milestone, actor=self.request.user, version=version)
