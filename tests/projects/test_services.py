"""Project services: validated with full_clean(), atomic, history records the actor."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from parks.models import Region
from projects.models import Project
from projects.services import project_create, project_update


@pytest.fixture
def district(db):
    city = Region.objects.create(name="长治市", level="city")
    return Region.objects.create(name="上党区", level="district", parent=city)


def test_project_create_validates_and_records_the_actor(district):
    actor = get_user_model().objects.create_user(username="a")
    project = project_create(actor=actor, name="新项目", region=district, total_investment=Decimal("12.50"))
    assert Project.objects.get().total_investment == Decimal("12.50")
    assert project.history.get().history_user == actor


def test_project_create_rejects_bad_input_and_saves_nothing(district):
    staff = get_user_model().objects.create_user(username="s")
    with pytest.raises(ValidationError) as raised:
        project_create(
            actor=None,
            staff=[staff],
            name="坏项目",
            region=district,
            total_investment=Decimal("-1"),
            pool="heaven",
        )
    assert {"pool"} <= set(raised.value.message_dict)
    assert not Project.objects.exists()


def test_project_update_checks_dates_against_the_stored_start(district):
    import datetime

    project = project_create(actor=None, name="项目", region=district, planned_start=datetime.date(2025, 5, 1))
    with pytest.raises(ValidationError):
        project_update(project=project, actor=None, planned_end=datetime.date(2025, 1, 1))
    project.refresh_from_db()
    assert project.planned_end is None
