"""Optimistic locking for rows without a version column: their version is a short hash of the fields a writer
may change, so If-Match (ETagMixin) and a page's hidden field work as they do for versioned rows."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .field_values import related_names, shown_value


@dataclass
class FieldChange:
    field: str
    label: str
    before: object
    after: object
    # The values as people read them (shangdang_portal.field_values.shown_value), where a page shows them.
    before_shown: str = ""
    after_shown: str = ""


def _plain(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        # 10, 10.0 and 10.00 are the same amount: the version must not change with how it was typed.
        return format(value.normalize(), "f")
    return str(value)


def _attname(model, field: str) -> str:
    return model._meta.get_field(field).attname


def row_version(obj, fields: tuple[str, ...]) -> str:
    """The row's version: a hash of `fields` as they are on `obj` (a model instance or its historical record)."""
    values = [_plain(getattr(obj, _attname(type(obj), f))) for f in fields]
    return hashlib.sha1(json.dumps(values, ensure_ascii=False).encode()).hexdigest()[:12]


def changes_since(obj, version: str, fields: tuple[str, ...]) -> list[FieldChange]:
    """What changed in `obj` since the state whose version is `version`, found in its history (django-simple-history);
    empty when that state is not in the history."""
    for record in obj.history.order_by("-history_date", "-history_id")[:100]:
        if row_version(record, fields) == version:
            model = type(obj)
            changes = []
            for field in fields:
                attname = _attname(model, field)
                before, after = getattr(record, attname), getattr(obj, attname)
                if _plain(before) != _plain(after):
                    label = str(model._meta.get_field(field).verbose_name)
                    changes.append(FieldChange(field, label, before, after))
            names = related_names(model, [(c.field, v) for c in changes for v in (c.before, c.after)])
            for change in changes:
                change.before_shown = shown_value(model, change.field, change.before, names)
                change.after_shown = shown_value(model, change.field, change.after, names)
            return changes
    return []


class StaleRow(Exception):
    """A write based on an old version of a row: someone else saved it in between. Shaped like the progress
    workflow's ConflictError (message, current_version, changes) so ETagMixin answers it the same way."""

    def __init__(self, obj, expected: str, fields: tuple[str, ...]):
        self.current_version = row_version(obj, fields)
        self.changes = changes_since(obj, expected, fields)
        changed = "、".join(c.label for c in self.changes) or _("内容")
        self.message = _("该记录已被他人修改(变更: %(changed)s)，请刷新后重试。") % {"changed": changed}
        super().__init__(self.message)


def check_row_version(obj, expected: str | None, fields: tuple[str, ...]) -> None:
    """Refuse a write based on another version of `obj` (as saved); no version sent means no check."""
    if expected is not None and row_version(obj, fields) != expected:
        raise StaleRow(obj, expected, fields)


def lock_and_check(model, pk: int | None, version: str | None, fields: tuple[str, ...]) -> None:
    """Inside a service's transaction: lock the saved row and refuse the write if it is not at `version`."""
    if pk is not None and version is not None:
        check_row_version(model.objects.select_for_update().get(pk=pk), version, fields)
