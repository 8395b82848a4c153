"""Serializers of the progress workflow API: the report's read shape with its totals, write shapes whose
data goes to a service (their editable fields are ProgressReport.EDITABLE_FIELDS), photos, the XLSX
bulk entry, and the shape of change history entries."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shangdang_portal.money import MAX_MONEY, MONEY
from shangdang_portal.serializers import FieldsOnce, MonthField
from shangdang_portal.text import LONG_TEXT_MAX_LENGTH

from ...models import MAX_ID, ProgressPhoto, ProgressReport


class ProgressPhotoSerializer(serializers.ModelSerializer):
    image = serializers.SerializerMethodField(help_text=_("照片地址(需与报告相同的查看权限)"))

    class Meta:
        model = ProgressPhoto
        fields = ["id", "image", "caption", "captured_at", "sha256", "size", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_image(self, photo) -> str:
        # The API's own route to the picture, so a token client can fetch it; never a MEDIA_URL path.
        path = reverse("api:progress-report-photo", args=[photo.report_id, photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ProgressReportSerializer(FieldsOnce, serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name", read_only=True)
    period = MonthField()
    year_to_date = serializers.DecimalField(read_only=True, **MONEY)
    since_start = serializers.DecimalField(read_only=True, **MONEY)
    created_by = serializers.StringRelatedField(allow_null=True)
    reviewed_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "project_name",
            "period",
            "investment_completed",
            "year_to_date",
            "since_start",
            "physical_progress",
            "stage",
            "workers_on_site",
            "narrative",
            "explanation",
            "status",
            "review_note",
            "corrects",
            "is_superseded",
            "version",
            "created_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
        ]
        read_only_fields = fields


def _editable_field(name: str, *, partial: bool) -> serializers.Field:
    """The input field for one of ProgressReport.EDITABLE_FIELDS, shaped after the model field. Bounds the
    service checks with its own messages (progress at most 100 %, workers) are left to it."""
    model_field = ProgressReport._meta.get_field(name)
    if partial:
        options = {"required": False}
    elif model_field.has_default():
        options = {"required": False, "default": model_field.get_default()}
    elif model_field.blank:
        options = {"required": False, "default": ""}
    else:
        options = {}
    if isinstance(model_field, models.DecimalField):
        return serializers.DecimalField(min_value=0, max_value=MAX_MONEY, **MONEY, **options)
    if isinstance(model_field, models.IntegerField):
        return serializers.IntegerField(**options)
    return serializers.CharField(allow_blank=True, max_length=model_field.max_length or LONG_TEXT_MAX_LENGTH, **options)


class ProgressReportWriteSerializer(serializers.Serializer):
    """Input only: the service does the checks that need the database (month, totals, duplicates)."""

    project = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    period = MonthField()

    def get_fields(self):
        fields = super().get_fields()
        fields.update({name: _editable_field(name, partial=False) for name in ProgressReport.EDITABLE_FIELDS})
        return fields


class ProgressReportUpdateSerializer(serializers.Serializer):
    """The fields to change (only those sent change), and the version the change is based on."""

    version = serializers.IntegerField(required=False, help_text='Or send If-Match: "<version>".')

    def get_fields(self):
        editable = {name: _editable_field(name, partial=True) for name in ProgressReport.EDITABLE_FIELDS}
        return editable | super().get_fields()


class ReturnSerializer(serializers.Serializer):
    review_note = serializers.CharField(allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH)


class BulkApproveSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False, help_text=_("报告 id")
    )


class TemplateQuerySerializer(serializers.Serializer):
    """The query of the bulk-entry template: a month and optionally some projects."""

    period = MonthField(required=False, help_text=_("YYYY-MM，默认本月"))
    project = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        help_text=_("只包含这些项目；默认本人负责的全部项目"),
    )


class BulkApprovedSerializer(serializers.Serializer):
    approved = serializers.ListField(child=serializers.IntegerField(), help_text=_("已审核通过的报告 id"))


class PhotoUploadSerializer(serializers.Serializer):
    image = serializers.ImageField(help_text=_("JPEG、PNG 或 WebP，不超过 5 MB"))
    caption = serializers.CharField(required=False, allow_blank=True)


class SheetUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("填好的批量填报模板(XLSX)"))
    submit = serializers.BooleanField(required=False, default=False, help_text=_("保存后直接提交审核"))


class SheetSavedSerializer(serializers.Serializer):
    saved = serializers.ListField(child=serializers.IntegerField(), help_text=_("新建或修改的报告 id"))


def _plain(value):
    return None if value is None else str(value)


def history_payload(entries) -> list[dict]:
    return [
        {
            "when": e.when.isoformat(),
            "user": getattr(e.user, "username", None),
            "action": {"+": "created", "~": "changed", "-": "deleted"}[e.action],
            "model": e.model,
            "object_id": e.object_id,
            "object": e.object_repr,
            "changes": [
                {
                    "field": c.field,
                    "label": c.label,
                    "before": _plain(c.before),
                    "after": _plain(c.after),
                    "before_shown": c.before_shown,
                    "after_shown": c.after_shown,
                }
                for c in e.changes
            ],
        }
        for e in entries
    ]


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)
    before_shown = serializers.CharField(help_text=_("修改前的值，按页面显示的方式(选项名称、姓名、是/否、日期)"))
    after_shown = serializers.CharField(help_text=_("修改后的值，按页面显示的方式"))


class HistoryEntrySerializer(serializers.Serializer):
    """The shape of history_payload(), for the API schema."""

    when = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    model = serializers.CharField()
    object_id = serializers.IntegerField()
    object = serializers.CharField()
    changes = FieldChangeSerializer(many=True)
