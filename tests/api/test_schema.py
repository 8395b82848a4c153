"""The OpenAPI schema says what the API really answers: errors in the shared shape, the exports' content types,
and a month written YYYY-MM declared as such (not as a date)."""

import re

import pytest

ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_operation_documents_its_errors_in_the_shared_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["status", "code", "message", "fields"]
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        for code in ("401", "403", "429", "503"):
            assert responses[code]["content"]["application/json"]["schema"] == ERROR_REF, (method, path, code)
        if "{" in path:
            assert "404" in responses, (method, path)
        if method in ("post", "put", "patch"):
            assert "400" in responses, (method, path)


def test_versioned_writes_document_the_stale_and_missing_version_answers(schema):
    approve = schema["paths"]["/api/v1/progress-reports/{id}/approve/"]["post"]["responses"]
    assert {"409", "412", "428"} <= set(approve)
    target_put = schema["paths"]["/api/v1/targets/{id}/"]["put"]["responses"]
    assert {"409", "412", "428"} <= set(target_put)
    assert "412" not in schema["paths"]["/api/v1/projects/"]["get"]["responses"]


def test_list_exports_document_csv_and_xlsx(schema):
    content = schema["paths"]["/api/v1/projects/"]["get"]["responses"]["200"]["content"]
    assert content["text/csv"]["schema"] == {"type": "string", "format": "binary"}
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert content[xlsx]["schema"] == {"type": "string", "format": "binary"}
    assert "application/json" in content


def test_a_progress_reports_period_is_a_month_string_with_its_pattern(schema):
    components = schema["components"]["schemas"]
    period = components["ProgressReport"]["properties"]["period"]
    assert period["type"] == "string" and "format" not in period
    assert re.fullmatch(period["pattern"], "2026-03") and not re.fullmatch(period["pattern"], "2026-03-01")
    assert not re.fullmatch(period["pattern"], "2026-13")
    parameters = schema["paths"]["/api/v1/progress-reports/"]["get"]["parameters"]
    for name in ("period", "period_after", "period_before"):
        (param,) = [p for p in parameters if p["name"] == name]
        assert param["schema"]["pattern"] == period["pattern"], name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/projects/abc/", "/api/v1/projects/1234567890123456789012/", "/api/v1/nothing/"]
)
def test_an_api_url_that_matches_no_route_answers_404_in_the_shared_shape(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == {"status": 404, "code": "not_found", "message": "未找到。", "fields": {}}


@pytest.mark.django_db
def test_a_page_that_matches_no_route_keeps_the_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
