"""The officials' obstacle page /progress/obstacles/: open ones first with filters, assign and resolve per row,
errors shown on the row, 403 for others."""

import datetime

import pytest
from django.urls import reverse

from projects.models import ProjectIssue
from projects.progress import services
from shangdang_portal.row_versions import row_version

pytestmark = pytest.mark.django_db

URL = reverse("progress:obstacles")


@pytest.fixture
def issue(project):
    return ProjectIssue.objects.create(
        project=project, description="施工用电未接入", raised_on=datetime.date(2025, 5, 1)
    )


def version(issue) -> str:
    issue.refresh_from_db()
    return row_version(issue, services.ISSUE_VERSION_FIELDS)


@pytest.mark.parametrize(("role", "code"), [("staff", 403), ("reviewer", 403), ("official", 200), ("admin", 200)])
def test_only_officials_and_admins_open_the_page(role, code, issue, client_as):
    response = client_as(role).get(URL)
    assert response.status_code == code
    if code == 200:
        assert "施工用电未接入" in response.content.decode() and 'class="table-wrap"' in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client_as):
    assert client_as("anonymous").get(URL).status_code == 302


def test_filters_and_open_first(issue, project, client_as):
    done = ProjectIssue.objects.create(
        project=project,
        description="征地已完成",
        status="resolved",
        department="区自然资源局",
        resolution="已办结",
        raised_on=datetime.date(2025, 6, 1),
        resolved_on=datetime.date(2025, 6, 2),
    )
    page = client_as("official").get(URL).content.decode()
    assert page.index("施工用电未接入") < page.index("征地已完成")
    page = client_as("official").get(URL, {"status": "resolved"}).content.decode()
    assert "征地已完成" in page and "施工用电未接入" not in page
    page = client_as("official").get(URL, {"department": "自然资源"}).content.decode()
    assert f'id="issue-{done.pk}"' in page and f'id="issue-{issue.pk}"' not in page


def test_an_official_assigns_and_resolves(issue, client_as, user_of):
    client = client_as("official")
    body = {"issue": issue.pk, "step": "assign", "department": "区住建局", "version": version(issue)}
    response = client.post(URL + "?status=raised&status=assigned", body)
    assert response.status_code == 302 and response["Location"].endswith("?status=raised&status=assigned")
    issue.refresh_from_db()
    assert (issue.status, issue.department) == ("assigned", "区住建局")
    assert issue.history.latest().history_user == user_of("official")
    body = {"issue": issue.pk, "step": "resolve", "resolution": "供电公司已接入", "version": version(issue)}
    assert client.post(URL, body).status_code == 302
    issue.refresh_from_db()
    assert (issue.status, issue.resolution) == ("resolved", "供电公司已接入")


def test_errors_are_shown_and_nothing_is_saved(issue, client_as):
    client = client_as("official")
    stale = version(issue)
    response = client.post(URL, {"issue": issue.pk, "step": "resolve", "resolution": "已解决", "version": stale})
    assert response.status_code == 400 and "只有已交办的问题可以标记为解决。" in response.content.decode()
    response = client.post(URL, {"issue": issue.pk, "step": "assign", "department": " ", "version": stale})
    assert response.status_code == 400 and "请填写责任部门。" in response.content.decode()
    client.post(URL, {"issue": issue.pk, "step": "assign", "department": "区住建局", "version": stale})
    response = client.post(URL, {"issue": issue.pk, "step": "assign", "department": "区发改局", "version": stale})
    assert response.status_code == 409 and "区发改局" in response.content.decode()
    issue.refresh_from_db()
    assert issue.department == "区住建局" and issue.history.count() == 2
    assert client.post(URL, {"issue": issue.pk, "step": "delete"}).status_code == 400
    assert client.post(URL, {"issue": 10**6, "step": "assign"}).status_code == 404


def test_staff_cannot_post(issue, client_as, user_of, project):
    user_of("staff").assigned_projects.add(project)
    body = {"issue": issue.pk, "step": "assign", "department": "区住建局"}
    assert client_as("staff").post(URL, body).status_code == 403
    issue.refresh_from_db()
    assert issue.status == "raised"
