"""Obstacles (问题清单) over the API: listed open first with filters, assigned and resolved by officials and
admins through the workflow services with If-Match, history recorded, bad steps answered field by field."""

import datetime

import pytest
from django.urls import reverse

from projects.models import ProjectIssue
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

LIST = "api:obstacle-list"


def make_issue(project, **fields):
    values = {"description": "施工用电未接入", "raised_on": datetime.date(2025, 5, 1), **fields}
    return ProjectIssue.objects.create(project=project, **values)


@pytest.fixture
def issue(project):
    return make_issue(project)


def step(issue, name) -> str:
    return reverse(f"api:obstacle-{name}", args=[issue.pk])


def detail(issue) -> str:
    return reverse("api:obstacle-detail", args=[issue.pk])


def test_the_list_shows_open_obstacles_first_and_filters(project, api_client_as):
    resolved = make_issue(
        project,
        status="resolved",
        department="区住建局",
        resolution="已解决",
        resolved_on=datetime.date(2025, 6, 1),
        raised_on=datetime.date(2025, 6, 1),
    )
    assigned = make_issue(project, status="assigned", department="区自然资源局", raised_on=datetime.date(2025, 4, 1))
    raised = make_issue(project, raised_on=datetime.date(2025, 3, 1))
    other = make_issue(ProjectFactory())
    client = api_client_as("official")
    ids = [i["id"] for i in client.get(reverse(LIST)).json()["results"]]
    assert ids == [other.pk, raised.pk, assigned.pk, resolved.pk]
    filtered = client.get(reverse(LIST), {"project": project.pk, "status": ["raised", "assigned"]}).json()
    assert [i["id"] for i in filtered["results"]] == [raised.pk, assigned.pk]
    by_department = client.get(reverse(LIST), {"department": "自然资源"}).json()
    assert [i["id"] for i in by_department["results"]] == [assigned.pk]


@pytest.mark.parametrize(
    ("role", "sees"), [("anonymous", False), ("staff_unassigned", False), ("reviewer", True), ("official", True)]
)
def test_obstacles_are_seen_by_those_who_follow_the_projects_progress(role, sees, issue, api_client_as):
    client = api_client_as(role)
    assert [i["id"] for i in client.get(reverse(LIST)).json()["results"]] == ([issue.pk] if sees else [])
    assert client.get(detail(issue)).status_code == (200 if sees else 404)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("anonymous", False), ("staff", False), ("reviewer", False), ("official", True), ("admin", True)],
)
def test_officials_and_admins_assign_and_resolve(role, allowed, issue, project, api_client_as, user_of):
    user_of("staff").assigned_projects.add(project)
    client = api_client_as(role)
    etag = api_client_as("official").get(detail(issue))["ETag"]
    response = client.post(step(issue, "assign"), {"department": "区住建局"}, format="json", HTTP_IF_MATCH=etag)
    issue.refresh_from_db()
    if not allowed:
        assert response.status_code in (401, 403)
        assert issue.status == "raised"
        return
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "assigned" and response["ETag"] != etag
    assert issue.department == "区住建局" and issue.history.latest().history_user == user_of(role)
    response = client.post(
        step(issue, "resolve"), {"resolution": "已协调解决"}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert response.status_code == 200, response.json()
    issue.refresh_from_db()
    assert (issue.status, issue.resolution) == ("resolved", "已协调解决") and issue.resolved_on


def test_if_match_is_required_and_a_stale_one_is_refused(issue, api_client_as):
    client = api_client_as("official")
    assert client.post(step(issue, "assign"), {"department": "区住建局"}, format="json").status_code == 428
    etag = client.get(detail(issue))["ETag"]
    first = client.post(step(issue, "assign"), {"department": "区住建局"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    response = client.post(step(issue, "assign"), {"department": "区发改局"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert {c["field"] for c in response.json()["error"]["changes"]} == {"status", "department"}
    issue.refresh_from_db()
    assert issue.department == "区住建局"


def test_bad_steps_are_field_errors_and_save_nothing(issue, api_client_as):
    client = api_client_as("official")
    etag = client.get(detail(issue))["ETag"]
    response = client.post(step(issue, "resolve"), {"resolution": "已解决"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"status": ["只有已交办的问题可以标记为解决。"]}
    response = client.post(step(issue, "assign"), {"department": "  "}, format="json", HTTP_IF_MATCH=etag)
    assert response.json()["error"]["fields"] == {"department": ["请填写责任部门。"]}
    response = client.post(step(issue, "assign"), {}, format="json", HTTP_IF_MATCH=etag)
    assert set(response.json()["error"]["fields"]) == {"department"}
    issue.refresh_from_db()
    assert (issue.status, issue.department, issue.history.count()) == ("raised", "", 1)
    etag = client.post(step(issue, "assign"), {"department": "区住建局"}, format="json", HTTP_IF_MATCH=etag)["ETag"]
    response = client.post(step(issue, "resolve"), {"resolution": ""}, format="json", HTTP_IF_MATCH=etag)
    assert response.json()["error"]["fields"] == {"resolution": ["请填写解决情况。"]}
    issue.refresh_from_db()
    assert issue.status == "assigned" and issue.resolution == ""
