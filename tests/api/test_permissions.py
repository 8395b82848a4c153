"""The permission matrix: every role × every endpoint × every method, with the status each must answer."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from projects.models import ProgressReport
from projects.progress import xlsx

from .conftest import ROLES

READ_ONLY = {
    "regions": "district",
    "parks": "zone",
    "industry-chains": "chain",
    "companies": "company",
    "source-reports": "report",
    "indicators": "indicator",
    "figures": "figure",
    "targets": "target",
    "campaign-years": "year",
}

# role order: anonymous, official, staff (assigned), staff_unassigned, reviewer, admin
ALL_200 = (200, 200, 200, 200, 200, 200)
SIGNED_IN_200 = (401, 200, 200, 200, 200, 200)
WRITE_REFUSED = (401, 403, 403, 403, 403, 405)  # the admin passes the permission; the viewset has no such method
ADMIN_ONLY_DELETE = (401, 403, 403, 403, 403, 405)
ADMIN_ONLY = (401, 403, 403, 403, 403, 200)
# Progress: the assigned staff and admins write; staff of other projects do not even see the report.
REPORTERS = (401, 403, 200, 404, 403, 200)
REPORTERS_CREATE = (401, 403, 201, 404, 403, 201)
REVIEWERS = (401, 403, 403, 403, 200, 200)
FOLLOWERS = (401, 200, 200, 404, 200, 200)

PROGRESS = "/api/v1/progress-reports/"


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 40)).save(buffer, "PNG")
    return {"image": SimpleUploadedFile("site.png", buffer.getvalue(), "image/png"), "caption": "主体施工"}


def _filled_sheet(w):
    """The bulk-entry template for the public project, with this month's investment filled in."""
    from openpyxl import load_workbook

    period = datetime.date(2024, 9, 1)
    workbook = load_workbook(io.BytesIO(xlsx.progress_template_xlsx(projects=[w["public"]], period=period)))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    sheet.cell(2, headers.index("本月完成投资(万元)") + 1).value = 5
    out = io.BytesIO()
    workbook.save(out)
    return {"file": SimpleUploadedFile("progress.xlsx", out.getvalue())}


def _cases():
    cases = []
    for resource, key in READ_ONLY.items():
        cases += [
            (f"{resource} list", "get", lambda w, r=resource: f"/api/v1/{r}/", ALL_200),
            (f"{resource} detail", "get", lambda w, r=resource, k=key: f"/api/v1/{r}/{w[k].pk}/", ALL_200),
            (f"{resource} create", "post", lambda w, r=resource: f"/api/v1/{r}/", WRITE_REFUSED),
            (f"{resource} put", "put", lambda w, r=resource, k=key: f"/api/v1/{r}/{w[k].pk}/", WRITE_REFUSED),
            (f"{resource} patch", "patch", lambda w, r=resource, k=key: f"/api/v1/{r}/{w[k].pk}/", WRITE_REFUSED),
            (f"{resource} delete", "delete", lambda w, r=resource, k=key: f"/api/v1/{r}/{w[k].pk}/", WRITE_REFUSED),
        ]
    public = lambda w: f"/api/v1/projects/{w['public'].pk}/"  # noqa: E731
    cases += [
        ("projects list", "get", lambda w: "/api/v1/projects/", ALL_200),
        ("public project", "get", public, ALL_200),
        # Staff see the unpublished project they are assigned to, not another one.
        (
            "assigned private project",
            "get",
            lambda w: f"/api/v1/projects/{w['private'].pk}/",
            (404, 200, 200, 404, 200, 200),
        ),
        (
            "other private project",
            "get",
            lambda w: f"/api/v1/projects/{w['other_private'].pk}/",
            (404, 200, 404, 404, 200, 200),
        ),
        ("project create", "post", lambda w: "/api/v1/projects/", (401, 403, 403, 403, 403, 201)),
        ("project put", "put", public, ADMIN_ONLY),
        ("project patch", "patch", public, ADMIN_ONLY),
        ("project delete", "delete", public, ADMIN_ONLY_DELETE),
        ("private project patch", "patch", lambda w: f"/api/v1/projects/{w['other_private'].pk}/", ADMIN_ONLY),
        (
            "unpublished report",
            "get",
            lambda w: f"/api/v1/source-reports/{w['hidden_report'].pk}/",
            (404, 200, 200, 200, 200, 200),
        ),
        (
            "unpublished figure",
            "get",
            lambda w: f"/api/v1/figures/{w['hidden_figure'].pk}/",
            (404, 200, 200, 200, 200, 200),
        ),
        ("park tree", "get", lambda w: "/api/v1/parks/tree/", ALL_200),
        ("tokens list", "get", lambda w: "/api/v1/tokens/", SIGNED_IN_200),
        ("token create", "post", lambda w: "/api/v1/tokens/", (401, 201, 201, 201, 201, 201)),
        ("api root", "get", lambda w: "/api/v1/", ALL_200),
        ("schema", "get", lambda w: "/api/schema/", ALL_200),
        # Project history names who changed what: not for anonymous callers, nor staff of other projects.
        # A public project is visible to everyone, so its history answers 403 rather than 404.
        (
            "project history",
            "get",
            lambda w: f"/api/v1/projects/{w['public'].pk}/history/",
            (401, 200, 200, 403, 200, 200),
        ),
        (
            "other private project history",
            "get",
            lambda w: f"/api/v1/projects/{w['other_private'].pk}/history/",
            (401, 200, 404, 404, 200, 200),
        ),
    ]
    draft = lambda w, tail="": f"{PROGRESS}{w['draft'].pk}/{tail}"  # noqa: E731
    cases += [
        ("progress list", "get", lambda w: PROGRESS, SIGNED_IN_200),
        ("progress export", "get", lambda w: f"{PROGRESS}?format=csv", SIGNED_IN_200),
        ("progress detail", "get", draft, FOLLOWERS),
        (
            "progress create",
            "post",
            lambda w: PROGRESS,
            # The unassigned staff member sees the public project but may not report for it.
            (401, 403, 201, 403, 403, 201),
            lambda w: {"project": w["public"].pk, "period": "2024-09", "investment_completed": "10.00"},
        ),
        ("progress put", "put", draft, REPORTERS, lambda w: {"stage": "基础施工", "version": w["draft"].version}),
        ("progress patch", "patch", draft, REPORTERS, lambda w: {"stage": "封顶", "version": w["draft"].version}),
        ("progress delete", "delete", draft, (401, 403, 405, 405, 403, 405)),
        ("progress submit", "post", lambda w: draft(w, "submit/"), REPORTERS),
        ("progress approve", "post", lambda w: f"{PROGRESS}{w['submitted'].pk}/approve/", REVIEWERS),
        (
            "progress return",
            "post",
            lambda w: f"{PROGRESS}{w['submitted'].pk}/return/",
            REVIEWERS,
            lambda w: {"review_note": "请补充现场照片"},
        ),
        (
            "progress bulk approve",
            "post",
            lambda w: f"{PROGRESS}approve/",
            REVIEWERS,
            lambda w: {"ids": [w["submitted"].pk]},
        ),
        (
            "progress correct",
            "post",
            lambda w: f"{PROGRESS}{w['approved'].pk}/correct/",
            REPORTERS_CREATE,
            lambda w: {"investment_completed": "8300.00"},
        ),
        ("progress history", "get", lambda w: draft(w, "history/"), FOLLOWERS),
        ("progress photo", "post", lambda w: draft(w, "photos/"), REPORTERS_CREATE, lambda w: _png()),
        ("progress xlsx template", "get", lambda w: f"{PROGRESS}xlsx-template/", SIGNED_IN_200),
        (
            "progress xlsx upload",
            "post",
            lambda w: f"{PROGRESS}xlsx-upload/",
            # Unassigned staff get a row error for the project they do not report for; nothing is saved.
            (401, 403, 200, 400, 403, 200),
            _filled_sheet,
        ),
    ]
    return cases


CASES = _cases()


@pytest.fixture
def matrix_world(world, accounts):
    """The API world plus a report in each state on the public project (staff are assigned to it)."""
    public = world["public"]
    draft = ProgressReport.objects.create(
        project=public, period=datetime.date(2024, 8, 1), investment_completed="20.00", created_by=accounts["staff"]
    )
    submitted = ProgressReport.objects.get(project=public, status=ProgressReport.Status.SUBMITTED)
    approved = ProgressReport.objects.get(project=public, period=datetime.date(2024, 6, 1))
    return world | {"draft": draft, "submitted": submitted, "approved": approved}


def _payload(world, method):
    if method == "post":
        return {"name": "新项目", "region": world["district"].pk, "pool": "reserve", "total_investment": "1000.00"}
    if method == "put":
        return {"name": "年产10GW光伏组件项目", "region": world["district"].pk, "total_investment": "160000.00"}
    if method == "patch":
        return {"total_investment": "170000.00"}
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_permission_matrix(matrix_world, api_client_as, role_index, role, case):
    name, method, url, expected = case[:4]
    client = api_client_as(role)
    if len(case) > 4:
        data = case[4](matrix_world)
        multipart = any(hasattr(v, "read") for v in data.values())
        response = getattr(client, method)(url(matrix_world), data, format="multipart" if multipart else "json")
    else:
        response = getattr(client, method)(url(matrix_world), _payload(matrix_world, method), format="json")
    assert response.status_code == expected[role_index], (name, role, response.content[:300])
    if response.status_code == 401:
        assert response["WWW-Authenticate"] == "Token"
    if response.status_code >= 400:
        assert response.json()["error"]["status"] == response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff_unassigned", "official", "reviewer"])
def test_refused_progress_writes_change_nothing(matrix_world, api_client_as, role):
    """A refused write leaves every report as it was (a 403/404 is not a half-done change)."""
    before = list(ProgressReport.objects.order_by("pk").values())
    client = api_client_as(role)
    client.patch(f"{PROGRESS}{matrix_world['draft'].pk}/", {"stage": "改", "version": 1}, format="json")
    client.post(f"{PROGRESS}{matrix_world['draft'].pk}/submit/")
    client.post(f"{PROGRESS}{matrix_world['approved'].pk}/correct/", {"investment_completed": "1"}, format="json")
    assert list(ProgressReport.objects.order_by("pk").values()) == before
