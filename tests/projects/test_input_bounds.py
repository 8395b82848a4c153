"""Input beyond what the portal can hold or mean: money, ids, head counts and months answer a field error."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from openpyxl import load_workbook
from rest_framework.test import APIClient

from projects.models import ProgressReport, Project
from shangdang_portal import roles

BASE = "/api/v1/progress-reports/"
HUGE = "99999999999999.99"


@pytest.fixture
def staff_api(staff_user):
    api = APIClient()
    api.force_authenticate(staff_user)
    return api


@pytest.fixture
def reviewer_api(reviewer):
    api = APIClient()
    api.force_authenticate(reviewer)
    return api


def fields(response) -> dict:
    return response.json()["error"]["fields"]


def create(api, project, period, **extra):
    body = {"project": project.pk, "period": f"{period:%Y-%m}", "investment_completed": "5.00"} | extra
    return api.post(BASE, body, format="json")


def sheet_upload(api, project, period, rows: list[dict]):
    """Downloads the template, writes `rows` (header → value) under it for the project and uploads it."""
    template = api.get(f"{BASE}xlsx-template/", {"period": f"{period:%Y-%m}"})
    assert template.status_code == 200
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    sheet.delete_rows(2, sheet.max_row)
    for values in rows:
        line = [None] * len(headers)
        line[headers.index("项目 id")] = project.pk
        line[headers.index("月份")] = f"{period:%Y-%m}"
        for header, value in values.items():
            line[headers.index(header)] = value
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "progress.xlsx"
    return api.post(f"{BASE}xlsx-upload/", {"file": out}, format="multipart")


def row_errors(response) -> set[tuple[int, str]]:
    assert response.status_code == 400, response.content
    return {(r["row"], r["column"]) for r in response.json()["error"]["rows"]}


# --- 1. money beyond what the database holds ---------------------------------------------------------


@pytest.mark.django_db
def test_api_refuses_money_beyond_the_limit_on_create_and_update(staff_api, project, months):
    response = create(staff_api, project, months[0], investment_completed=HUGE, explanation="超了")
    assert response.status_code == 400 and "investment_completed" in fields(response)
    assert not ProgressReport.objects.exists()

    report = create(staff_api, project, months[0]).json()
    response = staff_api.patch(
        f"{BASE}{report['id']}/", {"investment_completed": HUGE, "version": report["version"]}, format="json"
    )
    assert response.status_code == 400 and "investment_completed" in fields(response)
    assert ProgressReport.objects.get().investment_completed == Decimal("5.00")


@pytest.mark.django_db
def test_page_form_refuses_money_beyond_the_limit(client, staff_user, project, months):
    client.force_login(staff_user)
    url = f"/progress/projects/{project.pk}/report/?period={months[0]:%Y-%m}"
    response = client.post(url, {"investment_completed": HUGE, "physical_progress": 0, "workers_on_site": 0})
    assert response.status_code == 400
    assert "investment_completed" in response.context["form"].errors
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_sheet_refuses_money_beyond_the_limit(staff_api, project, months):
    response = sheet_upload(staff_api, project, months[0], [{"本月完成投资(万元)": HUGE, "超总投资说明": "超了"}])
    assert row_errors(response) == {(2, "本月完成投资(万元)")}
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_project_total_investment_is_bounded_in_the_api(region):
    from shangdang_portal.money import MAX_MONEY

    admin = Group.objects.get_or_create(name=roles.ADMIN)[0]
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="admin-user", password="x")
    user.groups.add(admin)
    api = APIClient()
    api.force_authenticate(user)
    body = {"name": "超大项目", "region": region.pk, "total_investment": HUGE}
    response = api.post("/api/v1/projects/", body, format="json")
    assert response.status_code == 400 and "total_investment" in fields(response)
    body["total_investment"] = str(MAX_MONEY)
    assert api.post("/api/v1/projects/", body, format="json").status_code == 201
    assert Project.objects.get(name="超大项目").total_investment == Decimal(MAX_MONEY)


# --- 2. the XLSX upload ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "column"),
    [
        ({"本月完成投资(万元)": 5, "形象进度(%)": "Infinity"}, "形象进度(%)"),
        ({"本月完成投资(万元)": 5, "在岗人数": "-Infinity"}, "在岗人数"),
        ({"本月完成投资(万元)": "Infinity"}, "本月完成投资(万元)"),
        ({"本月完成投资(万元)": "NaN"}, "本月完成投资(万元)"),
        ({"本月完成投资(万元)": "10.005"}, "本月完成投资(万元)"),
        ({"本月完成投资(万元)": "1e30", "超总投资说明": "超了"}, "本月完成投资(万元)"),
        ({"本月完成投资(万元)": 5, "在岗人数": 10**12}, "在岗人数"),
        ({"本月完成投资(万元)": 10.125}, "本月完成投资(万元)"),
    ],
)
def test_sheet_cells_that_are_not_finite_or_too_precise_are_row_errors(staff_api, project, months, values, column):
    response = sheet_upload(staff_api, project, months[0], [values])
    assert row_errors(response) == {(2, column)}
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_sheet_with_trailing_zeros_is_accepted(staff_api, project, months):
    response = sheet_upload(staff_api, project, months[0], [{"本月完成投资(万元)": "10.500"}])
    assert response.status_code == 200, response.content
    assert ProgressReport.objects.get().investment_completed == Decimal("10.50")


@pytest.mark.django_db
def test_two_rows_for_the_same_project_and_month_are_refused(staff_api, project, months):
    response = sheet_upload(staff_api, project, months[0], [{"本月完成投资(万元)": 5}, {"本月完成投资(万元)": 7}])
    assert row_errors(response) == {(3, "月份")}
    assert "2" in response.json()["error"]["rows"][0]["message"]
    assert not ProgressReport.objects.exists()


# --- 3. ids that overflow ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("project_id", ["99999999999999999999999", "0", "-3", "abc"])
def test_template_with_an_impossible_project_id_is_a_field_error(staff_api, project_id):
    response = staff_api.get(f"{BASE}xlsx-template/", {"project": project_id})
    assert response.status_code == 400 and "project" in fields(response)


@pytest.mark.django_db
def test_template_for_chosen_projects(staff_api, staff_user, project, region):
    other = Project.objects.create(name="另一个项目", region=region)
    other.staff.add(staff_user)
    response = staff_api.get(f"{BASE}xlsx-template/", {"project": [other.pk]})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [other.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("report_id", [10**30, 2**63, 0])
def test_bulk_approve_with_an_impossible_id_is_a_field_error(reviewer_api, report_id):
    response = reviewer_api.post(f"{BASE}approve/", {"ids": [report_id]}, format="json")
    assert response.status_code == 400 and "ids" in fields(response)


@pytest.mark.django_db
def test_create_with_an_impossible_project_id_is_a_field_error(staff_api, months):
    body = {"project": 10**30, "period": f"{months[0]:%Y-%m}", "investment_completed": "1"}
    response = staff_api.post(BASE, body, format="json")
    assert response.status_code == 400 and "project" in fields(response)


@pytest.mark.django_db
def test_review_page_ignores_ids_no_row_can_have(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/progress/review/", {"report": ["99999999999999999999999"]})
    assert response.status_code == 400


# --- 4. head counts and months ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_workers_on_site_is_bounded(staff_api, project, months):
    response = create(staff_api, project, months[0], workers_on_site=10**12)
    assert response.status_code == 400 and "workers_on_site" in fields(response)
    assert create(staff_api, project, months[0], workers_on_site=100_000).status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["0001-01", "1999-12"])
def test_months_before_2000_are_refused(staff_api, project, period):
    response = staff_api.post(
        BASE, {"project": project.pk, "period": period, "investment_completed": "1"}, format="json"
    )
    assert response.status_code == 400 and "period" in fields(response)
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["2025-13", "soon", "0001-01"])
def test_template_with_a_bad_period_names_the_field(staff_api, period):
    response = staff_api.get(f"{BASE}xlsx-template/", {"period": period})
    assert response.status_code == 400
    assert list(fields(response)) == ["period"]


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["2025-13", "soon", "0001-01"])
def test_report_page_with_a_bad_period_shows_the_error(client, staff_user, project, period):
    client.force_login(staff_user)
    response = client.get(f"/progress/projects/{project.pk}/report/", {"period": period})
    assert response.status_code == 400
    assert response.context["period_errors"]
    assert "period-errors" in response.content.decode()
    response = client.post(
        f"/progress/projects/{project.pk}/report/?period={period}",
        {"investment_completed": "1", "physical_progress": 0, "workers_on_site": 0},
    )
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()
