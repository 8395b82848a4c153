"""The planning pages under /plans/: officials and admins edit annual plans, targets and a year's signal rules
through the services; others are refused; errors and stale saves are shown on the row."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investment.campaigns import services
from investment.models import AnnualPlan, CampaignYear, Indicator, Target
from shangdang_portal.row_versions import row_version
from tests.factories import AnnualPlanFactory

from .builders import project

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    return AnnualPlanFactory(
        project=project(world["district"], park=world["cluster"], name="测试光伏项目"),
        campaign_year=world["year"],
        planned_investment=Decimal("1000.00"),
    )


@pytest.fixture
def target(world):
    indicator = Indicator.objects.get(code="project_investment")
    return Target.objects.create(
        campaign_year=world["year"], indicator=indicator, region=world["district"], value=1000, unit="万元"
    )


def plan_version(plan) -> str:
    return row_version(AnnualPlan.objects.get(pk=plan.pk), services.ANNUAL_PLAN_VERSION_FIELDS)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("official", 200), ("admin", 200), ("reviewer", 403), ("staff", 403), ("anonymous", 302)],
)
@pytest.mark.parametrize("name", ["plans:annual-plans", "plans:targets", "plans:thresholds"])
def test_who_may_open_the_planning_pages(world, plan, target, client_as, role, expected, name):
    response = client_as(role).get(reverse(name, args=[2025]))
    assert response.status_code == expected
    if expected == 302:
        assert reverse("login") in response["Location"]


def test_staff_may_not_post_a_plan(world, plan, client_as):
    url = reverse("plans:annual-plans", args=[2025])
    data = {"project": plan.project_id, "version": plan_version(plan), "planned_investment": "1"}
    assert client_as("staff").post(url, data).status_code == 403
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("1000.00")


def test_the_index_opens_the_latest_year(world, client_as):
    response = client_as("official").get(reverse("plans:index"))
    assert response["Location"] == reverse("plans:annual-plans", args=[2025])


def test_the_plans_table_lists_projects_filtered_and_searched(world, plan, client_as):
    other = project(world["other"], name="邻区仓储项目")
    client = client_as("official")
    url = reverse("plans:annual-plans", args=[2025])
    page = client.get(url).content.decode()
    assert "测试光伏项目" in page and "邻区仓储项目" in page and 'value="1000.00"' in page
    page = client.get(url, {"region": world["other"].pk}).content.decode()
    assert "邻区仓储项目" in page and "测试光伏项目" not in page
    page = client.get(url, {"park": world["zone"].pk}).content.decode()
    assert "测试光伏项目" in page and "邻区仓储项目" not in page
    page = client.get(url, {"q": "仓储"}).content.decode()
    assert f'id="plan-{other.pk}"' in page and f'id="plan-{plan.project_id}"' not in page


def test_an_official_saves_a_plan_and_a_new_one(world, plan, client_as, user_of, django_capture_on_commit_callbacks):
    client = client_as("official")
    url = reverse("plans:annual-plans", args=[2025])
    data = {"project": plan.project_id, "version": plan_version(plan), "planned_investment": "1500", "next": url}
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    assert len(callbacks) == 1
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("1500.00")
    assert plan.history.latest().history_user == user_of("official")
    other = project(world["other"])
    client.post(url, {"project": other.pk, "version": "", "planned_investment": "20"})
    assert AnnualPlan.objects.get(project=other).planned_investment == Decimal("20.00")


def test_a_bad_plan_shows_the_field_error_and_saves_nothing(world, plan, client_as):
    url = reverse("plans:annual-plans", args=[2025])
    response = client_as("official").post(
        url, {"project": plan.project_id, "version": plan_version(plan), "planned_investment": "-3"}
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("1000.00")


def test_a_stale_plan_save_says_what_changed(world, plan, client_as):
    url = reverse("plans:annual-plans", args=[2025])
    shown = plan_version(plan)
    services.annual_plan_set(project=plan.project, campaign_year=world["year"], planned_investment=Decimal("1200"))
    response = client_as("official").post(
        url, {"project": plan.project_id, "version": shown, "planned_investment": "900"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "已被他人修改" in page and "1000.00 → 1200.00" in page
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("1200.00")


def test_a_plan_is_deleted(world, plan, client_as):
    url = reverse("plans:annual-plans", args=[2025])
    client_as("official").post(url, {"project": plan.project_id, "version": plan_version(plan), "delete": "on"})
    assert not AnnualPlan.objects.filter(pk=plan.pk).exists()


def test_an_official_edits_a_target(world, target, client_as):
    client = client_as("official")
    url = reverse("plans:targets", args=[2025])
    assert "项目投资完成额" in client.get(url).content.decode()
    version = row_version(target, services.TARGET_VERSION_FIELDS)
    response = client.post(url, {"target": target.pk, "version": version, "value": "800", "comparator": ">="})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.value, target.comparator) == (Decimal("800"), ">=")
    stale = client.post(url, {"target": target.pk, "version": version, "value": "700", "comparator": ""})
    assert stale.status_code == 400 and "已被他人修改" in stale.content.decode()
    bad = client.post(
        url,
        {"target": target.pk, "version": row_version(target, services.TARGET_VERSION_FIELDS), "value": "-1"},
    )
    assert bad.status_code == 400 and "金额不能为负数" in bad.content.decode()
    target.refresh_from_db()
    assert target.value == Decimal("800")


def test_an_official_changes_a_years_rules_and_a_new_year_copies_them(world, client_as, user_of):
    client = client_as("official")
    url = reverse("plans:thresholds", args=[2025])
    year = world["year"]
    version = row_version(year, services.CAMPAIGN_YEAR_VERSION_FIELDS)
    form = {"name": "攻坚年", "yellow_lag_points": "8", "red_lag_points": "25", "red_not_started_months": "4"}
    assert client.post(url, {**form, "version": version}).status_code == 302
    year.refresh_from_db()
    assert (year.yellow_lag_points, year.red_lag_points, year.red_not_started_months) == (8, 25, 4)
    assert year.history.latest().history_user == user_of("official")
    stale = client.post(url, {**form, "name": "又改", "version": version})
    assert stale.status_code == 400 and "已被他人修改" in stale.content.decode()
    bad = client.post(
        url, {**form, "red_lag_points": "2", "version": row_version(year, services.CAMPAIGN_YEAR_VERSION_FIELDS)}
    )
    assert bad.status_code == 400 and "红灯阈值必须不小于黄灯阈值" in bad.content.decode()
    new = client.get(reverse("plans:thresholds", args=[2026])).content.decode()
    assert 'value="25.00"' in new
    assert client.post(reverse("plans:thresholds", args=[2026]), {**form, "name": "2026年"}).status_code == 302
    assert CampaignYear.objects.get(year=2026).red_lag_points == 25


def test_the_plans_page_reads_in_a_bounded_number_of_queries(world, client_as, django_assert_max_num_queries):
    client = client_as("official")
    client.get(reverse("plans:annual-plans", args=[2025]))
    for _ in range(20):
        AnnualPlanFactory(project=project(world["district"], park=world["cluster"]), campaign_year=world["year"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("plans:annual-plans", args=[2025]))
    assert response.content.decode().count('class="row-form"') == 20


def test_the_plans_page_in_english(world, plan, client_as):
    client = client_as("official")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("plans:annual-plans", args=[2025]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2025 plans" in page and "Signal rules" in page


def test_the_header_links_the_planning_pages_for_officials_only(client_as):
    from django.urls import reverse

    for link in (f'href="{reverse("plans:index")}"', f'href="{reverse("progress:obstacles")}"'):
        assert link in client_as("official").get(reverse("projects:list")).content.decode()
        assert link not in client_as("staff").get(reverse("projects:list")).content.decode()
