"""Removing synthetic rows (the benchmark generator's and the demo's) with one DELETE per table."""

from django.core.exceptions import ValidationError
from django.db import models

from .models import ProgressReport

# The protected references synthetic data owns: its projects' progress reports and their corrections.
OWNED = {(ProgressReport, "project"), (ProgressReport, "corrects")}


def purge(queryset) -> int:
    """Deletes the rows with one DELETE per table: dependants first (recursively), SET_NULL references
    cleared. Raises ValidationError, deleting nothing once the caller's transaction rolls back, when real
    rows still protect them."""
    model = queryset.model
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.one_to_many or relation.one_to_one) or not relation.auto_created or relation.concrete:
            continue
        if relation.on_delete is models.DO_NOTHING:  # history tables keep their rows, with no constraint
            continue
        name = relation.field.name
        dependants = relation.related_model._base_manager.filter(**{f"{name}__in": queryset.values("pk")})
        if relation.on_delete is models.SET_NULL:
            dependants.update(**{name: None})
        elif relation.on_delete is models.PROTECT and (relation.related_model, name) not in OWNED:
            # Anything else that protects these rows is real data pointing at them: refuse, as delete()
            # would, and the transaction leaves everything in place.
            if dependants.exists():
                raise ValidationError(
                    f"{relation.related_model._meta.label} rows still refer to synthetic "
                    f"{model._meta.label} rows; nothing was deleted."
                )
        elif relation.related_model is not model or dependants.exists():
            # Rows of the same table pointing at these (a correction and the report it corrects) go
            # first, level by level, until no such row is left.
            purge(dependants)
    # QuerySet._raw_delete issues a plain DELETE … WHERE without collecting the rows in Python.
    return queryset._raw_delete(queryset.db)
