"""The change history on a project's page (who changed what) follows the history API's rule."""

import pytest
from rest_framework.test import APIClient

from projects import services
from projects.models import Project
from shangdang_portal import roles

from .conftest import make_user


@pytest.fixture
def changed_project(region):
    editor = make_user("editor-zhao", roles.ADMIN)
    project = services.project_create(actor=editor, name="公开的光伏项目", region=region)
    services.project_update(project=project, actor=editor, capacity="10GW")
    return project


@pytest.mark.django_db
def test_anonymous_visitors_see_neither_history_nor_usernames(client, changed_project):
    api = APIClient().get(f"/api/v1/projects/{changed_project.pk}/history/")
    assert api.status_code in (401, 403)
    response = client.get(f"/projects/{changed_project.pk}/")
    assert response.status_code == 200
    assert response.context["history"] == []
    page = response.content.decode()
    assert "editor-zhao" not in page and "变更记录" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "assigned"), [(roles.STAFF, False), (roles.STAFF, True), (roles.OFFICIAL, False)])
def test_history_shows_for_whoever_the_api_answers(client, changed_project, role, assigned):
    user = make_user("viewer", role)
    if assigned:
        changed_project.staff.add(user)
    api = APIClient()
    api.force_authenticate(user)
    allowed = api.get(f"/api/v1/projects/{changed_project.pk}/history/").status_code == 200
    client.force_login(user)
    page = client.get(f"/projects/{changed_project.pk}/").content.decode()
    assert ("editor-zhao" in page) is allowed
    assert allowed is (assigned or role == roles.OFFICIAL)
    assert Project.objects.count() == 1
