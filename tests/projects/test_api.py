"""The progress report API: transitions, rejections, ETag/If-Match, bulk approval, XLSX and history."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from projects.models import ProgressReport
from projects.progress import services

Status = ProgressReport.Status
BASE = "/api/v1/progress-reports/"


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
    """The field errors of an answer in the shared error shape (and a check that it is that shape)."""
    error = response.json()["error"]
    assert error["status"] == response.status_code
    return error["fields"]


def create(api, project, period, **extra):
    body = {"project": project.pk, "period": f"{period:%Y-%m}", "investment_completed": "50.00"} | extra
    return api.post(BASE, body, format="json")


def test_create_submit_approve_over_the_api(staff_api, reviewer_api, project, months):
    response = create(staff_api, project, months[1], physical_progress=20)
    assert response.status_code == 201, response.data
    assert response["ETag"] == '"1"'
    report_id = response.data["id"]
    assert response.data["since_start"] == "50.00"

    response = staff_api.post(f"{BASE}{report_id}/submit/", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.data["status"] == Status.SUBMITTED
    response = reviewer_api.post(f"{BASE}{report_id}/approve/", HTTP_IF_MATCH=response["ETag"])
    assert response.status_code == 200 and response.data["status"] == Status.APPROVED

    # Locked: neither a PATCH nor a second submission changes it.
    response = staff_api.patch(f"{BASE}{report_id}/", {"narrative": "改"}, format="json", HTTP_IF_MATCH='"3"')
    assert response.status_code == 400 and "status" in fields(response)
    assert ProgressReport.objects.get(pk=report_id).narrative == ""


def test_return_requires_a_note_and_staff_cannot_approve(staff_api, reviewer_api, project, months):
    report_id = create(staff_api, project, months[0]).data["id"]
    staff_api.post(f"{BASE}{report_id}/submit/")
    refused = staff_api.post(f"{BASE}{report_id}/approve/")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    response = reviewer_api.post(f"{BASE}{report_id}/return/", {"review_note": ""}, format="json")
    assert response.status_code == 400 and "review_note" in fields(response)
    response = reviewer_api.post(f"{BASE}{report_id}/return/", {"review_note": "缺照片"}, format="json")
    assert response.status_code == 200 and response.data["status"] == Status.RETURNED


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"investment_completed": "-1"}, "investment_completed"),
        ({"investment_completed": "5000"}, "explanation"),
        ({"physical_progress": 120}, "physical_progress"),
    ],
)
def test_bad_input_is_a_field_error(staff_api, project, months, extra, field):
    response = create(staff_api, project, months[0], **extra)
    assert response.status_code == 400 and field in fields(response)
    assert not ProgressReport.objects.exists()


def test_future_month_and_duplicate_month_are_rejected(staff_api, project, months):
    future = months[0].replace(year=months[0].year + 1)
    response = create(staff_api, project, future)
    assert response.status_code == 400 and "period" in fields(response)
    assert create(staff_api, project, months[0]).status_code == 201
    response = create(staff_api, project, months[0])
    assert response.status_code == 400 and "period" in fields(response)
    assert ProgressReport.objects.count() == 1


def test_other_staff_cannot_create(outsider, project, months):
    api = APIClient()
    api.force_authenticate(outsider)
    refused = create(api, project, months[0])
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "您不是该项目的填报人员。"
    assert APIClient().get(BASE).status_code == 401
    assert not ProgressReport.objects.exists()


def test_stale_if_match_is_412_and_stale_body_version_is_409(staff_api, project, months):
    report_id = create(staff_api, project, months[0]).data["id"]
    first = staff_api.patch(f"{BASE}{report_id}/", {"stage": "基础"}, format="json", HTTP_IF_MATCH='"1"')
    assert first.status_code == 200 and first["ETag"] == '"2"'
    stale = staff_api.patch(f"{BASE}{report_id}/", {"stage": "封顶"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale["ETag"] == '"2"'
    error = stale.json()["error"]
    assert (error["status"], error["code"], error["fields"]) == (412, "precondition_failed", {})
    assert error["current_version"] == 2 and error["changes"][0]["field"] == "stage"
    assert (error["changes"][0]["before"], error["changes"][0]["after"]) == ("", "基础")
    assert "版本 1 → 2" in error["message"]
    stale = staff_api.patch(f"{BASE}{report_id}/", {"stage": "封顶", "version": 1}, format="json")
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert (error["status"], error["code"], error["current_version"]) == (409, "conflict", 2)
    missing = staff_api.patch(f"{BASE}{report_id}/", {"stage": "封顶"}, format="json")
    assert missing.status_code == 400 and "version" in fields(missing)
    assert ProgressReport.objects.get(pk=report_id).stage == "基础"


def test_bulk_approve(staff_api, reviewer_api, project, months):
    ids = [create(staff_api, project, p).data["id"] for p in months[:3]]
    for report_id in ids[:2]:
        staff_api.post(f"{BASE}{report_id}/submit/")
    response = reviewer_api.post(f"{BASE}approve/", {"ids": ids}, format="json")
    assert response.status_code == 400 and f"#{ids[2]}" in fields(response)["reports"][0]
    assert not ProgressReport.objects.filter(status=Status.APPROVED).exists()
    response = reviewer_api.post(f"{BASE}approve/", {"ids": ids[:2]}, format="json")
    assert response.status_code == 200 and sorted(response.data["approved"]) == sorted(ids[:2])


def test_correction_over_the_api(staff_api, reviewer_api, project, months):
    report_id = create(staff_api, project, months[1]).data["id"]
    staff_api.post(f"{BASE}{report_id}/submit/")
    reviewer_api.post(f"{BASE}{report_id}/approve/")
    response = staff_api.post(f"{BASE}{report_id}/correct/", {"investment_completed": "60"}, format="json")
    assert response.status_code == 201 and response.data["corrects"] == report_id
    correction = response.data["id"]
    staff_api.post(f"{BASE}{correction}/submit/")
    reviewer_api.post(f"{BASE}{correction}/approve/")
    original = staff_api.get(f"{BASE}{report_id}/").data
    assert original["is_superseded"] is True


def test_history_endpoints_name_the_user(staff_api, reviewer_api, staff_user, reviewer, project, months):
    report_id = create(staff_api, project, months[0]).data["id"]
    staff_api.post(f"{BASE}{report_id}/submit/")
    reviewer_api.post(f"{BASE}{report_id}/return/", {"review_note": "补充"}, format="json")
    history = staff_api.get(f"{BASE}{report_id}/history/").data["results"]
    assert [h["user"] for h in history] == [reviewer.username, staff_user.username, staff_user.username]
    status_change = next(c for c in history[0]["changes"] if c["field"] == "status")
    assert (status_change["before"], status_change["after"]) == (Status.SUBMITTED, Status.RETURNED)
    project_history = reviewer_api.get(f"/api/v1/projects/{project.pk}/history/")
    assert project_history.status_code == 200
    assert project_history.data["count"] == len(project_history.data["results"])
    assert {h["object_id"] for h in project_history.data["results"]} >= {project.pk, report_id}
    first_page = reviewer_api.get(f"/api/v1/projects/{project.pk}/history/", {"page_size": 1}).data
    assert len(first_page["results"]) == 1 and first_page["count"] == project_history.data["count"]
    assert first_page["results"][0] == project_history.data["results"][0]


def test_xlsx_template_and_upload_with_row_errors(staff_api, project, months):
    response = staff_api.get(f"{BASE}xlsx-template/", {"period": f"{months[0]:%Y-%m}"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    assert sheet.cell(2, 1).value == project.pk
    sheet.cell(2, headers.index("本月完成投资(万元)") + 1).value = -3
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "progress.xlsx"
    response = staff_api.post(f"{BASE}xlsx-upload/", {"file": out}, format="multipart")
    assert response.status_code == 400
    rows = response.json()["error"]["rows"]
    assert rows[0]["row"] == 2 and rows[0]["column"] == "本月完成投资(万元)"
    assert fields(response)["file"][0].startswith("2:本月完成投资(万元) ")
    assert not ProgressReport.objects.exists()

    sheet.cell(2, headers.index("本月完成投资(万元)") + 1).value = 3
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "progress.xlsx"
    response = staff_api.post(f"{BASE}xlsx-upload/", {"file": out}, format="multipart")
    assert response.status_code == 200, response.data
    assert ProgressReport.objects.get(pk=response.data["saved"][0]).investment_completed == Decimal("3.00")


def test_list_is_bounded_in_queries(staff_api, staff_user, project, reviewer, django_assert_max_num_queries):
    import datetime as dt

    for month in range(1, 7):
        services.progress_report_create(
            project=project, period=dt.date(2024, month, 1), actor=staff_user, investment_completed=Decimal("1")
        )
    with django_assert_max_num_queries(6):
        response = staff_api.get(BASE)
    assert response.status_code == 200
    rows = response.data["results"] if isinstance(response.data, dict) else response.data
    assert len(rows) == 6


def test_list_filters_paginates_and_exports(reviewer_api, staff_user, project, region, months):
    import csv

    from parks.models import Park, Region
    from projects.models import Project

    zone = Park.objects.create(name="上党经济技术开发区", kind="development_zone", region=region)
    cluster = Park.objects.create(name="光伏产业园", kind="cluster", parent=zone, region=region)
    project.park = cluster
    project.save()
    county = Region.objects.create(name="襄垣县", level=Region.Level.COUNTY, parent=region.parent)
    elsewhere = Project.objects.create(name="襄垣储能项目", region=county, total_investment=Decimal("500"))
    elsewhere.staff.add(staff_user)
    ours = [
        services.progress_report_create(project=project, period=p, actor=staff_user, investment_completed=Decimal("2"))
        for p in months[:4]
    ]
    theirs = services.progress_report_create(
        project=elsewhere, period=months[0], actor=staff_user, investment_completed=Decimal("3")
    )
    services.progress_report_submit(report=ours[0], actor=staff_user)

    def ids(**params):
        response = reviewer_api.get(BASE, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.data["results"]}

    assert ids(region=county.pk) == {theirs.pk}
    assert ids(park=zone.pk) == {r.pk for r in ours}  # the zone includes its clusters
    assert ids(project=elsewhere.pk) == {theirs.pk}
    assert ids(status="submitted") == {ours[0].pk}
    assert ids(period_after=f"{months[2]:%Y-%m}", period_before=f"{months[1]:%Y-%m}") == {ours[1].pk, ours[2].pk}
    assert ids(period=f"{months[0]:%Y-%m}") == {ours[0].pk, theirs.pk}

    bad = reviewer_api.get(BASE, {"period_after": "2024-13", "status": "lost"})
    assert bad.status_code == 400
    assert {"period_after", "status"} <= set(fields(bad))

    page = reviewer_api.get(BASE, {"page_size": 2, "ordering": "period"}).data
    assert page["count"] == 5 and len(page["results"]) == 2
    assert [r["period"] for r in page["results"]] == [f"{months[3]:%Y-%m}", f"{months[2]:%Y-%m}"]

    export = reviewer_api.get(BASE, {"format": "csv", "region": region.pk})
    assert export.status_code == 200
    rows = list(csv.reader(b"".join(export.streaming_content).decode("utf-8-sig").splitlines()))
    assert rows[0][:5] == ["编号", "项目 id", "项目编号", "项目名称", "月份"]
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(r.pk for r in ours)
