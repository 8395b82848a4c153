"""The change history on a project's page (who changed what) follows the history API's rule."""

import pytest
from django.urls import reverse

from projects import services
from projects.models import Project
from shangdang_portal import roles
from tests.factories import UserFactory


@pytest.fixture
def changed_project(region):
    editor = UserFactory(username="editor-zhao", role=roles.ADMIN)
    project = services.project_create(actor=editor, name="公开的光伏项目", region=region)
    services.project_update(project=project, actor=editor, capacity="10GW")
    return project


@pytest.mark.django_db
def test_anonymous_visitors_see_neither_history_nor_usernames(client, api_client_as, changed_project):
    api = api_client_as("anonymous").get(reverse("api:project-history", args=[changed_project.pk]))
    assert api.status_code in (401, 403)
    response = client.get(reverse("dashboards:project-detail", args=[changed_project.pk]))
    assert response.status_code == 200
    assert response.context["history"] == []
    page = response.content.decode()
    assert "editor-zhao" not in page and "变更记录" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "assigned"), [(roles.STAFF, False), (roles.STAFF, True), (roles.OFFICIAL, False)])
def test_history_shows_for_whoever_the_api_answers(user_of, client_as, api_client_as, changed_project, role, assigned):
    if assigned:
        changed_project.staff.add(user_of(role))
    api = api_client_as(role)
    allowed = api.get(reverse("api:project-history", args=[changed_project.pk])).status_code == 200
    page = client_as(role).get(reverse("dashboards:project-detail", args=[changed_project.pk])).content.decode()
    assert ("editor-zhao" in page) is allowed
    assert allowed is (assigned or role == roles.OFFICIAL)
    assert Project.objects.count() == 1
