"""Progress reporting test set-up: one project with staff, a reviewer, an outsider, and month helpers."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from parks.models import Region
from projects.models import Project
from projects.progress import selectors
from shangdang_portal import roles


def make_user(username: str, *role_names: str, email: str = ""):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests", email=email)
    for name in role_names:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def region(db):
    city = Region.objects.create(name="长治市", level=Region.Level.CITY)
    return Region.objects.create(name="上党区", level=Region.Level.DISTRICT, parent=city)


@pytest.fixture
def project(region):
    return Project.objects.create(name="测试光伏项目", region=region, total_investment=Decimal("1000.00"))


@pytest.fixture
def staff_user(project):
    user = make_user("zhang", roles.STAFF, email="zhang@example.org")
    project.staff.add(user)
    return user


@pytest.fixture
def reviewer(db):
    return make_user("li", roles.REVIEWER, email="li@example.org")


@pytest.fixture
def outsider(db):
    return make_user("wang", roles.STAFF)


@pytest.fixture
def months():
    """The current month and the five before it, newest first."""
    periods = [selectors.current_period()]
    for _ in range(5):
        periods.append(selectors.previous_period(periods[-1]))
    return periods
