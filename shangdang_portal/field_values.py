"""A stored field value as people read it (the one rule for change histories and "what changed" messages):
choice labels, 是/否, the related row's name, dates in the portal's format, money and numbers grouped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from .templatetags.portal import number

# Fields that only keep the books (a row's version counter, timestamps of the row itself, the demo's marker):
# a change to them alone is not a change anyone made to the project.
BOOKKEEPING_FIELDS = frozenset({"version", "created_at", "updated_at", "is_synthetic"})
EMPTY = "—"


def user_name(user) -> str:
    """A person as the portal names them: full name, else the user name."""
    if user is None:
        return EMPTY
    return user.get_full_name() or user.get_username()


def related_names(model: type[models.Model], pairs: Iterable[tuple[str, object]]) -> dict[tuple[str, object], str]:
    """The names of the rows that foreign-key values point at, one query per related model:
    {(field name, id): name}."""
    wanted: dict[type, set] = {}
    fields = {}
    for name, value in pairs:
        field = model._meta.get_field(name)
        if field.is_relation and value not in (None, ""):
            fields[name] = field
            wanted.setdefault(field.related_model, set()).add(value)
    found = {related: related._default_manager.in_bulk(ids) for related, ids in wanted.items()}
    users = get_user_model()
    names = {}
    for name, value in pairs:
        if name in fields:
            obj = found[fields[name].related_model].get(value)
            if obj is not None:
                names[(name, value)] = user_name(obj) if isinstance(obj, users) else str(obj)
    return names


def shown_value(model: type[models.Model], name: str, value, names: dict | None = None) -> str:
    """`value` of `model.name` as a person reads it; `names` from related_names for foreign keys."""
    if value is None or value == "" or value == []:
        return EMPTY
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("是") if value else _("否")
    if field.is_relation:
        return (names or {}).get((name, value), f"#{value}")
    if isinstance(field, models.DateTimeField):
        moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
        if moment is None:
            return str(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(field, models.DateField):
        day = value if isinstance(value, dt.date) else parse_date(str(value))
        return day.strftime("%Y-%m-%d") if day else str(value)
    if isinstance(field, models.DecimalField | models.IntegerField) or isinstance(value, Decimal):
        return number(value)
    if isinstance(value, list | tuple):
        return "、".join(str(item) for item in value)
    return str(value)
