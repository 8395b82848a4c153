"""Staff progress pages through the Django test client: form, conflicts, queue, bulk approval."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image

from projects.models import ProgressPhoto, ProgressReport, ProjectIssue
from projects.progress import services

Status = ProgressReport.Status


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def form_data(**extra):
    data = {
        "investment_completed": "120.50",
        "physical_progress": "35",
        "stage": "主体结构施工",
        "workers_on_site": "80",
        "narrative": "钢结构厂房吊装",
        "explanation": "",
        "version": "",
    }
    return data | extra


def test_pages_need_login(client, project):
    for url in [reverse("progress:my-projects"), reverse("progress:review")]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_my_projects_lists_assigned_projects(staff_client, project, region):
    from projects.models import Project

    Project.objects.create(name="别人的项目", region=region)
    page = staff_client.get(reverse("progress:my-projects")).content.decode()
    assert project.name in page and "别人的项目" not in page


def test_form_shows_last_month_and_saves_then_submits(staff_client, project, staff_user, reviewer, months):
    last = services.progress_report_create(
        project=project, period=months[1], actor=staff_user, investment_completed=Decimal("77.70")
    )
    services.progress_report_approve(
        report=services.progress_report_submit(report=last, actor=staff_user), reviewer=reviewer
    )
    url = reverse("progress:report-form", args=[project.pk])
    page = staff_client.get(url).content.decode()
    assert "77.70" in page

    response = staff_client.post(url, form_data())
    assert response.status_code == 302
    report = ProgressReport.objects.get(period=months[0])
    assert report.status == Status.DRAFT and report.investment_completed == Decimal("120.50")
    assert report.history.latest().history_user == staff_user

    response = staff_client.post(url, form_data(version=str(report.version), narrative="改", submit="1"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and report.narrative == "改"


def test_stale_form_shows_a_conflict_and_keeps_the_other_save(staff_client, project, staff_user, months):
    url = reverse("progress:report-form", args=[project.pk])
    staff_client.post(url, form_data())
    report = ProgressReport.objects.get()
    staff_client.post(url, form_data(version="1", narrative="先保存的内容"))
    response = staff_client.post(url, form_data(version="1", narrative="后保存的内容"))
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    report.refresh_from_db()
    assert report.narrative == "先保存的内容" and report.version == 2


def test_bad_input_is_shown_on_the_field_and_nothing_is_saved(staff_client, project, months):
    url = reverse("progress:report-form", args=[project.pk])
    response = staff_client.post(url, form_data(investment_completed="-5"))
    assert response.status_code == 400
    assert response.context["form"].errors["investment_completed"]
    response = staff_client.post(url, form_data(investment_completed="5000"))
    assert response.status_code == 400
    assert response.context["form"].errors["explanation"]
    assert not ProgressReport.objects.exists()


def test_a_file_that_is_not_an_image_is_rejected_with_the_report(staff_client, project, months):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("progress:report-form", args=[project.pk])
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    response = staff_client.post(url, form_data(photo=fake, issue="征地未完成"))
    assert response.status_code == 400
    assert response.context["form"].errors["photo"]
    # One transaction: neither the report nor the raised issue was kept.
    assert not ProgressReport.objects.exists() and not ProjectIssue.objects.exists()


def test_photo_and_issue_are_saved_with_the_report(staff_client, project, months, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    photo = SimpleUploadedFile("site.png", buffer.getvalue(), content_type="image/png")
    url = reverse("progress:report-form", args=[project.pk])
    response = staff_client.post(url, form_data(photo=photo, photo_caption="厂房", issue="施工用电"))
    assert response.status_code == 302
    saved = ProgressPhoto.objects.get()
    assert saved.caption == "厂房" and len(saved.sha256) == 64 and saved.size == len(buffer.getvalue())
    assert ProjectIssue.objects.get().description == "施工用电"


def test_other_staff_get_404_for_the_form_as_for_a_missing_project(client, outsider, project):
    # The project is public, yet its progress is not the outsider's: 404, not 403, so no existence oracle.
    client.force_login(outsider)
    assert client.get(reverse("progress:report-form", args=[project.pk])).status_code == 404
    assert client.get(reverse("progress:report-form", args=[999999])).status_code == 404
    assert client.post(reverse("progress:report-form", args=[project.pk]), form_data()).status_code == 404
    assert not ProgressReport.objects.exists()


def test_other_staff_get_404_for_history_and_report_as_for_missing_ones(client, outsider, project, staff_user, months):
    report = services.progress_report_create(
        project=project, period=months[0], actor=staff_user, investment_completed=Decimal("10")
    )
    client.force_login(outsider)
    for name, hidden, missing in [
        ("progress:project-history", project.pk, 999999),
        ("progress:report", report.pk, 999999),
        ("progress:correction", report.pk, 999999),
    ]:
        assert client.get(reverse(name, args=[hidden])).status_code == 404, name
        assert client.get(reverse(name, args=[missing])).status_code == 404, name
    assert client.post(reverse("progress:correct", args=[report.pk])).status_code == 404


def test_assigned_staff_and_reviewers_still_see_history_and_report(client, reviewer, project, staff_user, months):
    report = services.progress_report_create(
        project=project, period=months[0], actor=staff_user, investment_completed=Decimal("10")
    )
    for user in (staff_user, reviewer):
        client.force_login(user)
        assert client.get(reverse("progress:project-history", args=[project.pk])).status_code == 200
        assert client.get(reverse("progress:report", args=[report.pk])).status_code == 200


def test_review_queue_bulk_approve_and_return(client, project, staff_user, reviewer, months):
    reports = []
    for period in months[:3]:
        report = services.progress_report_create(
            project=project, period=period, actor=staff_user, investment_completed=Decimal("10")
        )
        reports.append(services.progress_report_submit(report=report, actor=staff_user))
    client.force_login(staff_user)
    assert client.get(reverse("progress:review")).status_code == 403

    client.force_login(reviewer)
    page = client.get(reverse("progress:review")).content.decode()
    assert page.count('name="report"') == 3
    response = client.post(reverse("progress:review"), {"report": [reports[0].pk, reports[1].pk]})
    assert response.status_code == 302
    assert ProgressReport.objects.filter(status=Status.APPROVED).count() == 2

    response = client.post(reverse("progress:return", args=[reports[2].pk]), {"review_note": "请补充照片"})
    assert response.status_code == 302
    reports[2].refresh_from_db()
    assert reports[2].status == Status.RETURNED and reports[2].reviewed_by == reviewer

    client.force_login(staff_user)
    page = client.get(reverse("progress:returned")).content.decode()
    assert "请补充照片" in page


def test_approved_month_is_locked_and_corrected_through_a_new_report(
    staff_client, project, staff_user, reviewer, months
):
    report = services.progress_report_create(
        project=project, period=months[1], actor=staff_user, investment_completed=Decimal("10")
    )
    report = services.progress_report_approve(
        report=services.progress_report_submit(report=report, actor=staff_user), reviewer=reviewer
    )
    url = reverse("progress:report-form", args=[project.pk]) + f"?period={months[1]:%Y-%m}"
    assert staff_client.get(url).context["locked"]
    response = staff_client.post(url, form_data())
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.investment_completed == Decimal("10.00")

    response = staff_client.post(reverse("progress:correct", args=[report.pk]))
    correction = ProgressReport.objects.get(corrects=report)
    assert response["Location"] == reverse("progress:correction", args=[correction.pk])
    response = staff_client.post(
        response["Location"], form_data(version=str(correction.version), investment_completed="12", submit="1")
    )
    correction.refresh_from_db()
    assert correction.status == Status.SUBMITTED and correction.investment_completed == Decimal("12.00")


def test_history_page_shows_who_changed_what(staff_client, project, staff_user, months):
    report = services.progress_report_create(
        project=project, period=months[0], actor=staff_user, investment_completed=Decimal("1")
    )
    services.progress_report_update(report=report, version=1, actor=staff_user, stage="基础施工")
    page = staff_client.get(reverse("progress:project-history", args=[project.pk])).content.decode()
    assert "基础施工" in page and staff_user.username in page
    detail = staff_client.get(reverse("progress:report", args=[report.pk])).content.decode()
    assert "基础施工" in detail
