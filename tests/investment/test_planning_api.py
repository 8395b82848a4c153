"""Planning inputs over the API: annual plans, targets and campaign years written by officials with If-Match,
field errors, the roll-up after commit and the acting user in the history. (Who may do what: tests/api.)"""

from decimal import Decimal

import pytest
from django.urls import reverse

from investment.models import AnnualPlan, CampaignYear, Indicator, ProjectSignal, Target
from tests.factories import AnnualPlanFactory, CampaignYearFactory

from .builders import d, project, report

pytestmark = pytest.mark.django_db


def api(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


@pytest.fixture
def official(api_client_as, user_of):
    client = api_client_as("official")
    client.user = user_of("official")
    return client


@pytest.fixture
def plan(world):
    return AnnualPlanFactory(
        project=project(world["district"], park=world["cluster"]),
        campaign_year=world["year"],
        planned_investment=Decimal("1000.00"),
    )


@pytest.fixture
def target(world):
    indicator = Indicator.objects.get(code="project_investment")
    return Target.objects.create(
        campaign_year=world["year"], indicator=indicator, region=world["district"], value=1000, unit="万元"
    )


def etag_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"]


# --- annual plans ---------------------------------------------------------------------------------


def test_a_plan_written_with_if_match_rolls_up_and_records_the_official(
    world, plan, official, eager_tasks, django_capture_on_commit_callbacks
):
    report(plan.project, d("2025-01-01"), 250)
    url = api("annual-plan-detail", plan.pk)
    etag = etag_of(official, url)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = official.patch(url, {"planned_investment": "500.00"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert response.json()["planned_investment"] == "500.00"
    assert response["ETag"] != etag
    assert len(callbacks) == 1
    signal = ProjectSignal.objects.filter(project=plan.project, campaign_year=world["year"]).latest("as_of")
    assert signal.planned_investment == Decimal("500.00")
    assert plan.history.latest().history_user == official.user


def test_a_stale_if_match_answers_412_with_what_changed_and_saves_nothing(plan, official):
    url = api("annual-plan-detail", plan.pk)
    etag = etag_of(official, url)
    assert official.patch(url, {"planned_investment": "600"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    response = official.patch(url, {"planned_investment": "700"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    error = response.json()["error"]
    assert error["code"] == "precondition_failed"
    assert [c["field"] for c in error["changes"]] == ["planned_investment"]
    assert error["changes"][0]["before"] == "1000.00" and error["changes"][0]["after"] == "600.00"
    assert response["ETag"] == etag_of(official, url)
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("600.00")


def test_a_stale_version_in_the_body_answers_409(plan, official):
    url = api("annual-plan-detail", plan.pk)
    version = official.get(url).json()["version"]
    official.patch(url, {"planned_investment": "600"}, format="json", HTTP_IF_MATCH=f'"{version}"')
    response = official.patch(url, {"planned_investment": "700", "version": version}, format="json")
    assert response.status_code == 409


def test_a_change_without_if_match_answers_428(plan, official):
    url = api("annual-plan-detail", plan.pk)
    response = official.patch(url, {"planned_investment": "600"}, format="json")
    assert response.status_code == 428
    assert response.json()["error"]["code"] == "precondition_required"
    assert official.delete(url).status_code == 428
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("1000.00")


def test_plan_field_errors_come_field_by_field_and_nothing_is_saved(world, plan, official):
    response = official.post(
        api("annual-plan-list"),
        {"project": plan.project_id, "year": 2026, "planned_investment": "-5"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"planned_investment"}
    assert not CampaignYear.objects.filter(year=2026).exists()
    response = official.post(
        api("annual-plan-list"), {"project": plan.project_id, "year": 2025, "planned_investment": "5"}, format="json"
    )
    assert response.status_code == 400
    assert "project" in response.json()["error"]["fields"]
    response = official.post(api("annual-plan-list"), {"year": 2025}, format="json")
    assert set(response.json()["error"]["fields"]) == {"project", "planned_investment"}


def test_a_plan_for_a_new_year_creates_the_year_with_last_years_rules(world, plan, official):
    world["year"].red_lag_points = Decimal("40")
    world["year"].save()
    response = official.post(
        api("annual-plan-list"), {"project": plan.project_id, "year": 2026, "planned_investment": "5"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response["ETag"]
    assert CampaignYear.objects.get(year=2026).red_lag_points == Decimal("40")
    assert AnnualPlan.objects.get(campaign_year__year=2026).history.latest().history_user == official.user


def test_deleting_a_plan_rolls_its_project_up(world, plan, official, eager_tasks, django_capture_on_commit_callbacks):
    url = api("annual-plan-detail", plan.pk)
    etag = etag_of(official, url)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert official.delete(url, HTTP_IF_MATCH=etag).status_code == 204
    assert len(callbacks) == 1
    assert not AnnualPlan.objects.exists()
    assert AnnualPlan.history.filter(history_type="-").get().history_user == official.user


def test_plans_filter_by_year_region_park_and_project(world, plan, official):
    other_year = CampaignYearFactory(year=2024)
    AnnualPlanFactory(project=project(world["other"]), campaign_year=other_year)
    ids = lambda **q: [p["id"] for p in official.get(api("annual-plan-list"), q).json()["results"]]  # noqa: E731
    assert ids(year=2025) == [plan.pk]
    assert ids(region=world["district"].pk) == [plan.pk]
    assert ids(park=world["zone"].pk) == [plan.pk]
    assert ids(project=plan.project_id) == [plan.pk]
    assert len(ids()) == 2


def test_plans_list_in_a_bounded_number_of_queries(world, official, django_assert_max_num_queries):
    for _ in range(15):
        AnnualPlanFactory(project=project(world["district"], park=world["cluster"]), campaign_year=world["year"])
    with django_assert_max_num_queries(8):
        response = official.get(api("annual-plan-list"), {"page_size": 15})
    assert len(response.json()["results"]) == 15


# --- targets --------------------------------------------------------------------------------------


def test_a_target_changed_over_the_api_rolls_up_and_records_the_official(
    world, target, official, eager_tasks, django_capture_on_commit_callbacks
):
    url = api("target-detail", target.pk)
    etag = etag_of(official, url)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = official.patch(url, {"value": "500", "comparator": ">="}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert len(callbacks) == 1
    target.refresh_from_db()
    assert (target.value, target.comparator) == (Decimal("500"), ">=")
    assert target.history.latest().history_user == official.user


def test_a_bad_target_is_a_field_error_and_nothing_changes(world, target, official):
    url = api("target-detail", target.pk)
    response = official.patch(url, {"value": "-5"}, format="json", HTTP_IF_MATCH=etag_of(official, url))
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"value"}
    response = official.patch(url, {"comparator": "<>"}, format="json", HTTP_IF_MATCH=etag_of(official, url))
    assert set(response.json()["error"]["fields"]) == {"comparator"}
    target.refresh_from_db()
    assert target.value == 1000 and target.comparator == ""


def test_a_target_is_created_and_deleted(world, official, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = official.post(
            api("target-list"),
            {"year": 2025, "indicator": "project_investment", "park": world["zone"].pk, "value": "800", "unit": "万元"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    target = Target.objects.get(pk=response.json()["id"])
    assert target.history.latest().history_user == official.user
    url = api("target-detail", target.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert official.delete(url, HTTP_IF_MATCH=etag_of(official, url)).status_code == 204
    assert not Target.objects.filter(pk=target.pk).exists()


# --- campaign years -------------------------------------------------------------------------------


def test_a_years_thresholds_change_with_if_match_and_roll_the_year_up(
    world, official, django_capture_on_commit_callbacks
):
    url = api("campaign-year-detail", world["year"].pk)
    etag = etag_of(official, url)
    with django_capture_on_commit_callbacks() as callbacks:
        response = official.patch(
            url, {"yellow_lag_points": "5", "red_lag_points": "20", "name": "攻坚年"}, format="json", HTTP_IF_MATCH=etag
        )
    assert response.status_code == 200, response.json()
    assert len(callbacks) == 1
    year = CampaignYear.objects.get(pk=world["year"].pk)
    assert (year.yellow_lag_points, year.red_lag_points, year.name) == (Decimal("5"), Decimal("20"), "攻坚年")
    assert year.history.latest().history_user == official.user
    assert official.patch(url, {"name": "旧"}, format="json", HTTP_IF_MATCH=etag).status_code == 412


def test_red_below_yellow_is_refused(world, official):
    url = api("campaign-year-detail", world["year"].pk)
    response = official.patch(url, {"red_lag_points": "1"}, format="json", HTTP_IF_MATCH=etag_of(official, url))
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"red_lag_points": ["红灯阈值必须不小于黄灯阈值。"]}
    assert CampaignYear.objects.get(pk=world["year"].pk).red_lag_points == Decimal("30")


def test_a_new_year_copies_the_previous_years_rules(world, official):
    world["year"].yellow_lag_points, world["year"].red_not_started_months = Decimal("12"), 6
    world["year"].save()
    response = official.post(api("campaign-year-list"), {"year": 2026, "red_lag_points": "35"}, format="json")
    assert response.status_code == 201, response.json()
    year = CampaignYear.objects.get(year=2026)
    assert (year.yellow_lag_points, year.red_lag_points, year.red_not_started_months) == (Decimal("12"), 35, 6)
    assert official.post(api("campaign-year-list"), {"year": 2026}, format="json").json()["error"]["fields"] == {
        "year": ["该年度已存在。"]
    }


# --- milestones (projects app) roll up through the register's hook --------------------------------


def test_a_milestone_written_over_the_api_rolls_its_project_up(
    world, plan, official, eager_tasks, django_capture_on_commit_callbacks
):
    from projects.models import Milestone

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = official.post(
            api("milestone-list"),
            {"project": plan.project_id, "kind": "started", "actual_date": "2025-03-18"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    assert len(callbacks) == 1
    signal = ProjectSignal.objects.filter(project=plan.project, campaign_year=world["year"]).latest("as_of")
    assert signal.started_on == d("2025-03-18")
    assert Milestone.objects.get().history.latest().history_user == official.user
