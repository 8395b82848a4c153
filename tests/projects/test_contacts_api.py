"""三个一 contacts over the API: seen only by those who may see a project's contacts, written by officials and
admins with If-Match through projects.services, history recorded, one contact per role."""

import pytest
from django.urls import reverse

from projects.models import ProjectContact
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

LIST = "api:contact-list"


@pytest.fixture
def contact(project):
    return ProjectContact.objects.create(
        project=project, role="leader", name="张三", title="副区长", phone="13800000000"
    )


def url(contact) -> str:
    return reverse("api:contact-detail", args=[contact.pk])


@pytest.mark.parametrize(
    ("role", "sees"),
    [("anonymous", False), ("staff_unassigned", False), ("official", True), ("reviewer", True), ("admin", True)],
)
def test_only_those_who_may_see_contacts_read_them(role, sees, contact, api_client_as):
    client = api_client_as(role)
    listed = [c["id"] for c in client.get(reverse(LIST)).json()["results"]]
    assert listed == ([contact.pk] if sees else [])
    assert client.get(url(contact)).status_code == (200 if sees else 404)


def test_assigned_staff_read_the_contacts_of_their_projects_only(contact, api_client_as, user_of):
    other = ProjectContact.objects.create(project=ProjectFactory(), role="leader", name="李四")
    user_of("staff").assigned_projects.add(contact.project)
    client = api_client_as("staff")
    assert [c["id"] for c in client.get(reverse(LIST)).json()["results"]] == [contact.pk]
    assert client.get(url(other)).status_code == 404


@pytest.mark.parametrize(
    ("role", "code"),
    [("anonymous", 401), ("staff", 403), ("reviewer", 403), ("official", 201), ("admin", 201)],
)
def test_officials_and_admins_create_contacts(role, code, project, api_client_as, user_of):
    if role == "staff":
        user_of("staff").assigned_projects.add(project)
    body = {"project": project.pk, "role": "officer", "name": "王五", "phone": "0355-1234567"}
    response = api_client_as(role).post(reverse(LIST), body, format="json")
    assert response.status_code in ((401, 403) if code == 401 else (code,)), response.content
    assert ProjectContact.objects.filter(project=project, role="officer").exists() == (code == 201)
    if code == 201:
        saved = ProjectContact.objects.get(project=project, role="officer")
        assert saved.history.latest().history_user == user_of(role)
        assert response["ETag"] == f'"{response.json()["version"]}"'


def test_filters_by_project_and_role(contact, project, api_client_as):
    officer = ProjectContact.objects.create(project=project, role="officer", name="王五")
    ProjectContact.objects.create(project=ProjectFactory(), role="officer", name="赵六")
    client = api_client_as("official")
    ids = [c["id"] for c in client.get(reverse(LIST), {"project": project.pk, "role": "officer"}).json()["results"]]
    assert ids == [officer.pk]


def test_a_change_needs_if_match_and_a_stale_one_is_refused(contact, api_client_as, user_of):
    client = api_client_as("official")
    assert client.patch(url(contact), {"phone": "1"}, format="json").status_code == 428
    etag = client.get(url(contact))["ETag"]
    first = client.patch(url(contact), {"phone": "13900000000"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.json()
    assert first.json()["phone"] == "13900000000"
    response = client.patch(url(contact), {"name": "张四"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert [c["field"] for c in response.json()["error"]["changes"]] == ["phone"]
    contact.refresh_from_db()
    assert contact.name == "张三" and contact.history.latest().history_user == user_of("official")
    assert client.delete(url(contact), HTTP_IF_MATCH=etag).status_code == 412
    assert client.delete(url(contact)).status_code == 428
    assert client.delete(url(contact), HTTP_IF_MATCH=first["ETag"]).status_code == 204
    assert not ProjectContact.objects.exists()
    assert ProjectContact.history.latest().history_user == user_of("official")


def test_errors_are_field_by_field_and_nothing_is_saved(contact, project, api_client_as):
    client = api_client_as("official")
    response = client.post(reverse(LIST), {"project": project.pk, "role": "boss", "name": ""}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"role", "name"}
    response = client.post(reverse(LIST), {"project": project.pk, "role": "leader", "name": "李四"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"role": ["该项目已有此角色的包联人员。"]}
    officer = ProjectContact.objects.create(project=project, role="officer", name="王五")
    etag = client.get(url(officer))["ETag"]
    response = client.patch(url(officer), {"role": "leader", "name": "王六"}, format="json", HTTP_IF_MATCH=etag)
    assert response.json()["error"]["fields"] == {"role": ["该项目已有此角色的包联人员。"]}
    officer.refresh_from_db()
    assert (officer.role, officer.name) == ("officer", "王五")
    assert ProjectContact.objects.count() == 2
    response = client.post(reverse(LIST), {"project": 10**6, "role": "liaison", "name": "李四"}, format="json")
    assert response.json()["error"]["fields"] == {"project": ["没有这个项目。"]}
