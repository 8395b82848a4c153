"""Every write of the API and the progress pages, sent each field in turn as empty, huge, of the wrong type,
null, out of range or full of control characters: the answer is never a 500 (a 2xx when the value happens to
be acceptable, a 4xx in the shared shape otherwise)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from projects.models import ProjectContact, ProjectIssue
from projects.progress import selectors, services
from tests.factories import CampaignYearFactory, IndicatorFactory, ProjectFactory

pytestmark = pytest.mark.django_db

BAD_VALUES = [
    "",
    " ",
    "x" * 100_000,
    "进" * 10_001,
    0,
    -1,
    10**30,
    1.5,
    "1e999",
    "NaN",
    "９９",
    True,
    None,
    [],
    ["a", None],
    {"a": 1},
    "\x00",
    "\x0b\x1b[2J",
    "'; DROP TABLE projects_project; --",
    "2026-02-30",
]


@pytest.fixture
def world(places, user_of):
    admin = user_of("admin")
    project = ProjectFactory(name="扫描项目", region=places["district"], total_investment=Decimal("1000"))
    project.staff.add(user_of("staff"))
    indicator = IndicatorFactory()
    CampaignYearFactory(year=2026)
    period = selectors.current_period()
    report = services.progress_report_create(
        project=project, period=period, actor=admin, investment_completed=Decimal("1")
    )
    issue = services.issue_raise(project=project, description="用地手续", actor=admin, report=report)
    contact = ProjectContact.objects.create(project=project, role="leader", name="张三")
    return {
        "admin": admin,
        "project": project,
        "indicator": indicator,
        "report": report,
        "issue": issue,
        "contact": contact,
        "period": period,
        "district": places["district"],
    }


def _writes(w):
    """(role, method, url, valid body, needs If-Match)."""
    project, report = w["project"], w["report"]
    return [
        (
            "admin",
            "post",
            reverse("api:project-list"),
            {
                "name": "新项目",
                "region": w["district"].pk,
                "total_investment": "10",
                "planned_start": "2026-01-01",
                "planned_end": "2026-12-31",
                "aliases": ["别名"],
                "description": "建设内容",
                "pool": "reserve",
                "is_public": True,
            },
            False,
        ),
        (
            "admin",
            "patch",
            reverse("api:project-detail", args=[project.pk]),
            {"name": "改名", "total_investment": "20", "aliases": [], "longitude": "113.1", "staff": []},
            False,
        ),
        (
            "official",
            "post",
            reverse("api:project-pool-move", args=[project.pk]),
            {"to_pool": "construction", "reason": "开工", "moved_on": "2026-01-05"},
            False,
        ),
        (
            "official",
            "post",
            reverse("api:milestone-list"),
            {"project": project.pk, "kind": "started", "planned_date": "2026-03-01", "planned_precision": "month"},
            False,
        ),
        (
            "official",
            "post",
            reverse("api:contact-list"),
            {"project": project.pk, "role": "officer", "name": "李四", "title": "科长", "phone": "13900000000"},
            False,
        ),
        (
            "official",
            "patch",
            reverse("api:contact-detail", args=[w["contact"].pk]),
            {"name": "张三丰", "phone": "1"},
            True,
        ),
        (
            "official",
            "post",
            reverse("api:annual-plan-list"),
            {"project": project.pk, "year": 2026, "planned_investment": "100"},
            False,
        ),
        (
            "official",
            "post",
            reverse("api:target-list"),
            {
                "year": 2026,
                "indicator": "fixed_asset_investment",
                "region": w["district"].pk,
                "value": "10",
                "unit": "%",
            },
            False,
        ),
        (
            "official",
            "post",
            reverse("api:campaign-year-list"),
            {"year": 2030, "name": "2030年", "yellow_lag_points": "5", "red_not_started_months": 3},
            False,
        ),
        (
            "staff",
            "post",
            reverse("api:progress-report-list"),
            {
                "project": project.pk,
                "period": f"{selectors.previous_period(w['period']):%Y-%m}",
                "investment_completed": "1",
                "stage": "基础",
                "narrative": "进展",
                "workers_on_site": 3,
            },
            False,
        ),
        (
            "admin",
            "patch",
            reverse("api:progress-report-detail", args=[report.pk]),
            {"investment_completed": "2", "physical_progress": 10, "explanation": "说明"},
            True,
        ),
        (
            "reviewer",
            "post",
            reverse("api:progress-report-return-", args=[report.pk]),
            {"review_note": "请补充"},
            False,
        ),
        ("reviewer", "post", reverse("api:progress-report-approve-bulk"), {"ids": [report.pk]}, False),
        ("official", "post", reverse("api:obstacle-assign", args=[w["issue"].pk]), {"department": "自然资源局"}, False),
        ("official", "post", reverse("api:obstacle-resolve", args=[w["issue"].pk]), {"resolution": "已解决"}, False),
    ]


def _etag(api, url) -> str:
    return api.get(url)["ETag"]


@pytest.mark.parametrize("index", range(15))
def test_no_api_write_answers_500_whatever_one_field_holds(world, user_of, index):
    role, method, url, body, if_match = _writes(world)[index]
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(user_of(role))
    for field in list(body) + ["unexpected"]:
        for value in BAD_VALUES:
            headers = {"HTTP_IF_MATCH": _etag(api, url)} if if_match else {}
            response = getattr(api, method)(url, body | {field: value}, format="json", **headers)
            assert response.status_code < 500, (field, repr(value)[:60], response.content[:300])
            if response.status_code >= 400:
                assert "error" in response.json(), (field, response.content[:300])
        # The same fields form-encoded, as a clumsy client or a browser would send them.
        for value in ("", "null", "x" * 100_000, "\x0b"):
            headers = {"HTTP_IF_MATCH": _etag(api, url)} if if_match else {}
            response = getattr(api, method)(url, {field: value}, format="multipart", **headers)
            assert response.status_code < 500, (field, value[:20], response.content[:300])


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def test_no_page_form_answers_500_whatever_one_field_holds(world, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff = client_as("staff")
    project = world["project"]
    form_url = reverse("progress:report-form", args=[project.pk])
    base = {
        "investment_completed": "1",
        "physical_progress": "0",
        "workers_on_site": "0",
        "stage": "",
        "narrative": "",
        "explanation": "",
        "issue": "",
        "photo_caption": "",
        "version": "",
        "period": f"{selectors.previous_period(selectors.previous_period(world['period'])):%Y-%m}",
    }
    texts = ["", "x" * 100_000, "-1", "1e999", "NaN", "９９", "\x0b\x1b", "2026-13", "99999999999999999999", "null"]
    for field in base:
        for value in texts:
            response = staff.post(form_url, base | {field: value})
            assert response.status_code < 500, (field, value[:20])
    photo = SimpleUploadedFile("p.png", _png())
    assert staff.post(form_url, base | {"photo": photo, "photo_caption": "x" * 300}).status_code < 500

    official = client_as("official")
    issue = ProjectIssue.objects.get()
    for step, field in (("assign", "department"), ("resolve", "resolution")):
        for value in texts + ["x" * 101]:
            for pk in (str(issue.pk), "abc", "", "99999999999999999999"):
                body = {"issue": pk, "step": step, field: value, "version": value}
                assert official.post(reverse("progress:obstacles"), body).status_code < 500
    reviewer = client_as("reviewer")
    for ids in (["abc"], ["99999999999999999999"], ["-1"], [""]):
        assert reviewer.post(reverse("progress:review"), {"report": ids}).status_code < 500
    for value in texts:
        response = reviewer.post(reverse("progress:return", args=[world["report"].pk]), {"review_note": value})
        assert response.status_code < 500
    for period in ("abc", "0-0", "9999-99", "-1", "2026-13", "1-1-1-1"):
        assert staff.get(reverse("progress:xlsx-template"), {"period": period}).status_code < 500
        assert staff.get(form_url, {"period": period}).status_code < 500
    assert dt.date.today()  # the sweep ran to the end
