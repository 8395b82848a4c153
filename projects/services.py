"""Writes to the project register: project create and update, keyword-only, validated with full_clean(),
one transaction each, recording who changed what."""

from __future__ import annotations

from django.db import transaction

from .models import Project

# The fields a project is written through (the API's write serializer lists the same, plus `staff`).
PROJECT_FIELDS = set(Project.EDITABLE_FIELDS)


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - PROJECT_FIELDS
    if unknown:
        raise TypeError(f"not project fields: {sorted(unknown)}")


@transaction.atomic
def project_create(*, actor, staff=None, **fields) -> Project:
    _check_fields(fields)
    return project_save(project=Project(**fields), actor=actor, staff=staff)


@transaction.atomic
def project_update(*, project: Project, actor, staff=None, **fields) -> Project:
    _check_fields(fields)
    for name, value in fields.items():
        setattr(project, name, value)
    return project_save(project=project, actor=actor, staff=staff)


@transaction.atomic
def project_save(*, project: Project, actor, staff=None, references_checked: bool = False) -> Project:
    """Validate and save a project as it stands, recording who did it (the admin saves through here too).

    A bulk writer that has already resolved the project's region, park, company and chain and checked its
    name and code (the ledger import) says `references_checked`: its fields are still validated, the rest is
    left to the database's constraints rather than asked row by row."""
    project._history_user = actor
    if references_checked:
        references = [f.name for f in Project._meta.concrete_fields if f.is_relation]
        project.full_clean(exclude=references, validate_unique=False, validate_constraints=False)
    else:
        project.full_clean()
    project.save()
    if staff is not None:
        project.staff.set(staff)
    return project
