"""Requests a clumsy client or an attacker sends answer 4xx (or are ignored), never 500: ids that are not
ids, an ordering that names no field, JSON nested a thousand deep, bodies of many megabytes, null where a
list belongs; and text arrives without control characters whatever path it takes."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from projects.models import ProgressReport, Project
from shangdang_portal.text import LONG_TEXT_MAX_LENGTH

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/rankings/abc/compare/",
        "/api/v1/rankings/abc/",
        "/api/v1/projects/abc/",
        "/api/v1/projects/99999999999999999999999/",
        "/api/v1/source-reports/1e3/",
    ],
)
def test_an_id_that_is_not_a_row_id_is_a_404(api_client_as, path):
    assert api_client_as("official").get(path).status_code == 404


@pytest.mark.parametrize("name", ["project", "company", "figure"])
@pytest.mark.parametrize("ordering", [",", ",,"])
def test_an_ordering_that_names_no_field_is_ignored(api_client_as, name, ordering):
    response = api_client_as("official").get(reverse(f"api:{name}-list"), {"ordering": ordering})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_an_ordering_by_an_unknown_name_is_a_field_error(api_client_as):
    response = api_client_as("official").get(reverse("api:project-list"), {"ordering": " , "})
    assert response.status_code == 400
    assert "ordering" in response.json()["error"]["fields"]


def test_a_control_character_in_stored_text_does_not_break_the_xlsx_export(api_client_as):
    import io

    import openpyxl

    from tests.factories import ProjectFactory

    ProjectFactory(name="第一期\x0b第二期")
    response = api_client_as("official").get(reverse("api:project-list"), {"format": "xlsx"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    values = [c for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True) for c in row]
    assert "第一期第二期" in values


# --- bodies no resource has: absurd nesting, absurd size, null where a list belongs ----------------------

DEEP = "[" * 1000 + "]" * 1000


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    error = response.json()["error"]
    assert set(error) >= {"status", "code", "message", "fields"} and error["status"] == status
    return error


@pytest.mark.parametrize(
    "role, name",
    [
        ("admin", "api:project-list"),
        ("official", "api:annual-plan-list"),
        ("official", "api:target-list"),
        ("official", "api:contact-list"),
        ("reviewer", "api:progress-report-approve-bulk"),
        ("staff", "api:progress-report-list"),
    ],
)
@pytest.mark.parametrize("body", [DEEP, '{"a":' * 1000 + "1" + "}" * 1000, "[" * 40 + "]" * 40])
def test_json_nested_past_any_resource_is_a_400_in_the_shared_shape(api_client_as, role, name, body):
    response = api_client_as(role).post(reverse(name), body, content_type="application/json")
    error = _error(response, 400)
    assert error["code"] == "parse_error" and "嵌套" in error["message"]


def test_a_json_body_larger_than_the_form_data_limit_is_a_413(api_client_as, settings):
    body = '{"narrative": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + '"}'
    response = api_client_as("staff").post(reverse("api:progress-report-list"), body, content_type="application/json")
    assert _error(response, 413)["code"] == "request_too_large"


def test_a_20_mb_narrative_is_refused_before_it_is_read_on_the_api_and_the_page(client_as, project_for_staff):
    project, months = project_for_staff
    narrative = "进" * (20 * 1024 * 1024 // 3)
    api = APIClient()
    api.force_authenticate(project.staff.get())
    body = {"project": project.pk, "period": f"{months[0]:%Y-%m}", "investment_completed": "1", "narrative": narrative}
    response = api.post(reverse("api:progress-report-list"), body, format="json")
    assert _error(response, 413)["code"] == "request_too_large"
    page = client_as("staff").post(
        reverse("progress:report-form", args=[project.pk]), {"investment_completed": "1", "narrative": narrative}
    )
    # The form's body passes the whole-request limit (large files reach their forms) but not the form-field
    # limit, which Django enforces before the view reads a field.
    assert page.status_code == 400
    assert not ProgressReport.objects.exists()


def test_a_narrative_longer_than_its_field_is_a_field_error_on_the_api_and_the_page(client_as, project_for_staff):
    project, months = project_for_staff
    narrative = "进" * (LONG_TEXT_MAX_LENGTH + 1)
    api = APIClient()
    api.force_authenticate(project.staff.get())
    body = {"project": project.pk, "period": f"{months[0]:%Y-%m}", "investment_completed": "1", "narrative": narrative}
    response = api.post(reverse("api:progress-report-list"), body, format="json")
    assert "narrative" in _error(response, 400)["fields"]
    page = client_as("staff").post(
        reverse("progress:report-form", args=[project.pk]),
        {"investment_completed": "1", "physical_progress": "0", "workers_on_site": "0", "narrative": narrative},
    )
    assert page.status_code == 400 and page.context["form"].errors["narrative"]
    assert not ProgressReport.objects.exists()


@pytest.fixture
def project_for_staff(user_of):
    from projects.progress import selectors
    from tests.factories import ProjectFactory

    project = ProjectFactory(name="测试项目")
    project.staff.add(user_of("staff"))
    return project, [selectors.current_period()]


@pytest.mark.parametrize(
    "body, fmt",
    [
        ({"aliases": "null"}, "multipart"),
        ({"aliases": None}, "json"),
        ({"aliases": {"a": 1}}, "json"),
        ({"aliases": "别名"}, "json"),
        ({"aliases": ["x" * 201]}, "json"),
    ],
)
def test_aliases_that_are_not_a_list_of_names_are_a_field_error_on_project_writes(api_client_as, body, fmt):
    from tests.factories import ProjectFactory

    project = ProjectFactory(name="测试项目", aliases=["原别名"])
    response = api_client_as("admin").patch(reverse("api:project-detail", args=[project.pk]), body, format=fmt)
    assert "aliases" in _error(response, 400)["fields"]
    project.refresh_from_db()
    assert project.aliases == ["原别名"]


def test_aliases_in_a_form_are_the_field_repeated_or_one_json_list(api_client_as):
    from tests.factories import ProjectFactory

    project = ProjectFactory(name="测试项目")
    admin = api_client_as("admin")
    url = reverse("api:project-detail", args=[project.pk])
    assert admin.patch(url, {"aliases": ["甲", "乙"]}, format="multipart").json()["aliases"] == ["甲", "乙"]
    assert admin.patch(url, {"aliases": '["丙"]'}, format="multipart").json()["aliases"] == ["丙"]


@pytest.mark.parametrize("name", ["api:company-list", "api:park-list", "api:region-list"])
def test_writes_to_read_only_resources_are_a_405_whatever_the_body(api_client_as, name):
    response = api_client_as("admin").post(reverse(name), {"name": "x", "aliases": "null"})
    assert _error(response, 405)["code"] == "method_not_allowed"


def test_too_many_form_fields_are_a_400_on_the_api_and_the_page(api_client_as, client_as, settings):
    fields = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = api_client_as("admin").post(reverse("api:project-list"), fields, format="multipart")
    assert _error(response, 400)["code"] == "parse_error"
    assert client_as("reviewer").post(reverse("progress:review"), fields).status_code == 400


# --- control characters are cleaned on the way in, wherever the text comes from --------------------------


def test_control_characters_are_stripped_from_api_writes(api_client_as, places):
    admin = api_client_as("admin")
    body = {
        "name": "光伏\x0b组件\x1b[31m项目",
        "region": places["district"].pk,
        "aliases": ["别\x07名"],
        "description": "第一行\r\n第二行\t缩进\x00",
    }
    # A NUL is taken out when the body is parsed (the database could not hold it), the rest when it is saved.
    response = admin.post(reverse("api:project-list"), body, format="json")
    assert response.status_code == 201, response.content
    project = Project.objects.get(pk=response.json()["id"])
    assert project.name == "光伏组件[31m项目"
    assert project.aliases == ["别名"]
    assert project.description == "第一行\n第二行\t缩进"


def test_a_required_text_of_nothing_but_control_characters_is_a_field_error(api_client_as, places):
    response = api_client_as("admin").post(
        reverse("api:project-list"), {"name": "\x01\x02", "region": places["district"].pk}, format="json"
    )
    assert "name" in _error(response, 400)["fields"]
    assert not Project.objects.exists()


def test_control_characters_are_stripped_from_the_progress_form(client_as, project_for_staff):
    project, months = project_for_staff
    response = client_as("staff").post(
        reverse("progress:report-form", args=[project.pk]),
        {
            "investment_completed": "1",
            "physical_progress": "0",
            "workers_on_site": "0",
            "stage": "基础\x08施工",
            "narrative": "钢结构\x0b吊装\r\n完成\t80%",
            "issue": "用地\x1f手续",
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.stage, report.narrative) == ("基础施工", "钢结构吊装\n完成\t80%")
    assert report.issues.get().description == "用地手续"
    # …so every export of them is clean too.
    export = client_as("reviewer").get(reverse("api:progress-report-list"), {"format": "xlsx"})
    assert export.status_code == 200


def test_a_nul_character_is_taken_out_of_every_parsed_body():
    from django.http import QueryDict

    from shangdang_portal.request_limits import _form_without_nul, _without_nul

    assert _without_nul({"indicator": "\x00", "aliases": ["甲\x00乙"], "k\x00": 1}) == {
        "indicator": "",
        "aliases": ["甲乙"],
        "k": 1,
    }
    form = _form_without_nul(QueryDict("indicator=%00&name=a%00b&name=c"))
    assert form["indicator"] == "" and form.getlist("name") == ["ab", "c"]


def test_a_value_the_database_refuses_is_a_400_in_the_pages_and_the_api():
    from django.db import DataError
    from django.test import RequestFactory

    from shangdang_portal.bad_data import DatabaseRefusedValueMiddleware

    middleware = DatabaseRefusedValueMiddleware(lambda request: None)
    refused = DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    api = middleware.process_exception(RequestFactory().post("/api/v1/targets/"), refused)
    assert api.status_code == 400 and json.loads(api.content)["error"]["code"] == "invalid"
    page = middleware.process_exception(RequestFactory().post("/plans/2025/"), refused)
    assert page.status_code == 400
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("other")) is None
