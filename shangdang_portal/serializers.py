"""Serializer shapes shared by every app's API; this module imports no app."""

import copy
import decimal
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings
from rest_framework.utils import html

# A month as the API writes it (a progress report's `period`): YYYY-MM. On the way in a full date is accepted
# too and means its month; the schema names the form clients should send and always get back.
MONTH_SCHEMA = {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$", "example": "2026-03"}
MONTH_INPUT_FORMATS = ["%Y-%m", "%Y-%m-%d"]


class QuickRows:
    """A read serializer whose rows are written as DRF writes them, with less done per field of each row: the
    readable fields are listed once per serializer, and a field that reads one plain attribute (most model
    columns) reads it with getattr, not through DRF's general lookup (dotted paths, mappings, callables,
    missing related objects), which costs a list of 50 rows thousands of calls; a row that is a mapping (a
    values row) is read by key. A value that is callable or not there takes DRF's own path, so the output is
    the same."""

    def to_representation(self, instance):
        plan = self.__dict__.get("_quick_plan")
        if plan is None:
            plan = self._quick_plan = self._plan()
        ret = {}
        # A dict is checked for first: asking the Mapping ABC costs more than the row's plainer fields.
        if type(instance) is dict or isinstance(instance, Mapping):
            # A values row: the common case of a list page, kept to a lookup and a conversion per field.
            get = instance.get
            for name, field, attr, write in plan:
                if attr is _WHOLE:
                    ret[name] = write(instance)
                    continue
                value = get(attr, _MISSING) if attr is not None else _MISSING
                if value is None:
                    ret[name] = None
                elif value is _MISSING or callable(value):
                    self._drf_field(ret, name, field or self.fields[name], instance)
                else:
                    ret[name] = write(value)
            return ret
        for name, field, attr, write in plan:
            if attr is _WHOLE:
                ret[name] = write(instance)
                continue
            value = _MISSING
            if attr is not None:
                try:
                    value = getattr(instance, attr)
                except Exception:  # noqa: BLE001 - DRF's own lookup below decides what a failed read means
                    value = _MISSING
            if value is _MISSING or callable(value):
                self._drf_field(ret, name, field or self.fields[name], instance)
            else:
                ret[name] = None if value is None else write(value)
        return ret

    def _plan(self) -> list[tuple]:
        return [self._step(field) for field in self._readable_fields]

    def _step(self, field) -> tuple:
        """How a row's value of `field` (bound to this serializer) is written: (name, field, what is read, how
        it is written). A method field is given the whole row, as DRF gives it; `what is read` None sends the
        field DRF's own way."""
        if _is_method(field):
            return field.field_name, field, _WHOLE, getattr(self, field.method_name)
        plain = len(field.source_attrs) == 1 and type(field).get_attribute is Field.get_attribute
        return field.field_name, field, field.source_attrs[0] if plain else None, _writer(field)[0]

    @staticmethod
    def _drf_field(ret: dict, name: str, field, instance) -> None:
        """The field as DRF's Serializer.to_representation writes it."""
        try:
            attribute = field.get_attribute(instance)
        except SkipField:
            return
        check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        ret[name] = None if check_for_none is None else field.to_representation(attribute)


_MISSING = object()
_WHOLE = object()  # a method field's "attribute": the row itself


def _is_method(field) -> bool:
    return type(field).to_representation is serializers.SerializerMethodField.to_representation


def _writer(field) -> tuple:
    """(how a value of `field` is written, whether that reads nothing but the field's own settings): a builtin
    for DRF's plain text and integer fields, and for its boolean, choice, date and decimal fields a shortcut
    for the values the database gives (anything else still goes to the field). Those fields never look at
    their serializer, the request or the time zone; any other field may, and is written by the field itself,
    bound to its serializer."""
    method = type(field).to_representation
    if method is serializers.CharField.to_representation:
        return str, True
    if method is serializers.IntegerField.to_representation:
        return int, True
    write = field.to_representation
    if method is serializers.BooleanField.to_representation:
        return (lambda value: value if value is True or value is False else write(value)), True
    if method is serializers.ChoiceField.to_representation:
        labels = field.choice_strings_to_values
        return (lambda value: labels.get(value, value) if type(value) is str and value else write(value)), True
    if method is serializers.DateField.to_representation:
        if _iso(getattr(field, "format", api_settings.DATE_FORMAT)):
            return (lambda value: value.isoformat() if type(value) is date else write(value)), True
        return write, True
    if method is serializers.DecimalField.to_representation:
        return _decimal_writer(field, write), True
    return write, False


def _decimal_writer(field, write):
    """A DecimalField's writer for a Decimal from the database: quantized and written as a string as DRF does,
    with the exponent and the context (precision max_digits) made once rather than for every value."""
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if field.decimal_places is None or not coerce or field.localize or field.normalize_output:
        return write
    exponent = Decimal(".1") ** field.decimal_places
    context = decimal.getcontext().copy()
    if field.max_digits is not None:
        context.prec = field.max_digits
    rounding = field.rounding

    def written(value):
        if type(value) is not Decimal:
            return write(value)
        return format(value.quantize(exponent, rounding=rounding, context=context), "f")

    return written


def _iso(output_format) -> bool:
    return isinstance(output_format, str) and output_format.lower() == ISO_8601


class FieldsOnce(QuickRows):
    """For a read-only ModelSerializer: its fields are derived from the model once per class and copied for
    each use. ModelSerializer derives them again every time a serializer is used (a list or a detail, and
    each nested serializer in it), which cost a detail view more than turning its row into JSON.

    The kept fields are never bound or used themselves. A field holding a child field (a list serializer, a
    many-relation) is copied whole, as its child was bound to it when it was built; any other field, a nested
    serializer included (it builds its own fields when first used), is copied shallowly, which is enough for
    a field that is only bound to its new parent and read with: DRF's deep copy builds each field again from
    its arguments (a choice field recomputing its choices), a twentieth of a figure list's time.

    Fit for any serializer whose fields are the same on every use (not one whose get_fields reads the
    request)."""

    def get_fields(self):
        zone = _zone()
        return {name: _own_copy(template, zone) for name, template in self._templates().items()}

    @classmethod
    def _templates(cls) -> dict:
        fields = cls.__dict__.get("_fields_once")
        if fields is None:
            fields = cls._fields_once = super().get_fields(cls())
        return fields

    def _plan(self) -> list[tuple]:
        # A field whose values are written from its own settings alone (text, numbers, choices, dates,
        # decimals) is written by its class's writer, made once; only the other fields (nested serializers,
        # method fields, datetimes in the request's time zone) are copied and bound for this use, so a list
        # page does not copy and bind every field of its serializer for each request.
        plan, zone = [], _zone()
        for name, template, attr, write in _class_steps(type(self)):
            if write is None:
                field = _own_copy(template, zone)
                field.bind(field_name=name, parent=self)
                plan.append(self._step(field))
            else:
                plan.append((name, None, attr, write))
        return plan


def _class_steps(cls) -> list[tuple]:
    """A FieldsOnce class's readable fields as (name, template, what is read, writer or None when the field
    must be bound to its serializer to be written), made once per class."""
    steps = cls.__dict__.get("_steps_once")
    if steps is None:
        steps = []
        for name, template in cls._templates().items():
            if template.write_only:
                continue
            source = template.source if template.source is not None else name
            attrs = [] if source == "*" else source.split(".")
            plain = len(attrs) == 1 and type(template).get_attribute is Field.get_attribute
            write, own_settings = _writer(template)
            if _is_method(template) or not plain or not own_settings:
                steps.append((name, template, None, None))
            else:
                steps.append((name, template, attrs[0], write))
        cls._steps_once = steps
    return steps


def _zone():
    """The request's time zone, for the datetimes of one use of a serializer (which serves one request):
    DRF looks it up again for every value, a context-local read per row."""
    return timezone.get_current_timezone() if settings.USE_TZ else None


def _own_copy(template, zone):
    """A kept field copied for one use (see FieldsOnce)."""
    field = copy.deepcopy(template) if _holds_fields(template) else _copy(template)
    if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
        field.timezone = zone
    return field


def _holds_fields(field) -> bool:
    """A field of other fields (a list's child, a many-relation's child): those are bound to their holder when
    it is built, so a copy of the holder must build them again."""
    return hasattr(field, "child") or hasattr(field, "child_relation")


def _copy(field):
    """copy.copy(field), without the pickling protocol's detour: the same attributes on a new object."""
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


@extend_schema_field(MONTH_SCHEMA)
class MonthField(serializers.DateField):
    """A date that stands for its month: read and written YYYY-MM."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m")
        kwargs.setdefault("input_formats", MONTH_INPUT_FORMATS)
        super().__init__(**kwargs)


class RefSerializer(FieldsOnce, serializers.Serializer):
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
