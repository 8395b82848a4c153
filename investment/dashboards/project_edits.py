"""The planning inputs edited on the project file (一项目一档) by officials and admins: each milestone's planned
and actual dates with their precision and 三个一批 batch, the 三个一 contacts, and a move to another 四库 pool.
Every save goes through the projects services; a milestone or contact row carries the version it was shown at,
so a save over someone else's change says what they changed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects import services
from projects.models import Batch, DatePrecision, Milestone, Pool, Project, ProjectContact
from shangdang_portal.permissions import can_edit_plans
from shangdang_portal.row_versions import StaleRow, row_version

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(choices=Milestone.Kind.choices, widget=forms.HiddenInput)
    version = forms.CharField(required=False, widget=forms.HiddenInput)
    planned_date = forms.DateField(label=gettext_lazy("计划日期"), required=False, widget=DATE_INPUT)
    planned_precision = forms.ChoiceField(label=gettext_lazy("计划日期精度"), choices=DatePrecision.choices)
    actual_date = forms.DateField(label=gettext_lazy("实际日期"), required=False, widget=DATE_INPUT)
    date_precision = forms.ChoiceField(label=gettext_lazy("日期精度"), choices=DatePrecision.choices)
    batch = forms.ModelChoiceField(
        label=gettext_lazy("三个一批批次"), queryset=Batch.objects.order_by("-year", "name"), required=False
    )


class ContactForm(forms.Form):
    role = forms.ChoiceField(choices=ProjectContact.Role.choices, widget=forms.HiddenInput)
    version = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label=gettext_lazy("姓名"), max_length=50, required=False, help_text=gettext_lazy("清空姓名即删除该人员")
    )
    title = forms.CharField(label=gettext_lazy("职务"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("电话"), max_length=30, required=False)


class PoolMoveForm(forms.Form):
    # No pool chosen at first: a move is never one click away by accident.
    to_pool = forms.ChoiceField(label=gettext_lazy("新库"), choices=[("", "—"), *Pool.choices])
    reason = forms.CharField(label=gettext_lazy("变动原因"), max_length=300)
    moved_on = forms.DateField(label=gettext_lazy("日期"), required=False, widget=DATE_INPUT)


class LocationForm(forms.Form):
    """The project's point, in decimal degrees; both blank clears it (the map then uses its park or region)."""

    version = forms.CharField(required=False, widget=forms.HiddenInput)
    # The range is the service's rule (shangdang_portal.coordinates), which also tells a swapped pair.
    longitude = forms.DecimalField(label=gettext_lazy("经度"), required=False, max_digits=9, decimal_places=6)
    latitude = forms.DecimalField(label=gettext_lazy("纬度"), required=False, max_digits=9, decimal_places=6)


def location_form(project: Project) -> LocationForm:
    return LocationForm(
        initial={
            "version": row_version(project, services.LOCATION_VERSION_FIELDS),
            "longitude": project.longitude,
            "latitude": project.latitude,
        }
    )


def location_save(*, project: Project, form: LocationForm, actor) -> list:
    """Saves a valid form; returns what changed when the project's point was changed meanwhile."""
    data = form.cleaned_data
    try:
        services.project_locate(
            project=project,
            longitude=data["longitude"],
            latitude=data["latitude"],
            actor=actor,
            version=data["version"] or None,
        )
    except StaleRow as stale:
        form.add_error(None, stale.message)
        return stale.changes
    except ValidationError as error:
        _add_errors(form, error)
    return []


def require_planner(user) -> None:
    if not can_edit_plans(user):
        raise PermissionDenied(_("只有领导和管理员可以修改计划。"))


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields and field != "kind" else None, errors)
    else:
        form.add_error(None, error.messages)


def milestone_rows(project: Project, *, failed: MilestoneForm | None = None, changes=()) -> list[dict]:
    """One row per milestone kind: the project's milestone (or a new one), with its form; the failed form in
    its row when a save was refused."""
    existing = {m.kind: m for m in getattr(project, "timeline", None) or project.milestones.all()}
    # The batches are read once for every row's menu, not once per row.
    batches = list(MilestoneForm.base_fields["batch"].choices)
    rows = []
    for kind, label in Milestone.Kind.choices:
        milestone = existing.get(kind)
        if failed is not None and failed.data.get("kind") == kind:
            rows.append({"kind": kind, "label": label, "form": failed, "changes": list(changes)})
            continue
        initial = {"kind": kind, "planned_precision": DatePrecision.DAY, "date_precision": DatePrecision.DAY}
        if milestone is not None:
            initial.update(
                version=row_version(milestone, services.MILESTONE_VERSION_FIELDS),
                planned_date=milestone.planned_date,
                planned_precision=milestone.planned_precision,
                actual_date=milestone.actual_date,
                date_precision=milestone.date_precision,
                batch=milestone.batch_id,
            )
        form = MilestoneForm(initial=initial, auto_id=f"id_{kind}_%s")
        form.fields["batch"].choices = batches
        rows.append({"kind": kind, "label": label, "form": form, "changes": []})
    return rows


def milestone_form(data) -> MilestoneForm:
    """The posted row; its ids carry its kind, as on the page, so they stay unique there."""
    kind = data.get("kind", "")
    return MilestoneForm(data, auto_id=f"id_{kind}_%s" if kind in Milestone.Kind.values else "id_%s")


def milestone_save(*, project: Project, form: MilestoneForm, actor) -> list:
    """Saves a valid row; returns what changed when the row was stale (the form then holds the errors)."""
    data = form.cleaned_data
    milestone = Milestone.objects.filter(project=project, kind=data["kind"]).first() or Milestone(
        project=project, kind=data["kind"]
    )
    for name in ("planned_date", "planned_precision", "actual_date", "date_precision", "batch"):
        setattr(milestone, name, data[name])
    try:
        services.milestone_save(milestone=milestone, actor=actor, version=data["version"] or None)
    except StaleRow as stale:
        form.add_error(None, stale.message)
        return stale.changes
    except ValidationError as error:
        _add_errors(form, error)
    return []


def pool_move(*, project: Project, form: PoolMoveForm, actor) -> None:
    data = form.cleaned_data
    try:
        services.project_pool_move(
            project=project, to_pool=data["to_pool"], reason=data["reason"], moved_on=data["moved_on"], actor=actor
        )
    except ValidationError as error:
        _add_errors(form, error)


def contact_rows(project: Project, *, failed: ContactForm | None = None, changes=()) -> list[dict]:
    """One row per 三个一 role (包联领导, 专职推进干部, 常驻联络员): the project's contact or an empty one."""
    existing = {c.role: c for c in ProjectContact.objects.filter(project=project)}
    rows = []
    for role, label in ProjectContact.Role.choices:
        if failed is not None and failed.data.get("role") == role:
            rows.append({"role": role, "label": label, "form": failed, "changes": list(changes)})
            continue
        contact = existing.get(role)
        initial = {"role": role}
        if contact is not None:
            initial.update(
                version=row_version(contact, services.CONTACT_VERSION_FIELDS),
                name=contact.name,
                title=contact.title,
                phone=contact.phone,
            )
        form = ContactForm(initial=initial, auto_id=f"id_contact_{role}_%s")
        rows.append({"role": role, "label": label, "form": form, "changes": []})
    return rows


def contact_form(data) -> ContactForm:
    role = data.get("role", "")
    return ContactForm(data, auto_id=f"id_contact_{role}_%s" if role in ProjectContact.Role.values else "id_%s")


def contact_save(*, project: Project, form: ContactForm, actor) -> list:
    """Saves a valid row (a blank name removes the contact); returns what changed when the row was stale."""
    data = form.cleaned_data
    contact = ProjectContact.objects.filter(project=project, role=data["role"]).first()
    version = data["version"] or None
    try:
        if not data["name"].strip():
            if contact is None:
                form.add_error("name", _("请填写姓名。"))
            else:
                services.contact_delete(contact=contact, actor=actor, version=version)
            return []
        contact = contact or ProjectContact(project=project, role=data["role"])
        contact.name, contact.title, contact.phone = data["name"], data["title"], data["phone"]
        services.contact_save(contact=contact, actor=actor, version=version)
    except StaleRow as stale:
        form.add_error(None, stale.message)
        return stale.changes
    except ValidationError as error:
        _add_errors(form, error)
    return []
