"""Writes to the project register: project create and update, pool moves, milestones, 三个一 contacts;
keyword-only, validated with full_clean(), one transaction each, recording who changed what."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shangdang_portal.coordinates import check_coordinates
from shangdang_portal.row_versions import lock_and_check

from . import hooks
from .models import DatePrecision, Milestone, PoolMove, Project, ProjectContact

# The fields a project is written through (the API's write serializer lists the same, plus `staff`).
PROJECT_FIELDS = set(Project.EDITABLE_FIELDS)
# What the roll-ups read of a project itself: where it counts, who may see it, its size, its pool and when it
# was to start. A save that changes one of them owes the project's roll-up.
ROLLUP_FIELDS = ("region_id", "park_id", "is_public", "total_investment", "pool", "planned_start")


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
    # The ledger import (references_checked) rolls the whole year up after its rows; any other writer owes the
    # project's own roll-up when what the roll-ups read of it changed.
    before = None
    if not references_checked and project.pk:
        before = Project.objects.filter(pk=project.pk).values(*ROLLUP_FIELDS).first()
    project.save()
    if staff is not None:
        project.staff.set(staff)
    if not references_checked and (before is None or any(before[f] != getattr(project, f) for f in ROLLUP_FIELDS)):
        hooks.register_changed.send(sender=Project, project_id=project.pk)
    return project


# The fields a project's point is versioned by (shangdang_portal.row_versions), for the project file's form.
LOCATION_VERSION_FIELDS = ("longitude", "latitude")


@transaction.atomic
def project_locate(*, project: Project, longitude, latitude, actor, version: str | None = None) -> Project:
    """Set or clear (both None) a project's point in decimal degrees, recording who did it: both or neither,
    inside China and not swapped (the ledger's rule)."""
    lock_and_check(Project, project.pk, version, LOCATION_VERSION_FIELDS)
    if (longitude is None) != (latitude is None):
        missing = "latitude" if latitude is None else "longitude"
        raise ValidationError({missing: _("经度和纬度须同时填写。")})
    problem = check_coordinates(longitude, latitude)
    if problem:
        keys, message = problem
        raise ValidationError(dict.fromkeys(keys, message))
    project = Project.objects.get(pk=project.pk)
    project.longitude, project.latitude = longitude, latitude
    return project_save(project=project, actor=actor)


# The fields a milestone's row version is computed from (shangdang_portal.row_versions): those a writer changes.
MILESTONE_VERSION_FIELDS = (
    "project",
    "kind",
    "planned_date",
    "planned_precision",
    "actual_date",
    "date_precision",
    "reached_undated",
    "batch",
)


def _as_precise_as(day, precision: str):
    """A date known to the month or year is stored as its first day (Milestone.date_precision)."""
    if day is None:
        return None
    if precision == DatePrecision.YEAR:
        return day.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return day.replace(day=1)
    return day


def _register_changed(project_id: int) -> None:
    # Sent inside the transaction: the receiver (the roll-up) records what it owes with the change and queues it
    # after commit.
    hooks.register_changed.send(sender=Milestone, project_id=project_id)


@transaction.atomic
def milestone_save(*, milestone: Milestone, actor, version: str | None = None) -> Milestone:
    """Create or change a milestone (planned and actual dates with their precision, its 三个一批 batch), recording
    who did it; the project's roll-up follows on commit."""
    lock_and_check(Milestone, milestone.pk, version, MILESTONE_VERSION_FIELDS)
    milestone.planned_date = _as_precise_as(milestone.planned_date, milestone.planned_precision)
    milestone.actual_date = _as_precise_as(milestone.actual_date, milestone.date_precision)
    if milestone.actual_date is not None:
        milestone.reached_undated = False
    twins = Milestone.objects.filter(project_id=milestone.project_id, kind=milestone.kind).exclude(pk=milestone.pk)
    if milestone.project_id and twins.exists():
        # The database refuses it too (milestone_once_per_project); said here so the message names the field.
        raise ValidationError({"kind": _("该项目已有此节点。")})
    milestone.full_clean()
    milestone._history_user = actor
    milestone.save()
    _register_changed(milestone.project_id)
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone, actor, version: str | None = None) -> None:
    lock_and_check(Milestone, milestone.pk, version, MILESTONE_VERSION_FIELDS)
    project_id = milestone.project_id
    milestone._history_user = actor
    milestone.delete()
    _register_changed(project_id)


@transaction.atomic
def project_pool_move(*, project: Project, to_pool: str, reason: str, actor, moved_on=None) -> PoolMove:
    """Move a project to another 四库 pool with the reason, recorded as a PoolMove and in the project's history;
    the project's roll-up (its pools in the pipeline) follows on commit."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if to_pool == project.pool:
        raise ValidationError({"to_pool": _("新库必须不同于原库。")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写变动原因。")})
    move = PoolMove(
        project=project,
        from_pool=project.pool or "",
        to_pool=to_pool,
        moved_on=moved_on or timezone.localdate(),
        reason=reason.strip(),
        actor=actor,
    )
    move.full_clean()
    move.save()
    project.pool = to_pool
    project_save(project=project, actor=actor)  # a new pool: the save owes the project's roll-up
    return move


# The fields a contact's row version is computed from: all a writer may change.
CONTACT_VERSION_FIELDS = ("project", "role", "name", "title", "phone")


@transaction.atomic
def contact_save(*, contact: ProjectContact, actor, version: str | None = None) -> ProjectContact:
    """Create or change one of a project's 三个一 contacts (包联领导, 专职推进干部, 常驻联络员), recording
    who did it."""
    lock_and_check(ProjectContact, contact.pk, version, CONTACT_VERSION_FIELDS)
    contact.name = (contact.name or "").strip()
    contact.title = (contact.title or "").strip()
    contact.phone = (contact.phone or "").strip()
    twins = ProjectContact.objects.filter(project_id=contact.project_id, role=contact.role).exclude(pk=contact.pk)
    if contact.project_id and twins.exists():
        # The database refuses it too (contact_one_per_role); said here so the message names the field.
        raise ValidationError({"role": _("该项目已有此角色的包联人员。")})
    contact.full_clean()
    contact._history_user = actor
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, contact: ProjectContact, actor, version: str | None = None) -> None:
    lock_and_check(ProjectContact, contact.pk, version, CONTACT_VERSION_FIELDS)
    contact._history_user = actor
    contact.delete()
