"""An admin sets a project's point on its file (/projects/<id>/location/) through projects.services.project_locate:
both or neither, inside China, not swapped; field-level errors, nothing saved half-way; others may not."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects import services
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(places):
    return ProjectFactory(name="坐标项目", region=places["district"])


def test_admin_sets_and_clears_the_point_with_history(client_as, user_of, project):
    admin = client_as("admin")
    page = admin.get(reverse("dashboards:project-detail", args=[project.pk]))
    assert 'id="location"' in page.content.decode()
    response = admin.post(
        reverse("dashboards:location-save", args=[project.pk]),
        {"version": page.context["edit"]["location_form"].initial["version"], "longitude": "113.1", "latitude": "36.2"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#location")
    project.refresh_from_db()
    assert (project.longitude, project.latitude) == (Decimal("113.100000"), Decimal("36.200000"))
    assert project.history.first().history_user == user_of("admin")
    admin.post(reverse("dashboards:location-save", args=[project.pk]), {"longitude": "", "latitude": ""})
    project.refresh_from_db()
    assert project.longitude is None and project.latitude is None


@pytest.mark.parametrize(
    ("data", "fields", "message"),
    [
        ({"longitude": "36.2", "latitude": "113.1"}, {"longitude", "latitude"}, "经度和纬度填反了"),
        ({"longitude": "2.35", "latitude": "48.85"}, {"longitude"}, "经纬度不在中国境内"),
        ({"longitude": "113.1", "latitude": ""}, {"latitude"}, "经度和纬度须同时填写。"),
        ({"longitude": "东经113", "latitude": "36"}, {"longitude"}, None),
        ({"longitude": "200", "latitude": "36"}, {"longitude"}, None),
    ],
)
def test_bad_points_are_refused_on_their_fields(client_as, project, data, fields, message):
    response = client_as("admin").post(reverse("dashboards:location-save", args=[project.pk]), data)
    assert response.status_code == 400
    form = response.context["edit"]["location_form"]
    assert set(form.errors) == fields
    if message:
        assert all(message in form.errors[f][0] for f in fields)
    project.refresh_from_db()
    assert project.longitude is None and project.latitude is None


def test_a_stale_form_says_what_changed(client_as, user_of, project):
    admin = client_as("admin")
    version = admin.get(reverse("dashboards:project-detail", args=[project.pk])).context["edit"]["location_form"]
    stale = version.initial["version"]
    services.project_locate(
        project=project, longitude=Decimal("113.2"), latitude=Decimal("36.3"), actor=user_of("official")
    )
    response = admin.post(
        reverse("dashboards:location-save", args=[project.pk]),
        {"version": stale, "longitude": "113.1", "latitude": "36.2"},
    )
    assert response.status_code == 400
    assert response.context["edit"]["location_form"].non_field_errors()
    project.refresh_from_db()
    assert project.longitude == Decimal("113.200000")


@pytest.mark.parametrize(("role", "status"), [("official", 403), ("staff", 403), ("anonymous", 302)])
def test_only_admins_set_points(client_as, project, role, status):
    client = client_as(role)
    response = client.post(
        reverse("dashboards:location-save", args=[project.pk]), {"longitude": "113.1", "latitude": "36.2"}
    )
    assert response.status_code == status
    project.refresh_from_db()
    assert project.longitude is None
    if role == "official":
        page = client.get(reverse("dashboards:project-detail", args=[project.pk]))
        assert 'id="location"' not in page.content.decode()
