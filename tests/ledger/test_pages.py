"""The ledger pages over HTTP: only admins import; an upload shows its preview and saves nothing until
confirmed; a confirmed ledger is applied once; the template and the export download in the ledger's columns."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from investment.ledger import read_ledger
from investment.models import LedgerImport
from parks.selectors import park_subtree_ids
from projects.models import Project
from shangdang_portal.roles import has_role

from .builders import xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """The test's transaction never commits: run what the request queued for after commit, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


HEADER = ["序号", "项目编号", "项目名称", "所属园区", "四库", "总投资（亿元）", "2026年计划投资"]
GOOD = [HEADER, [1, "T1", "新建测试项目甲", "现代物流园", "建设库", "1.5", "3000"]]
BAD = [HEADER, [1, "T1", "新建测试项目甲", "不存在的园区", "建设库", "abc", "3000"]]


def _upload(client, rows, name="台账.xlsx"):
    return client.post(reverse("ledger:upload"), {"file": SimpleUploadedFile(name, xlsx(rows))})


@pytest.mark.parametrize("role, status", [("anonymous", 302), ("staff", 403), ("official", 403), ("admin", 200)])
def test_only_admins_reach_the_import_page(client_as, role, status):
    assert client_as(role).get(reverse("ledger:upload")).status_code == status


def test_an_upload_is_previewed_and_saved_only_when_confirmed(report_data, client_as, eager_tasks, run_on_commit):
    client = client_as("admin")
    response = _upload(client, GOOD)
    record = LedgerImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledger:preview", args=[record.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'id="count-new">1<' in page and "新建测试项目甲" in page and "建设库" in page
    assert not Project.objects.filter(code="T1").exists()
    with run_on_commit():
        response = client.post(reverse("ledger:confirm", args=[record.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("ledger:preview", args=[record.pk])
    assert 'id="ledger-applied"' in client.get(response["Location"]).content.decode()
    project = Project.objects.get(code="T1")
    assert project.total_investment == 15000 and project.park.name == "现代物流园"
    record.refresh_from_db()
    assert record.status == "applied" and has_role(record.uploaded_by, "admin")
    assert project.history.latest().history_user == record.uploaded_by
    # Confirming twice does not apply twice.
    with run_on_commit():
        client.post(reverse("ledger:confirm", args=[record.pk]))
    assert Project.objects.filter(code="T1").count() == 1


def test_a_ledger_with_errors_lists_them_by_row_and_column_and_cannot_be_confirmed(report_data, client_as, eager_tasks):
    client = client_as("admin")
    _upload(client, BAD)
    record = LedgerImport.objects.get()
    assert record.status == "rejected"
    page = client.get(reverse("ledger:preview", args=[record.pk])).content.decode()
    assert "未知园区" in page and "总投资（亿元）" in page and 'id="ledger-confirm"' not in page
    client.post(reverse("ledger:confirm", args=[record.pk]))
    assert not Project.objects.filter(code="T1").exists()


@pytest.mark.parametrize(
    "name, content",
    [("x.pdf", b"%PDF-1.4"), ("empty.xlsx", b""), ("binary.xlsx", b"\x00\x01garbage"), ("bad.csv", b"\xff\xfe\x00")],
)
def test_a_file_that_is_not_a_ledger_is_a_clear_error_not_a_500(report_data, client_as, name, content):
    client = client_as("admin")
    response = client.post(reverse("ledger:upload"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        page = client.get(response["Location"]).content.decode()
        assert 'id="ledger-errors"' in page
    assert not Project.objects.filter(code="T1").exists()


def test_the_blank_template_has_every_column(client_as):
    response = client_as("admin").get(reverse("ledger:template"))
    assert response.status_code == 200
    sheet = read_ledger(response.content, filename="t.xlsx")
    assert sheet.ok and sheet.rows == [] and {"code", "name", "pool", "batch", "ledger_ytd"} <= set(sheet.columns)


def test_the_export_follows_the_project_list_filters_and_is_for_readers_of_everything(report_data, client_as):
    assert client_as("staff").get(reverse("ledger:export")).status_code == 403
    park = Project.objects.exclude(park=None).first().park
    response = client_as("official").get(reverse("ledger:export"), {"park": park.pk, "format": "xlsx"})
    assert response.status_code == 200
    names = {row.values["name"] for row in read_ledger(response.content, filename="e.xlsx").rows}
    in_park = set(Project.objects.filter(park_id__in=park_subtree_ids(park)).values_list("name", flat=True))
    assert names == in_park
    assert client_as("official").get(reverse("ledger:export"), {"park": "x"}).status_code == 400
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.active.data_validations.dataValidation  # dropdowns for the choice columns


def test_confirming_queues_the_import_and_the_page_shows_it_running(
    report_data, client_as, django_capture_on_commit_callbacks
):
    """With a broker the import runs in the worker: the page says so and refreshes until it is done."""
    client = client_as("admin")
    _upload(client, GOOD)
    record = LedgerImport.objects.get()
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("ledger:confirm", args=[record.pk]))
    assert len(callbacks) == 1  # the task, queued once the claim committed
    page = client.get(reverse("ledger:preview", args=[record.pk])).content.decode()
    assert 'id="ledger-applying"' in page and 'http-equiv="refresh"' in page
    assert not Project.objects.filter(code="T1").exists()


def test_a_failed_import_is_recorded_with_its_reason_and_saves_nothing(
    report_data, client_as, eager_tasks, run_on_commit
):
    client = client_as("admin")
    _upload(client, GOOD)
    record = LedgerImport.objects.get()
    # Between preview and confirmation another project took the name: the import refuses as a whole.
    Project.objects.create(name="新建测试项目甲", code="OTHER", region=Project.objects.first().region)
    with run_on_commit():
        client.post(reverse("ledger:confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == "failed" and "OTHER" in record.error
    assert not Project.objects.filter(code="T1").exists()
    assert 'id="ledger-failed"' in client.get(reverse("ledger:preview", args=[record.pk])).content.decode()


def test_an_unexpected_error_in_the_import_task_marks_the_upload_failed(report_data, client_as, monkeypatch):
    from investment.ledger import tasks

    client = client_as("admin")
    _upload(client, GOOD)
    record = LedgerImport.objects.get()
    LedgerImport.objects.filter(pk=record.pk).update(status="applying")

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks, "ledger_confirm", broken)
    with pytest.raises(RuntimeError):
        tasks.ledger_apply_task(record.pk, None)
    record.refresh_from_db()
    assert record.status == "failed" and "disk full" in record.error
    assert not Project.objects.filter(code="T1").exists()
