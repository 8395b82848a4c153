"""Reads of the project register, shaped for lists: companies, the projects a user may see with joins and
prefetches fixed so queries do not grow per row. One project's file (一项目一档) composes every app's
data, so its reads live above: investment/dashboards/project_file.py."""

from __future__ import annotations

from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value

from shangdang_portal import roles
from shangdang_portal.built_once import for_anonymous
from shangdang_portal.filtering import apply_filterset

from .filtersets import CompanyFilterSet, ContactFilterSet, MilestoneFilterSet, ProjectFilterSet
from .models import Company, Milestone, ProgressReport, Project, ProjectContact, counted_reports

# --- projects and companies --------------------------------------------------------------------


def visible_projects(user) -> QuerySet[Project]:
    """What a caller may see: everything for readers of all, public plus assigned for staff, else public only."""
    projects = Project.objects.all()
    if roles.can_read_all(user):
        return projects
    if roles.STAFF in roles.roles_of(user):
        assigned = Project.staff.through.objects.filter(user_id=user.pk).values("project_id")
        return projects.filter(Q(is_public=True) | Q(pk__in=assigned))
    return projects.filter(is_public=True)


def _contacts_visible(user):
    """Whether the user may see a project's contacts (names and phone numbers): the query form of
    permissions.can_see_contacts, as an annotation on projects."""
    if roles.can_read_all(user):
        return Value(True, output_field=BooleanField())
    if roles.STAFF in roles.roles_of(user):
        return Exists(Project.staff.through.objects.filter(project_id=OuterRef("pk"), user_id=user.pk))
    return Value(False, output_field=BooleanField())


def project_list(*, user, filters: dict | None = None) -> QuerySet[Project]:
    """Projects the user may see, with region/park/chain/company joined, milestones, contacts, the latest
    approved progress report (`latest_progress`, a list of at most one) and `cumulative_investment`."""
    queryset = for_anonymous("project_list", user, lambda: _project_list(user))
    return apply_filterset(ProjectFilterSet, filters, queryset)


def _project_list(user) -> QuerySet[Project]:
    # The newest counted report of each project, looked up per report of the page's projects only:
    # the prefetch adds `project_id IN (page ids)`, and the (project, period) index answers the lookup.
    # A window over every approved report ranked all of them on each request. The outer query has no
    # status filter of its own (the subquery's pk is a counted report), so the planner cannot choose
    # to walk every approved report through the status index instead.
    newest = counted_reports().filter(project_id=OuterRef("project_id")).order_by("-period", "-pk").values("pk")[:1]
    latest = ProgressReport.objects.filter(pk=Subquery(newest)).order_by()  # one per project: no order, no join
    cumulative = (
        counted_reports()
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
            Prefetch("progress_reports", queryset=latest, to_attr="latest_progress"),
        )
        .annotate(contacts_visible=_contacts_visible(user), cumulative_investment=Subquery(cumulative))
        .order_by("name", "pk")
    )
    if getattr(user, "is_authenticated", False):
        queryset = queryset.prefetch_related("contacts")
    return queryset


def project_export_list(*, user) -> QuerySet[Project]:
    """The projects the user may see, in the list's order, with nothing joined or computed: an export reads
    the columns it writes as values (joins follow from the field paths) and the cumulative investment from
    `cumulative_investments`, one grouped query instead of a subquery per project."""
    return visible_projects(user).order_by("name", "pk")


def cumulative_investments(projects: QuerySet[Project]) -> dict[int, object]:
    """{project id: the sum of its counted reports' investment completed} for the given projects (those with
    no counted report are absent): the `cumulative_investment` of project_list, by one GROUP BY."""
    totals = (
        counted_reports()
        .filter(project_id__in=projects.order_by().values("pk"))
        .order_by()
        .values("project_id")
        .annotate(total=Sum("investment_completed"))
        .values_list("project_id", "total")
    )
    return dict(totals.iterator(chunk_size=10_000))


def project_points(*, user) -> QuerySet[Project]:
    """The projects the user may see with what a map draws (name, signal, investment, point, park and
    region) and nothing more; the caller applies ProjectFilterSet, as the list does."""
    return (
        visible_projects(user)
        .select_related("region", "park__region")
        .only(
            "name",
            "signal",
            "total_investment",
            "longitude",
            "latitude",
            "region__name",
            "park__name",
            "park__longitude",
            "park__latitude",
            "park__region__name",
        )
        .order_by("name", "pk")
    )


def project_get(*, user, pk) -> Project | None:
    return project_list(user=user).filter(pk=pk).first()


def company_list(*, user, filters: dict | None = None) -> QuerySet[Company]:
    queryset = Company.objects.select_related("region").order_by("name", "pk")
    return apply_filterset(CompanyFilterSet, filters, queryset)


def milestone_list(*, user, filters: dict | None = None) -> QuerySet[Milestone]:
    """The milestones of the projects the user may see (the others answer 404)."""
    queryset = Milestone.objects.filter(project__in=visible_projects(user)).select_related("project", "batch")
    return apply_filterset(MilestoneFilterSet, filters, queryset.order_by("project__name", "kind", "pk"))


def contact_list(*, user, filters: dict | None = None) -> QuerySet[ProjectContact]:
    """The 三个一 contacts of the projects whose contacts the user may see (_contacts_visible); none for others."""
    projects = Project.objects.annotate(contacts_visible=_contacts_visible(user)).filter(contacts_visible=True)
    queryset = ProjectContact.objects.filter(project__in=projects.values("pk")).select_related("project")
    return apply_filterset(ContactFilterSet, filters, queryset.order_by("project__name", "project_id", "role", "pk"))
