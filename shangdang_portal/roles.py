"""The portal's roles, kept as Django groups. One place names them; permissions read them from here.

anonymous  read-only: public projects and published figures, no personal contact details
official   reads everything
staff      writes progress for the projects they are assigned to (Project.staff), nothing else
reviewer   approves or returns progress reports
admin      everything (Django superusers count as admin)
"""

from django.contrib.auth.models import Group

OFFICIAL = "official"
STAFF = "staff"
REVIEWER = "reviewer"
ADMIN = "admin"
ROLES = (OFFICIAL, STAFF, REVIEWER, ADMIN)


def ensure_groups() -> None:
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def roles_of(user) -> set[str]:
    """The role names a user holds; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {ADMIN}
        user._portal_roles = cached
    return cached


def has_role(user, *names: str) -> bool:
    held = roles_of(user)
    return ADMIN in held or any(n in held for n in names)


def can_read_all(user) -> bool:
    """Officials, reviewers and admins see unpublished projects and personal contact details."""
    return has_role(user, OFFICIAL, REVIEWER)
