"""Reads of companies and projects, shaped for lists: joins and prefetches fixed, so queries do not grow per row."""

from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import RowNumber

from shangdang_portal import roles
from shangdang_portal.filtering import apply_filterset

from .filtersets import CompanyFilterSet, ProjectFilterSet
from .models import Company, Milestone, ProgressReport, Project


def visible_projects(user) -> QuerySet[Project]:
    """What a caller may see: everything for readers of all, public plus assigned for staff, else public only."""
    projects = Project.objects.all()
    if roles.can_read_all(user):
        return projects
    if roles.STAFF in roles.roles_of(user):
        assigned = Project.staff.through.objects.filter(user_id=user.pk).values("project_id")
        return projects.filter(Q(is_public=True) | Q(pk__in=assigned))
    return projects.filter(is_public=True)


def approved_progress() -> QuerySet[ProgressReport]:
    """Progress that counts: approved and not replaced by a correction."""
    return ProgressReport.objects.filter(status=ProgressReport.Status.APPROVED, is_superseded=False)


def _contacts_visible(user):
    if roles.can_read_all(user):
        return Value(True, output_field=BooleanField())
    if roles.STAFF in roles.roles_of(user):
        return Exists(Project.staff.through.objects.filter(project_id=OuterRef("pk"), user_id=user.pk))
    return Value(False, output_field=BooleanField())


def project_list(*, user, filters: dict | None = None) -> QuerySet[Project]:
    """Projects the user may see, with region/park/chain/company joined, milestones, contacts, the latest
    approved progress report (`latest_progress`, a list of at most one) and `cumulative_investment`."""
    latest = approved_progress().annotate(
        rank=Window(RowNumber(), partition_by="project_id", order_by=["-period", "-pk"])
    )
    cumulative = (
        approved_progress()
        .filter(project_id=OuterRef("pk"))
        .order_by()
        .values("project_id")
        .annotate(total=Sum("investment_completed"))
        .values("total")
    )
    queryset = (
        visible_projects(user)
        .select_related("region", "park", "industry_chain", "company")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.select_related("batch").order_by("kind", "pk")),
            Prefetch("progress_reports", queryset=latest.filter(rank=1), to_attr="latest_progress"),
        )
        .annotate(contacts_visible=_contacts_visible(user), cumulative_investment=Subquery(cumulative))
        .order_by("name", "pk")
    )
    if getattr(user, "is_authenticated", False):
        queryset = queryset.prefetch_related("contacts")
    return apply_filterset(ProjectFilterSet, filters, queryset)


def project_get(*, user, pk) -> Project | None:
    return project_list(user=user).filter(pk=pk).first()


def company_list(*, user, filters: dict | None = None) -> QuerySet[Company]:
    queryset = Company.objects.select_related("region").order_by("name", "pk")
    return apply_filterset(CompanyFilterSet, filters, queryset)
