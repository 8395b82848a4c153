"""Serializer shapes shared by every app's API; this module imports no app."""

import copy
import json

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

# A month as the API writes it (a progress report's `period`): YYYY-MM. On the way in a full date is accepted
# too and means its month; the schema names the form clients should send and always get back.
MONTH_SCHEMA = {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$", "example": "2026-03"}
MONTH_INPUT_FORMATS = ["%Y-%m", "%Y-%m-%d"]


class FieldsOnce:
    """For a read-only ModelSerializer: its fields are derived from the model once per class and copied for
    each use. ModelSerializer derives them again every time a serializer is used (a list or a detail, and
    each nested serializer in it), which cost a detail view more than turning its row into JSON."""

    def get_fields(self):
        cls = type(self)
        fields = cls.__dict__.get("_fields_once")
        if fields is None:
            fields = super().get_fields()
            cls._fields_once = fields
        return copy.deepcopy(fields)


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


class NameListField(serializers.ListField):
    """A list of names (aliases, industries): a JSON list of strings, or the field repeated in a form; never
    null, a number or an object, each name at most 200 characters and at most 50 of them. A form may also
    send the list as one JSON value (`aliases=["甲","乙"]`, as the JSON field before it took), so a form's
    `aliases=null` is the null it means, and refused."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.CharField(max_length=200))
        kwargs.setdefault("max_length", 50)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def get_value(self, dictionary):
        value = super().get_value(dictionary)
        if html.is_html_input(dictionary) and isinstance(value, list) and len(value) == 1:
            text = value[0].strip() if isinstance(value[0], str) else ""
            if text == "null" or text.startswith("["):
                try:
                    return json.loads(text)
                except ValueError:
                    return value
        return value
