"""Writes to the project register: project create and update, keyword-only, validated with full_clean(),
one transaction each, recording who changed what."""

from __future__ import annotations

from django.db import transaction

from .models import Project

PROJECT_FIELDS = {
    "name",
    "aliases",
    "region",
    "park",
    "industry_chain",
    "company",
    "category",
    "construction_type",
    "priority_level",
    "is_major",
    "pool",
    "total_investment",
    "planned_start",
    "planned_end",
    "capacity",
    "scale_value",
    "scale_unit",
    "description",
    "in_statistics",
    "is_public",
}


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - PROJECT_FIELDS
    if unknown:
        raise TypeError(f"not project fields: {sorted(unknown)}")


@transaction.atomic
def project_create(*, actor, staff=None, **fields) -> Project:
    _check_fields(fields)
    project = Project(**fields)
    project._history_user = actor
    project.full_clean()
    project.save()
    if staff is not None:
        project.staff.set(staff)
    return project


@transaction.atomic
def project_update(*, project: Project, actor, staff=None, **fields) -> Project:
    _check_fields(fields)
    for name, value in fields.items():
        setattr(project, name, value)
    project._history_user = actor
    project.full_clean()
    project.save()
    if staff is not None:
        project.staff.set(staff)
    return project
