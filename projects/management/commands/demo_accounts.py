"""manage.py demo_accounts: one account per role for trying the portal locally (never in production)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from projects.models import Project
from shangdang_portal import roles

DEMO_PASSWORD = "shangdang-demo"
ACCOUNTS = [
    ("admin", roles.ADMIN, "管理员"),
    ("official", roles.OFFICIAL, "领导"),
    ("reviewer", roles.REVIEWER, "审核员"),
    ("staff", roles.STAFF, "填报员"),
]


class Command(BaseCommand):
    help = "Create the role groups and one demo account per role (local use only; refuses when DEBUG is off)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo accounts are for local use: DEBUG is off, nothing was created")
        User = get_user_model()
        with transaction.atomic():
            roles.ensure_groups()
            for username, role, label in ACCOUNTS:
                user, _ = User.objects.get_or_create(username=username, defaults={"first_name": label})
                user.set_password(DEMO_PASSWORD)
                user.is_staff = role in (roles.ADMIN, roles.REVIEWER)
                user.is_superuser = role == roles.ADMIN
                user.save()
                user.groups.set([user.groups.model.objects.get(name=role)])
            staff = User.objects.get(username="staff")
            # The demo staff member reports for the district's first few projects.
            staff.assigned_projects.set(Project.objects.filter(region__name=settings.HOME_REGION).order_by("name")[:5])
        self.stdout.write(f"demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, role, label in ACCOUNTS:
            self.stdout.write(f"  {username:<9} {label} ({role})")
