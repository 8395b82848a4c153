"""Milestones over the API: dates with their precision and 三个一批 batch membership, written by officials with
If-Match through projects.services, history recorded. (Who may do what: tests/api; the roll-up: tests/investment.)"""

import datetime

import pytest
from django.urls import reverse

from projects.models import Milestone
from tests.factories import BatchFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(api_client_as, user_of):
    client = api_client_as("official")
    client.user = user_of("official")
    return client


@pytest.fixture
def milestone(project):
    return MilestoneFactory(project=project, kind="started", planned_date=datetime.date(2025, 3, 18))


def url(milestone) -> str:
    return reverse("api:milestone-detail", args=[milestone.pk])


def test_an_official_sets_dates_with_precision_and_a_batch(milestone, official, region):
    batch = BatchFactory(name="2025年第一批开工", region=region)
    etag = official.get(url(milestone))["ETag"]
    response = official.patch(
        url(milestone),
        {"actual_date": "2025-04-20", "date_precision": "month", "batch": batch.pk},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["actual_date"] == "2025-04-01" and body["date_precision"] == "month"
    assert body["batch"] == {"id": batch.pk, "name": "2025年第一批开工"}
    assert response["ETag"] == f'"{body["version"]}"' != etag
    milestone.refresh_from_db()
    assert milestone.history.latest().history_user == official.user
    ids = [m["id"] for m in official.get(reverse("api:milestone-list"), {"batch": batch.pk}).json()["results"]]
    assert ids == [milestone.pk]


def test_if_match_is_required_and_a_stale_one_is_refused(milestone, official):
    assert official.patch(url(milestone), {"planned_precision": "year"}, format="json").status_code == 428
    etag = official.get(url(milestone))["ETag"]
    first = official.patch(url(milestone), {"planned_precision": "year"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    response = official.patch(url(milestone), {"planned_date": None}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert {c["field"] for c in response.json()["error"]["changes"]} == {"planned_date", "planned_precision"}
    milestone.refresh_from_db()
    assert milestone.planned_date == datetime.date(2025, 1, 1)


def test_a_second_milestone_of_the_same_kind_is_a_field_error(milestone, official, project):
    response = official.post(
        reverse("api:milestone-list"),
        {"project": project.pk, "kind": "started", "planned_precision": "x"},
        format="json",
    )
    assert set(response.json()["error"]["fields"]) == {"planned_precision"}
    response = official.post(reverse("api:milestone-list"), {"project": project.pk, "kind": "started"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"kind": ["该项目已有此节点。"]}
    assert Milestone.objects.count() == 1


def test_a_milestone_is_created_and_deleted(project, official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = official.post(
            reverse("api:milestone-list"),
            {"project": project.pk, "kind": "signed", "actual_date": "2025-02-01"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    assert len(callbacks) == 1
    milestone = Milestone.objects.get(pk=response.json()["id"])
    assert milestone.history.latest().history_user == official.user
    assert official.delete(url(milestone), HTTP_IF_MATCH=response["ETag"]).status_code == 204
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
