"""Reads of the monthly progress workflow: which reports count, their totals derived in SQL, what a user
may see, the staff and reviewer queues, notifications, and change history (who changed which field)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncYear
from django.utils import timezone

from shangdang_portal import roles
from shangdang_portal.field_values import BOOKKEEPING_FIELDS, related_names, shown_value, user_name
from shangdang_portal.filtering import apply_filterset
from shangdang_portal.money import MONEY
from shangdang_portal.row_versions import FieldChange

from ..filtersets import ProgressReportFilterSet, ProjectIssueFilterSet
from ..models import (
    Milestone,
    Notification,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectContact,
    ProjectIssue,
    counted_reports,
)
from . import hooks

ZERO = Value(Decimal("0"), output_field=DecimalField(**MONEY))


# --- progress reports ----------------------------------------------------------------------------


def _prior_sum(*, same_year: bool) -> Subquery:
    # Only one counted report exists per project and month, so the months before this one plus this
    # report's own amount is the running total whatever this report's status (a draft shows what
    # the total will be once it is approved; a correction replaces the month it corrects).
    prior = counted_reports().filter(project=OuterRef("project"), period__lt=OuterRef("period"))
    if same_year:
        prior = prior.filter(period__gte=OuterRef("year_start"))
    total = prior.order_by().values("project").annotate(total=Sum("investment_completed")).values("total")
    return Subquery(total, output_field=DecimalField(**MONEY))


def with_totals(queryset: QuerySet[ProgressReport]) -> QuerySet[ProgressReport]:
    """Annotates year_to_date and since_start (万元), derived from approved reports, never typed."""
    return queryset.annotate(year_start=TruncYear("period")).annotate(
        year_to_date=Coalesce(_prior_sum(same_year=True), ZERO) + F("investment_completed"),
        since_start=Coalesce(_prior_sum(same_year=False), ZERO) + F("investment_completed"),
    )


def visible_progress_reports(user) -> QuerySet[ProgressReport]:
    """Readers of everything see every report; staff the reports of their projects and those they wrote."""
    reports = ProgressReport.objects.all()
    if roles.can_read_all(user):
        return reports
    if roles.STAFF in roles.roles_of(user):
        assigned = Project.staff.through.objects.filter(user_id=user.pk).values("project_id")
        return reports.filter(Q(project_id__in=assigned) | Q(created_by_id=user.pk))
    return reports.none()


def visible_photos(user) -> QuerySet[ProgressPhoto]:
    """The photos of the reports the user may see (visible_progress_reports)."""
    return ProgressPhoto.objects.filter(report__in=visible_progress_reports(user).values("pk"))


def reporting_projects(user) -> QuerySet[Project]:
    """The projects a user reports progress for: any for admins, the assigned ones for staff, else none.
    The query form of permissions.can_edit_progress, so pages answer 404 for the rest."""
    projects = Project.objects.all()
    held = roles.roles_of(user)
    if roles.ADMIN in held:
        return projects
    if roles.STAFF in held:
        return projects.filter(pk__in=Project.staff.through.objects.filter(user_id=user.pk).values("project_id"))
    return projects.none()


def editable_corrections(user) -> QuerySet[ProgressReport]:
    """The corrections (reports linked to the one they correct) of the projects the user reports for."""
    return ProgressReport.objects.filter(corrects__isnull=False, project__in=reporting_projects(user).values("pk"))


def progress_visible_projects(user) -> QuerySet[Project]:
    """The projects whose progress and change history a user may follow: all for readers of everything,
    else those the user reports for. The query form of permissions.can_see_progress."""
    if roles.can_read_all(user):
        return Project.objects.all()
    return reporting_projects(user)


def issue_list(*, user, filters: dict | None = None) -> QuerySet[ProjectIssue]:
    """The obstacles (问题清单) of the projects whose progress the user follows, open ones first (raised, then
    assigned), newest first within each; filtered by ProjectIssueFilterSet."""
    open_first = Case(
        When(status=ProjectIssue.Status.RAISED, then=Value(0)),
        When(status=ProjectIssue.Status.ASSIGNED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    queryset = (
        ProjectIssue.objects.filter(project__in=progress_visible_projects(user).values("pk"))
        .select_related("project", "raised_by")
        .order_by(open_first, "-raised_on", "-pk")
    )
    return apply_filterset(ProjectIssueFilterSet, filters, queryset)


def progress_report_list(*, user, filters: dict | None = None) -> QuerySet[ProgressReport]:
    """Reports the user may see, with their totals, filtered by ProgressReportFilterSet (newest month first)."""
    queryset = with_totals(
        visible_progress_reports(user).select_related("project", "created_by", "reviewed_by", "corrects")
    ).order_by("-period", "project__name", "pk")
    return apply_filterset(ProgressReportFilterSet, filters, queryset)


def progress_report_get(*, pk: int) -> ProgressReport:
    return with_totals(ProgressReport.objects.select_related("project", "created_by", "reviewed_by")).get(pk=pk)


def project_investment_total(*, project: Project, excluding_period: dt.date | None = None) -> Decimal:
    """Investment completed since the start from counted reports, optionally leaving one month out."""
    qs = counted_reports().filter(project=project)
    if excluding_period is not None:
        qs = qs.exclude(period=excluding_period)
    return qs.aggregate(total=Coalesce(Sum("investment_completed"), ZERO))["total"]


def current_period(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today.replace(day=1)


def previous_period(period: dt.date) -> dt.date:
    return (period - dt.timedelta(days=1)).replace(day=1)


def counted_report_for(*, project: Project, period: dt.date) -> ProgressReport | None:
    """The approved figures of one month (the correction if there is one), with totals."""
    return with_totals(counted_reports().filter(project=project, period=period)).first()


def open_report_for(*, project: Project, period: dt.date) -> ProgressReport | None:
    """The report staff are still working on for a month (draft, returned or submitted), if any."""
    return (
        ProgressReport.objects.filter(project=project, period=period)
        .exclude(status=ProgressReport.Status.APPROVED)
        .order_by("-id")
        .first()
    )


def staff_project_list(*, user) -> QuerySet[Project]:
    """Projects a staff member reports for (Project.staff), each with this month's report status."""
    this_month = ProgressReport.objects.filter(project=OuterRef("pk"), period=current_period()).order_by("-id")
    return (
        Project.objects.filter(staff=user)
        .select_related("region", "park")
        .annotate(
            this_month_status=Subquery(this_month.values("status")[:1]),
            this_month_report=Subquery(this_month.values("pk")[:1]),
        )
        .order_by("name")
    )


def returned_report_list(*, user) -> QuerySet[ProgressReport]:
    """Returned reports on the user's projects, waiting to be fixed and submitted again."""
    return (
        with_totals(ProgressReport.objects.filter(status=ProgressReport.Status.RETURNED, project__staff=user))
        .select_related("project", "reviewed_by")
        .order_by("-period", "project__name")
    )


def review_queue(*, user=None) -> QuerySet[ProgressReport]:
    """Submitted reports waiting for a reviewer, oldest first."""
    return (
        with_totals(ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED))
        .select_related("project", "created_by", "corrects")
        .order_by("submitted_at", "id")
    )


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user).select_related("actor", "report__project")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_notification_count(*, user) -> int:
    """One COUNT on the (recipient, read_at) index, for the header of every page."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def staff_without_submitted_month(*, period: dt.date) -> QuerySet:
    """Active staff with an assigned project whose month is neither submitted nor approved, and no reminder
    for that month yet: who the monthly reminder goes to."""
    done = ProgressReport.objects.filter(
        project=OuterRef("pk"),
        period=period,
        status__in=[ProgressReport.Status.SUBMITTED, ProgressReport.Status.APPROVED],
    )
    open_project = Project.objects.filter(staff=OuterRef("pk")).exclude(Exists(done))
    reminded = Notification.objects.filter(recipient=OuterRef("pk"), verb=Notification.Verb.REMINDER, period=period)
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.STAFF)
        .filter(Exists(open_project))
        .exclude(Exists(reminded))
        .distinct()
        .order_by("pk")
    )


# --- history -------------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: dt.datetime
    user: object
    action: str  # "+" created, "~" changed, "-" deleted (simple_history's history_type)
    model: str
    object_id: int
    object_repr: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def user_name(self) -> str:
        return user_name(self.user)


def _load_relations(instances: list, names: tuple[str, ...]) -> None:
    """Fills the foreign keys an object's __str__ reads with one query per relation, not one per row."""
    for name in names:
        model = instances[0]._meta.get_field(name).related_model if instances else None
        if model is None:
            continue
        related = model.objects.in_bulk({getattr(i, f"{name}_id") for i in instances} - {None})
        for instance in instances:
            value = related.get(getattr(instance, f"{name}_id"))
            if value is not None:
                setattr(instance, name, value)


def _entries(records, model_label: str, relations: tuple[str, ...] = ()) -> list[HistoryEntry]:
    """Turns historical rows into entries, each diffed against the previous row of the same object. Changes
    to bookkeeping fields alone (a version bump) are left out, and so is an entry that changed nothing else."""
    records = list(records)
    # history_object is built from the historical row alone; .instance would query the live row once
    # per record for the fields history does not keep (updated_at).
    instances = [record.history_object for record in records]
    _load_relations(instances, relations)
    previous: dict[int, object] = {}
    entries = []
    for record, instance in zip(records, instances, strict=True):
        prior = previous.get(record.id)
        changes = []
        if prior is not None and record.history_type == "~":
            for change in record.diff_against(prior, foreign_keys_are_objs=False).changes:
                if change.field in BOOKKEEPING_FIELDS:
                    continue
                label = str(instance._meta.get_field(change.field).verbose_name)
                changes.append(FieldChange(change.field, label, change.old, change.new))
        previous[record.id] = record
        if record.history_type == "~" and prior is not None and not changes:
            continue  # saved without a change anyone made (or only a version bump)
        entries.append(
            HistoryEntry(
                when=record.history_date,
                user=record.history_user,
                action=record.history_type,
                model=model_label,
                object_id=record.id,
                object_repr=str(instance),
                changes=changes,
            )
        )
    _show_values(entries, type(instances[0]) if instances else None)
    return entries


def _show_values(entries: list[HistoryEntry], model) -> None:
    """Each change's values as people read them, the related rows' names looked up once per related model."""
    pairs = [(c.field, v) for e in entries for c in e.changes for v in (c.before, c.after)]
    if model is None or not pairs:
        return
    names = related_names(model, pairs)
    for entry in entries:
        for change in entry.changes:
            change.before_shown = shown_value(model, change.field, change.before, names)
            change.after_shown = shown_value(model, change.field, change.after, names)


def _history(manager, model_label: str, relations: tuple[str, ...] = (), **filters) -> list[HistoryEntry]:
    records = manager.filter(**filters).select_related("history_user").order_by("history_date", "history_id")
    return _entries(records, model_label, relations)


def progress_report_history(report: ProgressReport) -> list[HistoryEntry]:
    """Every saved state of one report, newest first, with who changed which field from what to what."""
    entries = _history(ProgressReport.history, str(ProgressReport._meta.verbose_name), ("project",), id=report.pk)
    return sorted(entries, key=lambda e: e.when, reverse=True)


def project_history(project: Project) -> list[HistoryEntry]:
    """Changes to a project, its milestones, progress reports, contacts and, from the apps above that add
    their models in hooks.project_history_models (investment adds figures), those too; newest first. Those
    who may see a project's history may see its contacts (permissions.can_see_contacts)."""
    # The queries stay the same in number however long the history is: one per table and relation.
    entries = _history(Project.history, str(Project._meta.verbose_name), id=project.pk)
    entries += _history(Milestone.history, str(Milestone._meta.verbose_name), ("project",), project_id=project.pk)
    entries += _history(
        ProgressReport.history, str(ProgressReport._meta.verbose_name), ("project",), project_id=project.pk
    )
    entries += _history(ProjectContact.history, str(ProjectContact._meta.verbose_name), project_id=project.pk)
    for model, relations in hooks.project_history_models:
        entries += _history(model.history, str(model._meta.verbose_name), relations, project_id=project.pk)
    return sorted(entries, key=lambda e: e.when, reverse=True)


def changes_since(report: ProgressReport, version: int) -> list[FieldChange]:
    """What changed in a report since the given version: the message a stale writer gets."""
    old = ProgressReport.history.filter(id=report.pk, version=version).order_by("-history_date").first()
    new = ProgressReport.history.filter(id=report.pk).order_by("-history_date", "-history_id").first()
    if old is None or new is None:
        return []
    ignored = {"version", "updated_at", "submitted_at", "reviewed_at"}
    return [
        FieldChange(c.field, str(ProgressReport._meta.get_field(c.field).verbose_name), c.old, c.new)
        for c in new.diff_against(old, foreign_keys_are_objs=False).changes
        if c.field not in ignored
    ]
