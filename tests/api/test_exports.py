"""List exports at size: the project CSV read as tuples is byte for byte the row-by-row export; an export over
EXPORT_INLINE_ROWS answers 202 and a task writes the whole file (in-process, through the real broker and
worker, and behind a real gunicorn whose timeout is shorter than the export)."""

import csv
import datetime
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from openpyxl import load_workbook

from projects import selectors
from projects.api.views import ProjectViewSet
from projects.models import Project
from shangdang_portal.export import csv_lines, export_rows
from shangdang_portal.export_jobs import exports_cleanup
from shangdang_portal.models import ExportJob
from tests.factories import CompanyFactory, ProgressReportFactory, ProjectFactory, RegionFactory

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = reverse_lazy("api:project-list")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv(raw: bytes) -> list[list[str]]:
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def _odd_projects(world):
    """Projects that exercise every column: labels, blanks, formula-like text, quotes and commas, a
    superseded report and an approved correction (only the correction counts)."""
    region = world["district"]
    company = CompanyFactory(name='=HYPERLINK("x"),公司', region=region)
    odd = ProjectFactory(
        name='-1+"引号",逗号',
        region=region,
        company=company,
        category="ecology",
        construction_type="renovation",
        priority_level="city",
        pool="operating",
        signal="red",
        is_major=True,
        total_investment=Decimal("0.50"),
        planned_start=datetime.date(2025, 1, 1),
        planned_end=datetime.date(2026, 12, 31),
    )
    first = ProgressReportFactory(
        project=odd, period=datetime.date(2025, 1, 1), investment_completed=Decimal("10.25"), approved=True
    )
    ProgressReportFactory(
        project=odd,
        period=datetime.date(2025, 1, 1),
        investment_completed=Decimal("11.75"),
        approved=True,
        corrects=first,
    )
    ProgressReportFactory(
        project=odd, period=datetime.date(2025, 2, 1), investment_completed=Decimal("99"), approved=True
    )
    Project.objects.filter(pk=odd.pk).update(signal="yellow")
    ProjectFactory(name="@空白项目", region=region)
    return odd


def _row_by_row(user, query: dict) -> bytes:
    """The export as it was written before: models from the list selector, one accessor call per cell."""
    view = ProjectViewSet()
    queryset = selectors.project_list(user=user, filters=query)
    headers = [str(h) for h, _a in ProjectViewSet.export_columns]
    return "".join(csv_lines(export_rows(queryset, view.export_columns), headers)).encode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "official"])
@pytest.mark.parametrize("query", [{}, {"ordering": "-total_investment"}, {"q": "逗号"}])
def test_the_project_csv_is_the_row_by_row_export_byte_for_byte(world, api_client_as, user_of, role, query):
    _odd_projects(world)
    response = api_client_as(role).get(PROJECTS, {**query, "format": "csv"})
    assert response.status_code == 200
    raw = _body(response)
    assert raw == _row_by_row(user_of(role) or AnonymousUser(), query)
    rows = _csv(raw)
    if query.get("q"):
        header, odd = rows
        assert odd[header.index("项目名称")] == '\'-1+"引号",逗号'
        assert odd[header.index("建设单位")] == '\'=HYPERLINK("x"),公司'
        assert odd[header.index("累计完成投资(万元)")] == "110.75"
        assert [odd[header.index(h)] for h in ("项目类别", "建设性质", "重点级别", "四库", "亮灯", "重大项目")] == [
            "生态",
            "技改",
            "市级重点",
            "达产达效库",
            "黄灯",
            "是",
        ]


def _big(count: int, region=None) -> None:
    region = region or RegionFactory(name="大区")
    Project.objects.bulk_create(
        Project(name=f"批量项目{n:06d}", region=region, total_investment=Decimal(n)) for n in range(count)
    )


@pytest.mark.django_db(transaction=True)
def test_a_large_export_answers_202_and_the_in_process_task_has_written_every_row(settings, api_client_as, eager_tasks):
    settings.EXPORT_INLINE_ROWS = 10
    _big(25)
    client = api_client_as("official")
    response = client.get(PROJECTS, {"format": "csv", "ordering": "-total_investment"})
    assert response.status_code == 202, response.content
    body = response.json()
    assert set(body) == {"id", "status", "rows", "status_url", "download_url", "error"}
    assert body["status"] == "done" and body["rows"] == 25
    assert response["Location"] == body["status_url"]
    assert body["status_url"].endswith(reverse("api:export-detail", args=[body["id"]]))

    status = client.get(body["status_url"]).json()
    assert status == {**body, "error": None}
    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert 'filename="projects-' in download["Content-Disposition"]
    raw = _body(download)
    rows = _csv(raw)
    assert len(rows) == 26 and rows[1][1] == "批量项目000024"
    # The same bytes the request would have streamed, had the export been small enough.
    settings.EXPORT_INLINE_ROWS = 100
    inline = client.get(PROJECTS, {"format": "csv", "ordering": "-total_investment"})
    assert raw == _body(inline)


@pytest.mark.django_db(transaction=True)
def test_a_large_xlsx_export_is_a_task_too(settings, api_client_as, eager_tasks):
    settings.EXPORT_INLINE_SLOW_ROWS = 5
    _big(12)
    client = api_client_as("official")
    response = client.get(PROJECTS, {"format": "xlsx"})
    assert response.status_code == 202
    download = client.get(response.json()["download_url"])
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(_body(download)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 13 and rows[0][1] == "项目名称"


@pytest.mark.django_db
def test_only_the_user_who_asked_reads_a_job_and_anonymous_ones_by_their_id(api_client_as, user_of):
    mine = ExportJob.objects.create(user=user_of("official"), view="x", format="csv", filename="projects", rows=3)
    anonymous = ExportJob.objects.create(view="x", format="csv", filename="projects", rows=3)
    detail = lambda job: reverse("api:export-detail", args=[job.pk])  # noqa: E731
    assert api_client_as("official").get(detail(mine)).status_code == 200
    assert api_client_as("reviewer").get(detail(mine)).status_code == 404
    assert api_client_as("anonymous").get(detail(mine)).status_code == 404
    assert api_client_as("anonymous").get(detail(anonymous)).json()["status"] == "queued"
    assert api_client_as("anonymous").get("/api/v1/exports/not-a-uuid/").status_code == 404


@pytest.mark.django_db
def test_a_download_before_the_file_is_ready_answers_409(api_client_as):
    job = ExportJob.objects.create(view="x", format="csv", filename="projects", rows=3, status="running")
    client = api_client_as("anonymous")
    status = client.get(reverse("api:export-detail", args=[job.pk])).json()
    assert status["status"] == "running" and status["download_url"] is None
    response = client.get(reverse("api:export-download", args=[job.pk]))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


@pytest.mark.django_db(transaction=True)
def test_a_browser_following_an_export_link_waits_on_a_page_that_downloads(settings, client, eager_tasks):
    settings.EXPORT_INLINE_ROWS = 3
    _big(5)
    response = client.get(f"{PROJECTS}?format=csv", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    job = ExportJob.objects.get()
    assert f'content="0;url=http://testserver/api/v1/exports/{job.pk}/download/"' in html
    assert 'data-status="done"' in html and "export-download" in html


@pytest.mark.django_db
def test_old_export_files_are_removed_with_their_jobs():
    from django.core.files.base import ContentFile

    old = ExportJob.objects.create(view="x", format="csv", filename="old", status="done")
    old.file.save(f"{old.pk}/old.csv", ContentFile(b"\xef\xbb\xbfa\r\n"))
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    fresh = ExportJob.objects.create(view="x", format="csv", filename="fresh")
    path = Path(old.file.path)
    assert path.exists()
    assert exports_cleanup() == 1
    assert not path.exists()
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [fresh.pk]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 30):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.mark.postgres
@pytest.mark.broker
def test_an_export_longer_than_the_worker_timeout_is_complete(celery_worker_process, tmp_path):
    """gunicorn with a 1 s timeout, an export far larger than the inline bound: the request answers 202 at
    once, the real worker writes the file through the real broker, and the download has every row."""
    rows = 30_000
    _big(rows)
    db = settings.DATABASES["default"]
    port = _free_port()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        DJANGO_SETTINGS_MODULE="shangdang_portal.settings.test",
        CELERY_TEST_QUEUE=celery_worker_process["queue"],
        PORTAL_EXPORT_INLINE_ROWS="1000",
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.api.exports_wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(f"{base}/healthz", timeout=2)[0] in (200, 503):
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, server.stderr.read().decode()[-2000:]
            time.sleep(0.2)

        status, headers, body = _get(f"{base}{PROJECTS}?format=csv")
        assert status == 202, body[:500]
        job = __import__("json").loads(body)
        assert job["rows"] == rows and headers["Location"] == job["status_url"]
        deadline = time.monotonic() + 120
        while job["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, job
            time.sleep(0.5)
            job = __import__("json").loads(_get(job["status_url"])[2])
        assert job["status"] == "done", job
        status, headers, raw = _get(job["download_url"])
        assert status == 200
        lines = _csv(raw)
        assert len(lines) == rows + 1
        assert {line[1] for line in lines[1:]} == {f"批量项目{n:06d}" for n in range(rows)}
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=20)


def _floor_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("export_floor", ROOT / "scripts" / "export_floor.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_floor_writes_the_labels_and_headers_of_the_portal():
    from projects.models import Category, ConstructionType, Pool, PriorityLevel, Signal

    floor = _floor_script()
    for field, choices in [
        ("category", Category),
        ("construction_type", ConstructionType),
        ("priority_level", PriorityLevel),
        ("pool", Pool),
        ("signal", Signal),
    ]:
        assert floor.CHOICES[field] == {value: str(label) for value, label in choices.choices}
    assert floor.HEADERS == [str(h) for h, _a in ProjectViewSet.export_columns]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_floor_copy_is_the_anonymous_portal_csv_byte_for_byte(world, api_client_as, tmp_path):
    _odd_projects(world)
    portal = _body(api_client_as("anonymous").get(PROJECTS, {"format": "csv"}))
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    out = tmp_path / "floor.csv"
    with open(out, "wb") as handle:
        result = _floor_script().export(url, handle)
    assert out.read_bytes() == portal
    assert result["lines"] == len(_csv(portal)) and result["bytes"] == len(portal)


@pytest.mark.django_db
def test_the_schema_documents_the_202_and_the_job_endpoints(api_client_as):
    schema = api_client_as("anonymous").get("/api/schema/", {"format": "json"}).json()
    accepted = schema["paths"]["/api/v1/projects/"]["get"]["responses"]["202"]
    assert accepted["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ExportJob"}
    assert "Location" in accepted["headers"]
    job = schema["components"]["schemas"]["ExportJob"]
    assert set(job["properties"]) == {"id", "status", "rows", "status_url", "download_url", "error"}
    assert "/api/v1/exports/{id}/" in schema["paths"] and "/api/v1/exports/{id}/download/" in schema["paths"]


@pytest.mark.django_db(transaction=True)
def test_exports_built_model_by_model_and_xlsx_have_the_lower_inline_bound(settings, api_client_as, eager_tasks):
    settings.EXPORT_INLINE_ROWS, settings.EXPORT_INLINE_SLOW_ROWS = 100, 2
    region = RegionFactory(name="小区")
    _big(3, region)
    for n in range(3):
        CompanyFactory(name=f"公司{n}", region=region)
    client = api_client_as("official")
    assert client.get(PROJECTS, {"format": "csv"}).status_code == 200  # read as tuples
    assert client.get(PROJECTS, {"format": "xlsx"}).status_code == 202
    companies = client.get(reverse("api:company-list"), {"format": "csv"})
    assert companies.status_code == 202
    rows = _csv(_body(client.get(companies.json()["download_url"])))
    assert [r[1] for r in rows[1:]] == ["公司0", "公司1", "公司2"]


@pytest.mark.django_db(transaction=True)
def test_a_task_writes_the_file_in_the_language_of_the_request(settings, api_client_as, eager_tasks):
    settings.EXPORT_INLINE_ROWS = 100
    region = RegionFactory(name="小区")
    Project.objects.bulk_create(
        Project(name=f"项目{n}", region=region, pool="planning", is_major=True) for n in range(3)
    )
    client = api_client_as("official")
    inline = _body(client.get(PROJECTS, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"))
    settings.EXPORT_INLINE_ROWS = 2
    job = client.get(PROJECTS, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en").json()
    written = _body(client.get(job["download_url"]))
    assert written == inline
    assert "项目名称" not in _csv(written)[0] and "谋划库" not in written.decode()
