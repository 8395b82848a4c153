"""Progress reporting test set-up: one project with staff, a reviewer, an outsider, and month helpers."""

from decimal import Decimal

import pytest

from projects.progress import selectors
from shangdang_portal import roles
from tests.factories import ProjectFactory, RegionFactory, UserFactory


@pytest.fixture
def region(db):
    return RegionFactory(name="上党区", parent=RegionFactory(name="长治市", city=True))


@pytest.fixture
def project(region):
    return ProjectFactory(name="测试光伏项目", region=region, total_investment=Decimal("1000.00"))


@pytest.fixture
def staff_user(project):
    return UserFactory(username="zhang", email="zhang@example.org", role=roles.STAFF, assigned_projects=[project])


@pytest.fixture
def reviewer(db):
    return UserFactory(username="li", email="li@example.org", role=roles.REVIEWER)


@pytest.fixture
def outsider(db):
    """A staff member assigned to no project here."""
    return UserFactory(username="wang", role=roles.STAFF)


@pytest.fixture
def months():
    """The current month and the five before it, newest first."""
    periods = [selectors.current_period()]
    for _ in range(5):
        periods.append(selectors.previous_period(periods[-1]))
    return periods
