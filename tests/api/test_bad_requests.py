"""Requests a clumsy client sends answer 4xx (or are ignored), never 500: ids that are not ids, and an
ordering that names no field."""

import pytest
from django.urls import reverse

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
