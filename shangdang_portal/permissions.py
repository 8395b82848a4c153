"""API permissions per role (see roles.py), object-level, plus the helpers services and pages share.

Objects a caller may not see are filtered out by the selectors, so they answer 404, never 403.
These classes decide what a caller may *do* with what they can see.
"""

from rest_framework import permissions

from . import roles


def is_admin(user) -> bool:
    return roles.ADMIN in roles.roles_of(user)


def is_reviewer(user) -> bool:
    return roles.has_role(user, roles.REVIEWER)


def is_staff_member(user) -> bool:
    return roles.has_role(user, roles.STAFF)


def can_edit_plans(user) -> bool:
    """Planning inputs (annual plans, targets, a campaign year's signal rules): officials and admins."""
    return roles.has_role(user, roles.OFFICIAL)


def can_filter_synthetic(user) -> bool:
    """The 合成数据 (demo) filter is offered to the people who work with the register (staff, reviewers,
    officials, admins); visitors see the demo banner, not a switch for it."""
    return roles.has_role(user, roles.OFFICIAL, roles.REVIEWER, roles.STAFF)


def assigned_project_ids(user) -> set[int]:
    """Projects the user reports progress for (Project.staff); cached on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_portal_assigned_ids", None)
    if cached is None:
        cached = set(user.assigned_projects.values_list("pk", flat=True))
        user._portal_assigned_ids = cached
    return cached


def can_edit_progress(user, project) -> bool:
    """Staff write progress only for the projects they are assigned to; admins for any project."""
    if is_admin(user):
        return True
    return roles.STAFF in roles.roles_of(user) and project.pk in assigned_project_ids(user)


def can_see_progress(user, project) -> bool:
    """A project's progress reports and change history: readers of everything, or the assigned staff."""
    return roles.can_read_all(user) or can_edit_progress(user, project)


def can_see_contacts(user, project) -> bool:
    """ProjectContact holds names and phone numbers: the same people who follow the project's progress."""
    return can_see_progress(user, project)


def _project_of(obj):
    return obj if obj.__class__.__name__ == "Project" else getattr(obj, "project", None)


class ReadOnlyOrAdmin(permissions.BasePermission):
    """Anyone may read (what the selector lets them see); only admins write."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated) and is_admin(request.user)

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or is_admin(request.user)


class ReadOnlyOrPlanner(permissions.BasePermission):
    """Anyone may read (what the selector lets them see); officials and admins change planning inputs."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated) and can_edit_plans(request.user)

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or can_edit_plans(request.user)


class IsAssignedStaff(permissions.BasePermission):
    """Writes only by staff assigned to the object's project (the object is a Project or has `.project`).

    Reads are allowed; combine with a selector that hides what the caller may not see.
    """

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated) and (is_admin(user) or is_staff_member(user))

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        project = _project_of(obj)
        return project is not None and can_edit_progress(request.user, project)


class IsReviewer(permissions.BasePermission):
    """Approve or return progress: reviewers and admins."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated) and is_reviewer(request.user)

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or is_reviewer(request.user)


class CanSeeProgress(permissions.BasePermission):
    """Signed-in readers of everything, or staff assigned to the object's project (see can_see_progress)."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj):
        project = _project_of(obj)
        return project is not None and can_see_progress(request.user, project)


class IsAuthenticatedUser(permissions.IsAuthenticated):
    """Any signed-in account (used for a caller's own API tokens)."""


def can_review_figures(user) -> bool:
    """Bringing in a new source report and reviewing its candidate figures: officials and admins."""
    return roles.has_role(user, roles.OFFICIAL)
