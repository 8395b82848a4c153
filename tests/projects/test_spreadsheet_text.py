"""Text that starts like a formula is written as text in every spreadsheet the portal hands out."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from projects.models import Project

NAMES = ['=HYPERLINK("http://x","y")', "+1+1 项目", "-2+3 项目", "@SUM(A1) 项目"]


@pytest.fixture
def official_api(region, api_client_as):
    for n, name in enumerate(NAMES):
        Project.objects.create(name=name, region=region, total_investment=Decimal(n + 1))
    return api_client_as("official")


@pytest.mark.django_db
def test_xlsx_export_writes_formula_like_text_as_strings(official_api):
    response = official_api.get(reverse("api:project-list"), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headers = [c.value for c in sheet[1]]
    names = {row[headers.index("项目名称")] for row in sheet.iter_rows(min_row=2)}
    assert {c.value for c in names} == set(NAMES)
    assert {c.data_type for c in names} == {"s"}
    money = [row[headers.index("总投资(万元)")] for row in sheet.iter_rows(min_row=2)]
    # Numbers stay numbers.
    assert {c.data_type for c in money} == {"n"} and sorted(c.value for c in money) == [1, 2, 3, 4]


@pytest.mark.django_db
def test_csv_export_prefixes_formula_like_text(official_api):
    response = official_api.get(reverse("api:project-list"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    column = rows[0].index("项目名称")
    assert {r[column] for r in rows[1:]} == {f"'{name}" for name in NAMES}
    assert {r[rows[0].index("总投资(万元)")] for r in rows[1:]} == {"1.00", "2.00", "3.00", "4.00"}


@pytest.mark.django_db
def test_bulk_entry_template_writes_formula_like_text_as_strings(region, staff_user, months):
    project = Project.objects.create(name=NAMES[0], region=region)
    project.staff.add(staff_user)
    api = APIClient()
    api.force_authenticate(staff_user)
    response = api.get(reverse("api:progress-report-xlsx-template"), {"project": project.pk})
    assert response.status_code == 200
    cell = load_workbook(io.BytesIO(response.content)).active.cell(2, 3)  # 项目名称, after 项目 id and 项目编号
    assert (cell.value, cell.data_type) == (NAMES[0], "s")
