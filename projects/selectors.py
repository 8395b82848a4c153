"""Reads of the project register, shaped for lists: companies, the projects a user may see with joins and
prefetches fixed so queries do not grow per row. One project's file (一项目一档) composes every app's
data, so its reads live above: investment/dashboards/project_file.py."""

from __future__ import annotations

from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value

from shangdang_portal import roles
from shangdang_portal.built_once import for_anonymous
from shangdang_portal.filtering import apply_filterset
from shangdang_portal.keyed_rows import KeyedRows

from .filtersets import CompanyFilterSet, ContactFilterSet, MilestoneFilterSet, ProjectFilterSet
from .models import Company, Milestone, ProgressReport, Project, ProjectContact, counted_reports

# --- projects and companies --------------------------------------------------------------------

PROJECT_ORDER = ("name", "pk")
MILESTONE_ORDER = ("kind", "pk")
CONTACT_ORDER = ("role", "pk")
# The related objects a project row names, each written {id, name} (None when the project has none).
PROJECT_REFS = ("region", "park", "industry_chain", "company")


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


def _newest_counted_report(project) -> Subquery:
    """The pk of the newest counted report of the project `project` refers to (an OuterRef), or NULL."""
    newest = counted_reports().filter(project_id=project).order_by("-period", "-pk").values("pk")[:1]
    return Subquery(newest)


def _cumulative_investment() -> Subquery:
    """The sum of the outer project's counted reports' investment completed, or NULL when it has none."""
    return Subquery(
        counted_reports()
        .filter(project_id=OuterRef("pk"))
        .order_by()
        .values("project_id")
        .annotate(total=Sum("investment_completed"))
        .values("total")
    )


def _project_list(user) -> QuerySet[Project]:
    # The newest counted report of each project, looked up per report of the page's projects only:
    # the prefetch adds `project_id IN (page ids)`, and the (project, period) index answers the lookup.
    # A window over every approved report ranked all of them on each request. The outer query has no
    # status filter of its own (the subquery's pk is a counted report), so the planner cannot choose
    # to walk every approved report through the status index instead.
    latest = ProgressReport.objects.filter(pk=_newest_counted_report(OuterRef("project_id"))).order_by()
    queryset = (
        visible_projects(user)
        .select_related("region", "park", "industry_chain", "company")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.select_related("batch").order_by(*MILESTONE_ORDER)),
            Prefetch("progress_reports", queryset=latest, to_attr="latest_progress"),
        )
        .annotate(contacts_visible=_contacts_visible(user), cumulative_investment=_cumulative_investment())
        .order_by(*PROJECT_ORDER)
    )
    if getattr(user, "is_authenticated", False):
        queryset = queryset.prefetch_related(Prefetch("contacts", ProjectContact.objects.order_by(*CONTACT_ORDER)))
    return queryset


# --- the API's rows: plain values, no model instances --------------------------------------------


def project_page(*, user) -> QuerySet[Project]:
    """The projects the user may see, in the list's order, with nothing joined: what the API's filters narrow
    and its pagination counts and slices, before project_rows reads the rows of the page's keys."""
    return for_anonymous("project_page", user, lambda: visible_projects(user).order_by(*PROJECT_ORDER))


def _columns(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


# The rows of a page, each query compiled once (see KeyedRows): building and compiling the project query, its
# joins and its two per-row totals, took a list request longer than the database took to answer it.
_PROJECT_ROWS = KeyedRows(
    lambda: Project.objects.order_by().values(
        *_columns(Project),
        *(f"{ref}__name" for ref in PROJECT_REFS),
        cumulative_investment=_cumulative_investment(),
        latest_progress_id=_newest_counted_report(OuterRef("pk")),
    )
)
_MILESTONE_ROWS = KeyedRows(
    lambda: Milestone.objects.order_by(*MILESTONE_ORDER).values(*_columns(Milestone), "batch__name"), key="project_id"
)
_REPORT_ROWS = KeyedRows(lambda: ProgressReport.objects.order_by().values(*_columns(ProgressReport)))
_CONTACT_ROWS = KeyedRows(
    lambda: ProjectContact.objects.order_by(*CONTACT_ORDER).values(*_columns(ProjectContact)), key="project_id"
)


def project_rows(keys: list[int], *, user) -> list[dict]:
    """The projects of `keys` (ids the user may see: project_page's, filtered and sliced) as the API writes
    them, in the order of `keys`: each row a dict of the project's columns, its region, park, chain and company
    as {id, name} or None, `milestones`, `contacts` (empty unless the user may see them), `latest_progress`
    (the newest counted report, or None) and `cumulative_investment`.

    Read as values in a fixed number of queries whatever the number of keys: building a model instance for
    each project, related object, milestone and report, and the prefetch machinery around them, took a list
    request longer than the database took to answer it."""
    rows = _PROJECT_ROWS.in_order(keys)
    if not rows:
        return rows
    ids = [row["id"] for row in rows]
    milestones = _by_project(_MILESTONE_ROWS(ids), refs=("batch",))
    reports = [row["latest_progress_id"] for row in rows if row["latest_progress_id"] is not None]
    latest = {report["project_id"]: report for report in _REPORT_ROWS(reports)}
    seen = _contacts_seen(user, ids)
    contacts = _by_project(_CONTACT_ROWS(sorted(seen)))
    for row in rows:
        for ref in PROJECT_REFS:
            _nest(row, ref)
        del row["latest_progress_id"]
        row["milestones"] = milestones.get(row["id"], [])
        row["contacts"] = contacts.get(row["id"], [])
        row["latest_progress"] = latest.get(row["id"])
    return rows


def _contacts_seen(user, ids: list[int]) -> set[int]:
    """Those of the projects `ids` whose contacts the user may see (_contacts_visible, asked only when it
    depends on the project)."""
    visible = _contacts_visible(user)
    if isinstance(visible, Value):
        return set(ids) if visible.value else set()
    return set(Project.objects.filter(visible, pk__in=ids).values_list("pk", flat=True))


def _by_project(rows: list[dict], refs: tuple[str, ...] = ()) -> dict[int, list[dict]]:
    """Rows grouped by their project, each of `refs` written {id, name} or None."""
    by_project: dict[int, list[dict]] = {}
    for row in rows:
        for ref in refs:
            _nest(row, ref)
        by_project.setdefault(row["project_id"], []).append(row)
    return by_project


def _nest(row: dict, ref: str) -> None:
    """row[ref_id] and row[ref__name] become row[ref] = {id, name}, or None when the row names no `ref`."""
    pk, name = row.pop(f"{ref}_id"), row.pop(f"{ref}__name", None)
    row[ref] = None if pk is None else {"id": pk, "name": name}


def project_export_list(*, user) -> QuerySet[Project]:
    """The projects the user may see, in the list's order, with nothing joined or computed: an export reads
    the columns it writes as values (joins follow from the field paths) and the cumulative investment from
    `cumulative_investments`, one grouped query instead of a subquery per project."""
    return visible_projects(user).order_by(*PROJECT_ORDER)


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
        .order_by(*PROJECT_ORDER)
    )


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
