"""Progress report API serializers: a read shape with derived totals, a write shape, history entries."""

from rest_framework import serializers

from ..models import ProgressPhoto, ProgressReport

MONEY = {"max_digits": 16, "decimal_places": 2}
PERIOD_FORMATS = ["%Y-%m", "%Y-%m-%d"]


class ProgressPhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressPhoto
        fields = ["id", "image", "caption", "captured_at", "sha256", "size", "created_at"]
        read_only_fields = fields


class ProgressReportSerializer(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name", read_only=True)
    period = serializers.DateField(format="%Y-%m")
    year_to_date = serializers.DecimalField(read_only=True, **MONEY)
    since_start = serializers.DecimalField(read_only=True, **MONEY)
    created_by = serializers.StringRelatedField()
    reviewed_by = serializers.StringRelatedField()

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


class ProgressReportWriteSerializer(serializers.Serializer):
    """Input only: the service does the checks that need the database (month, totals, duplicates)."""

    project = serializers.IntegerField()
    period = serializers.DateField(input_formats=PERIOD_FORMATS)
    investment_completed = serializers.DecimalField(**MONEY)
    physical_progress = serializers.IntegerField(required=False, default=0)
    stage = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    workers_on_site = serializers.IntegerField(required=False, default=0)
    narrative = serializers.CharField(required=False, allow_blank=True, default="")
    explanation = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressReportUpdateSerializer(serializers.Serializer):
    investment_completed = serializers.DecimalField(required=False, **MONEY)
    physical_progress = serializers.IntegerField(required=False)
    stage = serializers.CharField(required=False, allow_blank=True, max_length=200)
    workers_on_site = serializers.IntegerField(required=False)
    narrative = serializers.CharField(required=False, allow_blank=True)
    explanation = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, help_text='Or send If-Match: "<version>".')


class ReturnSerializer(serializers.Serializer):
    review_note = serializers.CharField(allow_blank=True)


class BulkApproveSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


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
                {"field": c.field, "label": c.label, "before": _plain(c.before), "after": _plain(c.after)}
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


class HistoryEntrySerializer(serializers.Serializer):
    """The shape of history_payload(), for the API schema."""

    when = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    model = serializers.CharField()
    object_id = serializers.IntegerField()
    object = serializers.CharField()
    changes = FieldChangeSerializer(many=True)
