"""The planning pages under /plans/: officials and admins edit annual plans, targets and a year's signal rules
through the services; others are refused; errors and stale saves are shown on the row."""

import datetime as dt
import re
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
    assert "已被他人修改" in page and "1,000 → 1,200" in page
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

    link = f'href="{reverse("plans:index")}"'
    assert link in client_as("official").get(reverse("projects:list")).content.decode()
    assert link not in client_as("staff").get(reverse("projects:list")).content.decode()


# --- the project file: milestones and pool moves --------------------------------------------------


@pytest.fixture
def started(world):
    from projects.models import Milestone

    return Milestone.objects.create(
        project=project(world["district"], name="节点测试项目", pool="reserve", is_public=True),
        kind="started",
        planned_date=dt.date(2025, 4, 1),
        planned_precision="month",
    )


def milestone_data(milestone, **changes) -> dict:
    from projects.services import MILESTONE_VERSION_FIELDS

    data = {
        "kind": milestone.kind,
        "version": row_version(milestone, MILESTONE_VERSION_FIELDS),
        "planned_date": "2025-04-01",
        "planned_precision": "month",
        "actual_date": "",
        "date_precision": "day",
        "batch": "",
    }
    return {**data, **changes}


def test_an_official_sees_the_edit_forms_others_do_not(world, started, client_as):
    url = reverse("dashboards:project-detail", args=[started.project_id])
    page = client_as("official").get(url).content.decode()
    assert 'id="planning-edit"' in page and 'id="milestone-started"' in page and 'id="pool-move"' in page
    assert 'id="milestone-signed"' in page  # a kind without a milestone yet is a row too
    assert 'id="planning-edit"' not in client_as("staff").get(url).content.decode()


def test_an_official_saves_a_milestone_with_its_batch(world, started, client_as, user_of):
    from tests.factories import BatchFactory

    batch = BatchFactory(region=world["district"], year=2025, kind="started")
    url = reverse("dashboards:milestone-save", args=[started.project_id])
    data = milestone_data(started, actual_date="2025-05-20", date_precision="month", batch=batch.pk)
    client = client_as("official")
    response = client.post(url, data)
    detail = reverse("dashboards:project-detail", args=[started.project_id])
    assert response.status_code == 302 and response["Location"] == f"{detail}#milestone-started"
    started.refresh_from_db()
    assert started.actual_date == dt.date(2025, 5, 1)  # as precise as said: the month's first day
    assert started.date_precision == "month" and started.batch == batch
    assert started.history.latest().history_user == user_of("official")
    page = client.get(detail).content.decode()
    assert "节点“开工”已保存" in page
    # Every row's batch menu is read from one query; the saved row still shows its batch chosen.
    row = re.search(r'id="milestone-started".*?</form>', page, re.S).group(0)
    assert f'<option value="{batch.pk}" selected>' in row


def test_an_official_adds_a_milestone_the_project_had_not(world, started, client_as):
    from projects.models import Milestone

    url = reverse("dashboards:milestone-save", args=[started.project_id])
    data = {"kind": "signed", "version": "", "planned_date": "", "planned_precision": "day"}
    data |= {"actual_date": "2024-11-02", "date_precision": "day", "batch": ""}
    assert client_as("admin").post(url, data).status_code == 302
    assert Milestone.objects.get(project=started.project, kind="signed").actual_date == dt.date(2024, 11, 2)


@pytest.mark.parametrize(("role", "expected"), [("staff", 403), ("reviewer", 403), ("anonymous", 302)])
def test_others_may_not_save_a_milestone_or_move_a_pool(world, started, client_as, role, expected):
    for name, data in [
        ("dashboards:milestone-save", milestone_data(started, actual_date="2025-05-20")),
        ("dashboards:pool-move", {"to_pool": "construction", "reason": "已开工"}),
    ]:
        response = client_as(role).post(reverse(name, args=[started.project_id]), data)
        assert response.status_code == expected
        if expected == 302:
            assert reverse("login") in response["Location"]
    started.refresh_from_db()
    started.project.refresh_from_db()
    assert started.actual_date is None and started.project.pool == "reserve"


def test_a_hidden_project_is_not_found_and_get_is_refused(world, started, client_as):
    hidden = project(world["district"], is_public=False)
    url = reverse("dashboards:milestone-save", args=[hidden.pk])
    assert client_as("staff").post(url, {"kind": "started"}).status_code == 404
    assert client_as("staff").post(reverse("dashboards:pool-move", args=[hidden.pk]), {}).status_code == 404
    assert client_as("official").get(url).status_code == 405


def test_a_bad_date_is_a_field_error_and_saves_nothing(world, started, client_as):
    url = reverse("dashboards:milestone-save", args=[started.project_id])
    response = client_as("official").post(url, milestone_data(started, actual_date="2025-13-40"))
    assert response.status_code == 400
    page = response.content.decode()
    form = page[page.index('id="milestone-started"') :]
    form = form[: form.index("</form>")]
    assert "errorlist" in form and "有效的日期" in form
    started.refresh_from_db()
    assert started.actual_date is None


def test_a_stale_milestone_save_says_what_changed(world, started, client_as):
    from projects import services as project_services

    shown = milestone_data(started, actual_date="2025-06-01")
    started.planned_date = dt.date(2025, 7, 1)
    project_services.milestone_save(milestone=started, actor=None)
    url = reverse("dashboards:milestone-save", args=[started.project_id])
    response = client_as("official").post(url, shown)
    assert response.status_code == 400
    page = response.content.decode()
    form = page[page.index('id="milestone-started"') :]
    assert "已被他人修改(变更: 计划日期)" in form and "2025-04-01 → 2025-07-01" in form[: form.index("</form>")]
    started.refresh_from_db()
    assert started.actual_date is None and started.planned_date == dt.date(2025, 7, 1)


def test_an_official_moves_the_project_to_another_pool(world, started, client_as, user_of):
    from projects.models import PoolMove

    url = reverse("dashboards:pool-move", args=[started.project_id])
    response = client_as("official").post(url, {"to_pool": "construction", "reason": "已开工建设", "moved_on": ""})
    assert response.status_code == 302 and response["Location"].endswith("#pool-move")
    started.project.refresh_from_db()
    assert started.project.pool == "construction"
    move = PoolMove.objects.get(project=started.project)
    assert move.from_pool == "reserve" and move.reason == "已开工建设" and move.actor == user_of("official")
    assert started.project.history.latest().history_user == user_of("official")


def test_a_pool_move_without_reason_or_to_the_same_pool_is_refused_field_by_field(world, started, client_as):
    url = reverse("dashboards:pool-move", args=[started.project_id])
    client = client_as("official")
    response = client.post(url, {"to_pool": "construction", "reason": "  "})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    response = client.post(url, {"to_pool": "reserve", "reason": "无"})
    assert response.status_code == 400 and "新库必须不同于原库" in response.content.decode()
    started.project.refresh_from_db()
    assert started.project.pool == "reserve"


def test_a_pool_move_names_the_pool(world, started, client_as):
    response = client_as("official").post(reverse("dashboards:pool-move", args=[started.project_id]), {"reason": "x"})
    assert response.status_code == 400 and "errorlist" in response.content.decode()


# --- 三个一 contacts on the project file ------------------------------------------------------------


def test_an_official_sets_changes_and_removes_a_contact_on_the_project_file(world, started, client_as, user_of):
    from projects.models import ProjectContact
    from projects.services import CONTACT_VERSION_FIELDS

    url = reverse("dashboards:contact-save", args=[started.project_id])
    client = client_as("official")
    data = {"role": "leader", "version": "", "name": "张三", "title": "副区长", "phone": "13800000000"}
    response = client.post(url, data)
    detail = reverse("dashboards:project-detail", args=[started.project_id])
    assert response.status_code == 302 and response["Location"] == f"{detail}#contact-leader"
    contact = ProjectContact.objects.get(project=started.project, role="leader")
    assert (contact.name, contact.title) == ("张三", "副区长")
    assert contact.history.latest().history_user == user_of("official")
    page = client.get(detail).content.decode()
    assert 'id="contact-leader"' in page and 'value="张三"' in page

    version = row_version(contact, CONTACT_VERSION_FIELDS)
    client.post(url, {**data, "version": version, "name": "李四"})
    contact.refresh_from_db()
    assert contact.name == "李四"
    # A save from the page as it was before that change is refused and says what changed.
    stale = client.post(url, {**data, "version": version, "name": "王五"})
    assert stale.status_code == 400 and "姓名" in stale.content.decode()
    contact.refresh_from_db()
    assert contact.name == "李四"
    # A blank name removes the contact.
    current = row_version(contact, CONTACT_VERSION_FIELDS)
    assert client.post(url, {"role": "leader", "version": current, "name": ""}).status_code == 302
    assert not ProjectContact.objects.filter(project=started.project, role="leader").exists()


def test_a_blank_new_contact_is_a_field_error_and_others_may_not_save_one(world, started, client_as):
    from projects.models import ProjectContact

    url = reverse("dashboards:contact-save", args=[started.project_id])
    response = client_as("official").post(url, {"role": "officer", "version": "", "name": " "})
    assert response.status_code == 400 and "请填写姓名" in response.content.decode()
    for role, expected in (("staff", 403), ("reviewer", 403)):
        assert client_as(role).post(url, {"role": "officer", "name": "赵六"}).status_code == expected
    assert not ProjectContact.objects.filter(project=started.project).exists()
