"""The back office writes through the services: a target or a year's thresholds changed in the admin roll up
exactly as over the API, the change is recorded against the acting user, and progress reports are read-only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investment.models import CampaignYear, Indicator, Rollup, Target
from investment.rollups.run import rollup_year
from projects.models import ProgressReport

from .builders import d, project, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def target(world):
    indicator = Indicator.objects.get(code="project_investment")
    return Target.objects.create(
        campaign_year=world["year"], indicator=indicator, region=world["district"], value=1000, unit="万元"
    )


def _target_form(target: Target, **changes) -> dict:
    form = {
        "campaign_year": target.campaign_year_id,
        "indicator": target.indicator_id,
        "region": target.region_id or "",
        "park": target.park_id or "",
        "measure": target.measure,
        "value": str(target.value),
        "unit": target.unit,
        "comparator": target.comparator,
    }
    return {**form, **changes}


def test_a_target_changed_in_the_admin_rolls_up_like_target_change(
    world, target, admin_client, eager_tasks, django_capture_on_commit_callbacks
):
    report(project(world["district"]), d("2025-01-01"), 250)
    rollup_year(campaign_year=world["year"], as_of=d("2025-12-31"))
    row = Rollup.objects.get(region=world["district"], source="progress", as_of=d("2025-12-31"))
    assert row.completion_rate == Decimal("25.00")
    url = reverse("admin:investment_target_change", args=[target.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(url, _target_form(target, value="500"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(callbacks) == 1
    row.refresh_from_db()
    assert row.completion_rate == Decimal("50.00")
    assert target.history.latest().history_user == admin_client.user


def test_a_bad_target_in_the_admin_is_a_field_error_and_nothing_is_rolled_up(
    target, admin_client, django_capture_on_commit_callbacks
):
    url = reverse("admin:investment_target_change", args=[target.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(url, _target_form(target, value="-5"))
    assert response.status_code == 200
    assert "金额不能为负数" in response.content.decode()
    assert callbacks == []
    target.refresh_from_db()
    assert target.value == 1000


def test_changing_a_years_thresholds_in_the_admin_queues_that_years_roll_up(
    world, admin_client, django_capture_on_commit_callbacks
):
    year: CampaignYear = world["year"]
    url = reverse("admin:investment_campaignyear_change", args=[year.pk])
    form = {"year": year.year, "name": year.name, "yellow_lag_points": "5", "red_lag_points": "20"}
    form["red_not_started_months"] = year.red_not_started_months
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(url, form)
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.yellow_lag_points == 5
    assert len(callbacks) == 1


def test_progress_reports_are_read_only_in_the_admin(world, admin_client):
    approved = report(project(world["district"]), d("2025-01-01"), 250)
    url = reverse("admin:projects_progressreport_change", args=[approved.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"investment_completed": "999"})
    assert response.status_code == 403
    assert ProgressReport.objects.get(pk=approved.pk).investment_completed == 250
    assert admin_client.get(reverse("admin:projects_progressreport_add")).status_code == 403
