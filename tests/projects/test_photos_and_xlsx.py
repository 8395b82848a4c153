"""Photos (images only, size limit, EXIF capture time, hash) and the XLSX bulk entry round trip."""

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from PIL import Image

from projects.models import ProgressPhoto, ProgressReport, Project
from projects.progress import photos, services, xlsx


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg_with_exif(taken: str) -> bytes:
    image = Image.new("RGB", (16, 16), "green")
    exif = Image.Exif()
    exif.get_ifd(photos.EXIF_IFD)[photos.EXIF_DATETIME_ORIGINAL] = taken
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def report(project, staff_user, months):
    return services.progress_report_create(
        project=project, period=months[0], actor=staff_user, investment_completed=Decimal("1")
    )


def test_photo_keeps_capture_time_and_hash(report, staff_user):
    data = jpeg_with_exif("2025:03:04 10:20:30")
    photo = services.progress_photo_add(
        report=report, file=SimpleUploadedFile("a.jpg", data), actor=staff_user, caption="基坑"
    )
    expected = timezone.make_aware(dt.datetime(2025, 3, 4, 10, 20, 30), timezone.get_default_timezone())
    assert photo.captured_at == expected
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    with pytest.raises(ValidationError) as err:
        services.progress_photo_add(report=report, file=SimpleUploadedFile("b.jpg", data), actor=staff_user)
    assert "image" in err.value.message_dict
    assert ProgressPhoto.objects.count() == 1


def test_photo_without_exif_has_no_capture_time(report, staff_user):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    photo = services.progress_photo_add(
        report=report, file=SimpleUploadedFile("a.png", buffer.getvalue()), actor=staff_user
    )
    assert photo.captured_at is None


def test_too_large_or_not_an_image_is_rejected(report, staff_user):
    with pytest.raises(ValidationError) as err:
        services.progress_photo_add(
            report=report, file=SimpleUploadedFile("x.jpg", b"GIF89a nonsense"), actor=staff_user
        )
    assert "image" in err.value.message_dict
    big = SimpleUploadedFile("big.jpg", b"\xff" * (photos.MAX_PHOTO_BYTES + 1))
    with pytest.raises(ValidationError) as err:
        services.progress_photo_add(report=report, file=big, actor=staff_user)
    assert "5 MB" in err.value.message_dict["image"][0]
    assert not ProgressPhoto.objects.exists()


def test_photos_only_on_reports_still_being_edited(report, staff_user):
    report = services.progress_report_submit(report=report, actor=staff_user)
    with pytest.raises(ValidationError):
        services.progress_photo_add(
            report=report, file=SimpleUploadedFile("a.jpg", jpeg_with_exif("2025:01:01 00:00:00")), actor=staff_user
        )


def _fill(content: bytes, rows: dict[int, dict]) -> io.BytesIO:
    """Fills template rows: {project_id: {header: value}}."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        values = rows.get(row[0].value, {})
        for header, value in values.items():
            row[headers.index(header)].value = value
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def test_xlsx_round_trip_reports_row_errors_and_saves_nothing_then_saves_all(
    project, staff_user, reviewer, region, months
):
    second = Project.objects.create(name="第二个项目", region=region, total_investment=Decimal("50"))
    second.staff.add(staff_user)
    last = services.progress_report_create(
        project=project, period=months[1], actor=staff_user, investment_completed=Decimal("33.30")
    )
    services.progress_report_approve(
        report=services.progress_report_submit(report=last, actor=staff_user), reviewer=reviewer
    )
    content = xlsx.progress_template_xlsx(projects=[project, second], period=months[0])
    sheet = load_workbook(io.BytesIO(content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(rows[project.pk][4])) == Decimal("33.3")
    assert rows[second.pk][4] is None

    bad = _fill(
        content,
        {
            project.pk: {"本月完成投资(万元)": 10, "形象进度(%)": 150},
            second.pk: {"本月完成投资(万元)": "abc"},
        },
    )
    with pytest.raises(xlsx.XlsxRowErrors) as err:
        xlsx.progress_xlsx_import(file=bad, actor=staff_user)
    found = {(e["row"], e["column"]) for e in err.value.errors}
    assert found == {(2, "形象进度(%)"), (3, "本月完成投资(万元)")}
    assert not ProgressReport.objects.filter(period=months[0]).exists()

    good = _fill(
        content,
        {
            project.pk: {"本月完成投资(万元)": 10, "形象进度(%)": 40, "形象进度描述": "设备安装"},
            second.pk: {"本月完成投资(万元)": "12.5", "在岗人数": 20},
        },
    )
    saved = xlsx.progress_xlsx_import(file=good, actor=staff_user, submit=True)
    assert len(saved) == 2
    stored = {r.project_id: r for r in ProgressReport.objects.filter(period=months[0])}
    assert stored[project.pk].stage == "设备安装" and stored[project.pk].status == ProgressReport.Status.SUBMITTED
    assert stored[second.pk].investment_completed == Decimal("12.50") and stored[second.pk].workers_on_site == 20


def test_xlsx_rows_for_other_peoples_projects_and_missing_columns(project, staff_user, outsider, months):
    content = xlsx.progress_template_xlsx(projects=[project], period=months[0])
    filled = _fill(content, {project.pk: {"本月完成投资(万元)": 1}})
    with pytest.raises(xlsx.XlsxRowErrors) as err:
        xlsx.progress_xlsx_import(file=filled, actor=outsider)
    assert err.value.errors[0]["row"] == 2 and err.value.errors[0]["column"] == "项目 id"

    workbook = Workbook()
    workbook.active.append(["项目 id", "月份"])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    with pytest.raises(xlsx.XlsxRowErrors) as err:
        xlsx.progress_xlsx_import(file=out, actor=staff_user)
    assert {e["column"] for e in err.value.errors} >= {"本月完成投资(万元)"}
    assert not ProgressReport.objects.exists()


def _template_rows(content: bytes) -> tuple[list, list[tuple]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [c.value for c in sheet[1]], list(sheet.iter_rows(min_row=2, values_only=True))


def test_xlsx_template_uploads_as_downloaded_and_leaves_out_months_that_cannot_change(
    client, project, staff_user, reviewer, region, months
):
    """The sheet as downloaded is a valid upload (lines left blank are not errors), and a project whose month
    is approved or waiting for review is not in it. 项目 id is the database id, 项目编号 the ledger's code."""
    waiting = Project.objects.create(name="待审核项目", region=region, code="XM-2")
    open_ = Project.objects.create(name="未填报项目", region=region, code="XM-3")
    for other in (waiting, open_):
        other.staff.add(staff_user)
    approved = services.progress_report_create(
        project=project, period=months[0], actor=staff_user, investment_completed=Decimal("5")
    )
    services.progress_report_approve(
        report=services.progress_report_submit(report=approved, actor=staff_user), reviewer=reviewer
    )
    submitted = services.progress_report_create(
        project=waiting, period=months[0], actor=staff_user, investment_completed=Decimal("6")
    )
    services.progress_report_submit(report=submitted, actor=staff_user)

    client.force_login(staff_user)
    response = client.get("/progress/xlsx/template/", {"period": f"{months[0]:%Y-%m}"})
    assert response.status_code == 200
    headers, rows = _template_rows(response.content)
    assert headers[:3] == ["项目 id", "项目编号", "项目名称"]
    assert [(r[0], r[1], r[2]) for r in rows] == [(open_.pk, "XM-3", "未填报项目")]

    before = ProgressReport.objects.count()
    upload = SimpleUploadedFile("sheet.xlsx", response.content)
    answer = client.post("/progress/xlsx/upload/", {"file": upload})
    assert answer.status_code in (200, 302)
    assert "不是有效" not in answer.content.decode() and "请填写本月完成投资" not in answer.content.decode()
    assert ProgressReport.objects.count() == before


def test_xlsx_upload_reports_every_error_of_a_row_in_one_pass(project, staff_user, months):
    content = xlsx.progress_template_xlsx(projects=[project], period=months[0])
    filled = _fill(content, {project.pk: {"本月完成投资(万元)": "abc", "形象进度(%)": 130, "在岗人数": "x"}})
    with pytest.raises(xlsx.XlsxRowErrors) as err:
        xlsx.progress_xlsx_import(file=filled, actor=staff_user)
    assert {(e["row"], e["column"]) for e in err.value.errors} == {
        (2, "本月完成投资(万元)"),
        (2, "形象进度(%)"),
        (2, "在岗人数"),
    }
    # An unknown project is reported beside the row's other errors, not instead of them.
    workbook = load_workbook(io.BytesIO(content))
    workbook.active["A2"] = 999999
    workbook.active["I2"] = 130  # 形象进度(%)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    with pytest.raises(xlsx.XlsxRowErrors) as err:
        xlsx.progress_xlsx_import(file=out, actor=staff_user)
    assert {(e["row"], e["column"]) for e in err.value.errors} >= {(2, "项目 id"), (2, "形象进度(%)")}
    assert not ProgressReport.objects.exists()


def test_progress_export_heads_the_id_and_the_ledger_code_apart(project, staff_user, months):
    from rest_framework.test import APIClient

    project.code = "SD-2026-001"
    project.save()
    services.progress_report_create(project=project, period=months[0], actor=staff_user, investment_completed=1)
    client = APIClient()
    client.force_authenticate(staff_user)
    response = client.get("/api/v1/progress-reports/", {"format": "csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    headers, first = lines[0].split(","), lines[1].split(",")
    assert first[headers.index("项目 id")] == str(project.pk)
    assert first[headers.index("项目编号")] == "SD-2026-001"
