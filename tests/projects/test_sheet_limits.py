"""The progress sheet upload is bounded in size, unpacked size, rows and columns before any row is parsed,
with an error naming the limit (the limits are shangdang_portal.spreadsheets.PROGRESS)."""

import io

import pytest
from rest_framework.test import APIClient

from projects.models import ProgressReport
from projects.progress import xlsx
from shangdang_portal import spreadsheets
from tests.spreadsheets import with_padding, xlsx_with_rows

pytestmark = pytest.mark.django_db
UPLOAD = "/api/v1/progress-reports/xlsx-upload/"


@pytest.fixture
def headers():
    return [label for _key, label in xlsx.xlsx_columns()]


@pytest.fixture
def parsed(monkeypatch):
    """Counts the rows the upload parsed: a refused sheet parses none."""
    seen = []
    original = xlsx.parse_row

    def counting(number, cells):
        seen.append(number)
        return original(number, cells)

    monkeypatch.setattr(xlsx, "parse_row", counting)
    return seen


def upload(user, data: bytes, *, page_client=None):
    file = io.BytesIO(data)
    file.name = "progress.xlsx"
    if page_client is not None:
        return page_client.post("/progress/xlsx/upload/", {"file": file})
    api = APIClient()
    api.force_authenticate(user)
    return api.post(UPLOAD, {"file": file}, format="multipart")


def file_error(response) -> str:
    assert response.status_code == 400, response.content[:500]
    return " ".join(response.json()["error"]["fields"]["file"])


def test_a_small_file_of_a_million_tiny_rows_is_refused_before_any_row_is_parsed(
    staff_user, project, headers, parsed, months
):
    data = xlsx_with_rows(headers, [project.pk, "测试", f"{months[0]:%Y-%m}"], 1_000_000)
    assert len(data) < 1024 * 1024
    message = file_error(upload(staff_user, data))
    assert "MB" in message or "行" in message
    assert parsed == []
    assert not ProgressReport.objects.exists()


def test_more_rows_than_the_limit_name_the_limit(staff_user, project, headers, parsed, months, client):
    rows = spreadsheets.PROGRESS.max_rows + 1
    data = xlsx_with_rows(headers, [project.pk, "测试", f"{months[0]:%Y-%m}", None, None, None, "1"], rows)
    message = file_error(upload(staff_user, data))
    assert message == f"数据超过{spreadsheets.PROGRESS.max_rows}行，请拆分后再导入"
    assert parsed == []

    client.force_login(staff_user)
    page = upload(staff_user, data, page_client=client)
    assert page.status_code == 400
    assert f"数据超过{spreadsheets.PROGRESS.max_rows}行".encode() in page.content


def test_too_many_columns_and_a_package_that_unpacks_too_far_are_refused(staff_user, headers, parsed):
    wide = headers + [f"列{n}" for n in range(spreadsheets.PROGRESS.max_columns)]
    assert file_error(upload(staff_user, xlsx_with_rows(wide, ["x"] * len(wide), 3))) == (
        f"列数超过{spreadsheets.PROGRESS.max_columns}列，请检查文件"
    )
    megabytes = spreadsheets.PROGRESS.max_unpacked_bytes // 2**20
    bomb = with_padding(xlsx_with_rows(headers, [1], 1), megabytes + 1)
    assert len(bomb) < spreadsheets.PROGRESS.max_bytes
    assert f"解压后超过{megabytes}MB" in file_error(upload(staff_user, bomb))
    assert parsed == []


def test_a_file_over_the_size_limit_is_refused_unread(staff_user):
    data = b"PK\x03\x04" + b"\0" * spreadsheets.PROGRESS.max_bytes
    assert file_error(upload(staff_user, data)) == "文件超过2MB，请拆分后再导入"


def test_a_sheet_within_the_limits_still_saves(staff_user, project, headers, months):
    # 项目 id, 项目编号, 项目名称, 月份, last month's three figures, then the first editable field (完成投资).
    data = xlsx_with_rows(headers, [project.pk, "", "测试", f"{months[0]:%Y-%m}", None, None, None, "12.5"], 1)
    response = upload(staff_user, data)
    assert response.status_code == 200, response.content
    assert ProgressReport.objects.get().investment_completed == 12.5
