"""Serializer shapes shared by every app's API; this module imports no app."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# A month as the API writes it (a progress report's `period`): YYYY-MM. On the way in a full date is accepted
# too and means its month; the schema names the form clients should send and always get back.
MONTH_SCHEMA = {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$", "example": "2026-03"}
MONTH_INPUT_FORMATS = ["%Y-%m", "%Y-%m-%d"]


@extend_schema_field(MONTH_SCHEMA)
class MonthField(serializers.DateField):
    """A date that stands for its month: read and written YYYY-MM."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m")
        kwargs.setdefault("input_formats", MONTH_INPUT_FORMATS)
        super().__init__(**kwargs)


class RefSerializer(serializers.Serializer):
    """A related object as {id, name}."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
