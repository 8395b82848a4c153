"""四库 moves over the API: officials and admins move a project with a reason; the move, the project's history and
the roll-up after commit follow. (Who may do what: tests/api.)"""

import pytest
from django.urls import reverse

from projects.models import PoolMove

pytestmark = pytest.mark.django_db


def move_url(project) -> str:
    return reverse("api:project-pool-move", args=[project.pk])


def test_an_official_moves_a_project_with_a_reason(project, api_client_as, user_of, django_capture_on_commit_callbacks):
    project.pool = "reserve"
    project.save()
    client = api_client_as("official")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            move_url(project), {"to_pool": "construction", "reason": "已取得施工许可", "moved_on": "2025-04-01"}
        )
    assert response.status_code == 201, response.json()
    assert len(callbacks) == 1
    move = PoolMove.objects.get()
    assert (move.from_pool, move.to_pool, move.reason, move.actor) == (
        "reserve",
        "construction",
        "已取得施工许可",
        user_of("official"),
    )
    project.refresh_from_db()
    assert project.pool == "construction"
    assert project.history.latest().history_user == user_of("official")


def test_a_move_needs_a_reason_and_another_pool(project, api_client_as):
    project.pool = "reserve"
    project.save()
    client = api_client_as("official")
    response = client.post(move_url(project), {"to_pool": "reserve", "reason": "  "})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"reason"}
    response = client.post(move_url(project), {"to_pool": "reserve", "reason": "调整"})
    assert response.json()["error"]["fields"] == {"to_pool": ["新库必须不同于原库。"]}
    assert not PoolMove.objects.exists()
    project.refresh_from_db()
    assert project.pool == "reserve"
