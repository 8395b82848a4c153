"""The roll-up tasks: in-process, and through the real Redis broker to a real worker process."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from investment.models import CampaignYear, Ranking, Rollup
from investment.rollups.run import rollup_year
from investment.tasks import publish_rankings_task, rollup_all_task, rollup_project_task
from shangdang_portal import roles

from .builders import d, project, report
from .builders import world as build_world


def test_the_beat_schedule_runs_the_nightly_roll_up_the_monthly_rankings_the_sweep_and_the_reminders():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == {
        rollup_all_task.name,
        publish_rankings_task.name,
        "shangdang_portal.requeue_pending",
        "projects.progress_reminders",
        "shangdang_portal.exports_cleanup",
    }
    assert rollup_project_task.soft_time_limit < rollup_project_task.time_limit
    assert rollup_project_task.retry_backoff and rollup_project_task.max_retries


@pytest.mark.django_db
def test_tasks_take_ids_and_write_the_rows(world):
    p = project(world["district"])
    report(p, d("2025-02-01"), 75)
    assert rollup_all_task.apply(kwargs={"as_of": "2025-03-31"}).get()[2025]
    assert Rollup.objects.get(region=world["district"], as_of=d("2025-03-31"), source="progress").actual == 75
    report(p, d("2025-03-01"), 5)
    rollup_project_task.apply(args=[p.pk], kwargs={"as_of": "2025-03-31"}).get()
    assert Rollup.objects.get(region=world["district"], as_of=d("2025-03-31"), source="progress").actual == 80
    assert len(publish_rankings_task.apply(kwargs={"period": "2025-03-01"}).get()) == 2
    assert set(Ranking.objects.values_list("scope_kind", flat=True)) == {"region", "park"}


@pytest.mark.broker
@pytest.mark.postgres
def test_an_approved_report_reaches_the_rollup_through_the_broker_and_the_worker(celery_worker_process):
    today = dt.date.today()
    w = build_world(year=today.year)
    p = project(w["district"], w["cluster"])
    draft = report(p, today.replace(day=1), "123.45", status="submitted")
    rollup_year(campaign_year=CampaignYear.objects.get(year=today.year), as_of=today)
    row = Rollup.objects.get(region=w["city"], as_of=today, source="progress", indicator__code="project_investment")
    assert row.actual == 0

    # A reviewer approves it over the API; the approve service sends the roll-up once it has committed.
    reviewer = get_user_model().objects.create_user("reviewer-integration", password="pw")
    reviewer.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    api = APIClient()
    api.force_authenticate(reviewer)
    response = api.post(f"/api/v1/progress-reports/{draft.pk}/approve/", HTTP_IF_MATCH=f'"{draft.version}"')
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if row.actual == Decimal("123.45"):
            break
        time.sleep(0.5)
    assert row.actual == Decimal("123.45"), "the worker did not update the roll-up within 60 s"
    cluster = Rollup.objects.get(
        park=w["cluster"], as_of=today, source="progress", indicator__code="project_investment"
    )
    assert cluster.actual == Decimal("123.45")
    assert celery_worker_process["process"].poll() is None


@pytest.mark.django_db
def test_approving_a_report_rolls_up_its_project_in_process(eager_tasks, django_capture_on_commit_callbacks):
    from projects.progress.services import progress_report_approve

    today = dt.date.today()
    w = build_world(year=today.year)
    p = project(w["district"])
    submitted = report(p, today.replace(day=1), "40.5", status="submitted")
    reviewer = get_user_model().objects.create_user("reviewer-eager")
    reviewer.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        progress_report_approve(report=submitted, reviewer=reviewer)
    assert len(callbacks) >= 1
    row = Rollup.objects.get(region=w["district"], as_of=today, source="progress", indicator__code="project_investment")
    assert row.actual == Decimal("40.5")
