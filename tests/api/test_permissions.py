"""The permission matrix: every role × every endpoint × every method, with the status each must answer."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from investment.campaigns import services as campaign_services
from projects import services as project_services
from projects.models import ProgressReport
from projects.progress import xlsx
from shangdang_portal.row_versions import row_version
from tests.factories import AnnualPlanFactory, MilestoneFactory, ProgressReportFactory

from .conftest import ROLES

# API route basename -> the world object its detail route shows.
READ_ONLY = {
    "region": "district",
    "park": "zone",
    "industry-chain": "chain",
    "company": "company",
    "source-report": "report",
    "indicator": "indicator",
    "figure": "figure",
}


def statuses(everyone: int, **by_role: int) -> dict[str, int]:
    """The status each role must get: `statuses(200, anonymous=401)` is 200 for all but anonymous callers."""
    assert set(by_role) <= set(ROLES), set(by_role) - set(ROLES)
    return {role: by_role.get(role, everyone) for role in ROLES}


ALL_200 = statuses(200)
SIGNED_IN_200 = statuses(200, anonymous=401)
# The admin passes the permission; the viewset has no such method.
WRITE_REFUSED = statuses(403, anonymous=401, admin=405)
ADMIN_ONLY_DELETE = statuses(403, anonymous=401, admin=405)
ADMIN_ONLY = statuses(403, anonymous=401, admin=200)
# Progress: the assigned staff and admins write; staff of other projects do not even see the report.
REPORTERS = statuses(403, anonymous=401, staff=200, staff_unassigned=404, admin=200)
REPORTERS_CREATE = statuses(403, anonymous=401, staff=201, staff_unassigned=404, admin=201)
REVIEWERS = statuses(403, anonymous=401, reviewer=200, admin=200)
FOLLOWERS = statuses(200, anonymous=401, staff_unassigned=404)
# Planning inputs (annual plans, targets, campaign years): officials and admins write.
PLANNERS = statuses(403, anonymous=401, official=200, admin=200)
PLANNERS_CREATE = statuses(403, anonymous=401, official=201, admin=201)
PLANNERS_DELETE = statuses(403, anonymous=401, official=204, admin=204)


def api(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


def progress(name: str, key: str | None = None):
    """The URL of a progress-report route, for the world's report under `key` when the route is a detail one."""
    return lambda w: api(f"progress-report-{name}", w[key].pk) if key else api(f"progress-report-{name}")


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
    for basename, key in READ_ONLY.items():
        detail = lambda w, b=basename, k=key: api(f"{b}-detail", w[k].pk)  # noqa: E731
        if basename != "source-report":  # officials and admins add source reports: see below
            cases.append((f"{basename} create", "post", lambda w, b=basename: api(f"{b}-list"), WRITE_REFUSED))
        cases += [
            (f"{basename} list", "get", lambda w, b=basename: api(f"{b}-list"), ALL_200),
            (f"{basename} detail", "get", detail, ALL_200),
            (f"{basename} put", "put", detail, WRITE_REFUSED),
            (f"{basename} patch", "patch", detail, WRITE_REFUSED),
            (f"{basename} delete", "delete", detail, WRITE_REFUSED),
        ]
    public = lambda w: api("project-detail", w["public"].pk)  # noqa: E731
    cases += [
        # Officials and admins bring in a new source report; its candidate figures are theirs to review.
        (
            "source-report create",
            "post",
            lambda w: api("source-report-list"),
            PLANNERS_CREATE,
            lambda w: {"text": "上党区固定资产投资完成45.6亿元。"},
        ),
        ("figure-candidate list", "get", lambda w: api("figure-candidate-list"), PLANNERS),
        ("projects list", "get", lambda w: api("project-list"), ALL_200),
        ("public project", "get", public, ALL_200),
        # Staff see the unpublished project they are assigned to, not another one.
        (
            "assigned private project",
            "get",
            lambda w: api("project-detail", w["private"].pk),
            statuses(200, anonymous=404, staff_unassigned=404),
        ),
        (
            "other private project",
            "get",
            lambda w: api("project-detail", w["other_private"].pk),
            statuses(200, anonymous=404, staff=404, staff_unassigned=404),
        ),
        ("project create", "post", lambda w: api("project-list"), statuses(403, anonymous=401, admin=201)),
        ("project put", "put", public, ADMIN_ONLY),
        ("project patch", "patch", public, ADMIN_ONLY),
        ("project delete", "delete", public, ADMIN_ONLY_DELETE),
        ("private project patch", "patch", lambda w: api("project-detail", w["other_private"].pk), ADMIN_ONLY),
        (
            "unpublished report",
            "get",
            lambda w: api("source-report-detail", w["hidden_report"].pk),
            statuses(200, anonymous=404),
        ),
        (
            "unpublished figure",
            "get",
            lambda w: api("figure-detail", w["hidden_figure"].pk),
            statuses(200, anonymous=404),
        ),
        ("park tree", "get", lambda w: api("park-tree"), ALL_200),
        ("tokens list", "get", lambda w: api("token-list"), SIGNED_IN_200),
        ("token create", "post", lambda w: api("token-list"), statuses(201, anonymous=401)),
        ("api root", "get", lambda w: api("api-root"), ALL_200),
        ("schema", "get", lambda w: reverse("api-schema"), ALL_200),
        # Project history names who changed what: not for anonymous callers, nor staff of other projects.
        # A public project is visible to everyone, so its history answers 403 rather than 404.
        (
            "project history",
            "get",
            lambda w: api("project-history", w["public"].pk),
            statuses(200, anonymous=401, staff_unassigned=403),
        ),
        (
            "other private project history",
            "get",
            lambda w: api("project-history", w["other_private"].pk),
            statuses(200, anonymous=401, staff=404, staff_unassigned=404),
        ),
    ]
    draft = progress("detail", "draft")
    cases += [
        ("progress list", "get", progress("list"), SIGNED_IN_200),
        ("progress export", "get", lambda w: api("progress-report-list") + "?format=csv", SIGNED_IN_200),
        ("progress detail", "get", draft, FOLLOWERS),
        (
            "progress create",
            "post",
            progress("list"),
            # The unassigned staff member sees the public project but may not report for it.
            statuses(403, anonymous=401, staff=201, admin=201),
            lambda w: {"project": w["public"].pk, "period": "2024-09", "investment_completed": "10.00"},
        ),
        ("progress put", "put", draft, REPORTERS, lambda w: {"stage": "基础施工", "version": w["draft"].version}),
        ("progress patch", "patch", draft, REPORTERS, lambda w: {"stage": "封顶", "version": w["draft"].version}),
        ("progress delete", "delete", draft, statuses(405, anonymous=401, official=403, reviewer=403)),
        ("progress submit", "post", progress("submit", "draft"), REPORTERS),
        ("progress approve", "post", progress("approve", "submitted"), REVIEWERS),
        (
            "progress return",
            "post",
            progress("return-", "submitted"),
            REVIEWERS,
            lambda w: {"review_note": "请补充现场照片"},
        ),
        (
            "progress bulk approve",
            "post",
            progress("approve-bulk"),
            REVIEWERS,
            lambda w: {"ids": [w["submitted"].pk]},
        ),
        (
            "progress correct",
            "post",
            progress("correct", "approved"),
            REPORTERS_CREATE,
            lambda w: {"investment_completed": "8300.00"},
        ),
        ("progress history", "get", progress("history", "draft"), FOLLOWERS),
        ("progress photo", "post", progress("photos", "draft"), REPORTERS_CREATE, lambda w: _png()),
        ("progress xlsx template", "get", progress("xlsx-template"), SIGNED_IN_200),
        (
            "progress xlsx upload",
            "post",
            progress("xlsx-upload"),
            # Unassigned staff get a row error for the project they do not report for; nothing is saved.
            statuses(403, anonymous=401, staff=200, staff_unassigned=400, admin=200),
            _filled_sheet,
        ),
    ]
    cases += _planning_cases()
    return cases


def _versioned(key: str, fields: tuple[str, ...], **values):
    """A write's body naming the version of the world's object under `key` (the If-Match tests are elsewhere)."""
    return lambda w: {**values, "version": row_version(w[key], fields)}


def _planning_cases():
    plan_fields = campaign_services.ANNUAL_PLAN_VERSION_FIELDS
    target_fields = campaign_services.TARGET_VERSION_FIELDS
    year_fields = campaign_services.CAMPAIGN_YEAR_VERSION_FIELDS
    plan = lambda w: api("annual-plan-detail", w["plan"].pk)  # noqa: E731
    hidden_plan = lambda w: api("annual-plan-detail", w["hidden_plan"].pk)  # noqa: E731
    target = lambda w: api("target-detail", w["target"].pk)  # noqa: E731
    year = lambda w: api("campaign-year-detail", w["year"].pk)  # noqa: E731
    milestone_fields = project_services.MILESTONE_VERSION_FIELDS
    milestone = lambda w: api("milestone-detail", w["milestone"].pk)  # noqa: E731
    hidden_milestone = lambda w: api("milestone-detail", w["hidden_milestone"].pk)  # noqa: E731
    return [
        (
            "project pool move",
            "post",
            lambda w: api("project-pool-move", w["public"].pk),
            PLANNERS_CREATE,
            lambda w: {"to_pool": "operating", "reason": "已达产"},
        ),
        (
            "hidden project pool move",
            "post",
            lambda w: api("project-pool-move", w["other_private"].pk),
            # Staff are refused before the project is looked up; anonymous callers first need to sign in.
            statuses(403, anonymous=401, official=201, admin=201),
            lambda w: {"to_pool": "construction", "reason": "开工"},
        ),
        ("milestone list", "get", lambda w: api("milestone-list"), ALL_200),
        ("milestone detail", "get", milestone, ALL_200),
        (
            "hidden milestone detail",
            "get",
            hidden_milestone,
            statuses(200, anonymous=404, staff=404, staff_unassigned=404),
        ),
        (
            "milestone create",
            "post",
            lambda w: api("milestone-list"),
            PLANNERS_CREATE,
            lambda w: {"project": w["public"].pk, "kind": "signed", "actual_date": "2024-01-05"},
        ),
        (
            "milestone patch",
            "patch",
            milestone,
            PLANNERS,
            _versioned("milestone", milestone_fields, planned_date="2024-02-01", planned_precision="month"),
        ),
        ("milestone delete", "delete", milestone, PLANNERS_DELETE, _versioned("milestone", milestone_fields)),
        ("annual-plan list", "get", lambda w: api("annual-plan-list"), ALL_200),
        ("annual-plan detail", "get", plan, ALL_200),
        (
            "hidden annual-plan detail",
            "get",
            hidden_plan,
            statuses(200, anonymous=404, staff=404, staff_unassigned=404),
        ),
        (
            "annual-plan create",
            "post",
            lambda w: api("annual-plan-list"),
            PLANNERS_CREATE,
            lambda w: {"project": w["private"].pk, "year": 2025, "planned_investment": "300.00"},
        ),
        ("annual-plan put", "put", plan, PLANNERS, _versioned("plan", plan_fields, planned_investment="9.00")),
        ("annual-plan patch", "patch", plan, PLANNERS, _versioned("plan", plan_fields, planned_investment="8")),
        ("annual-plan delete", "delete", plan, PLANNERS_DELETE, _versioned("plan", plan_fields)),
        (
            "hidden annual-plan patch",
            "patch",
            hidden_plan,
            PLANNERS,
            _versioned("hidden_plan", plan_fields, planned_investment="7"),
        ),
        ("target list", "get", lambda w: api("target-list"), ALL_200),
        ("target detail", "get", target, ALL_200),
        (
            "target create",
            "post",
            lambda w: api("target-list"),
            PLANNERS_CREATE,
            lambda w: {"year": 2024, "indicator": "fixed_asset_investment", "park": w["zone"].pk, "value": "5"},
        ),
        ("target patch", "patch", target, PLANNERS, _versioned("target", target_fields, value="15")),
        ("target delete", "delete", target, PLANNERS_DELETE, _versioned("target", target_fields)),
        ("campaign-year list", "get", lambda w: api("campaign-year-list"), ALL_200),
        ("campaign-year detail", "get", year, ALL_200),
        (
            "campaign-year create",
            "post",
            lambda w: api("campaign-year-list"),
            PLANNERS_CREATE,
            lambda w: {"year": 2025},
        ),
        ("campaign-year patch", "patch", year, PLANNERS, _versioned("year", year_fields, red_lag_points="25")),
        (
            "campaign-year delete",
            "delete",
            year,
            statuses(403, anonymous=401, official=405, admin=405),
            _versioned("year", year_fields),
        ),
    ]


CASES = _cases()


@pytest.fixture
def matrix_world(world, accounts):
    """The API world plus a report in each state on the public project (staff are assigned to it)."""
    public = world["public"]
    draft = ProgressReportFactory(
        project=public, period=datetime.date(2024, 8, 1), investment_completed="20.00", created_by=accounts["staff"]
    )
    submitted = ProgressReport.objects.get(project=public, status=ProgressReport.Status.SUBMITTED)
    approved = ProgressReport.objects.get(project=public, period=datetime.date(2024, 6, 1))
    plan = AnnualPlanFactory(project=public, campaign_year=world["year"])
    hidden_plan = AnnualPlanFactory(project=world["other_private"], campaign_year=world["year"])
    return world | {
        "draft": draft,
        "submitted": submitted,
        "approved": approved,
        "plan": plan,
        "hidden_plan": hidden_plan,
        "milestone": public.milestones.get(kind="started"),
        "hidden_milestone": MilestoneFactory(project=world["other_private"], kind="started"),
    }


def _payload(world, method):
    if method == "post":
        return {"name": "新项目", "region": world["district"].pk, "pool": "reserve", "total_investment": "1000.00"}
    if method == "put":
        return {"name": "年产10GW光伏组件项目", "region": world["district"].pk, "total_investment": "160000.00"}
    if method == "patch":
        return {"total_investment": "170000.00"}
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_permission_matrix(matrix_world, api_client_as, role, case):
    name, method, url, expected = case[:4]
    client = api_client_as(role)
    if len(case) > 4:
        data = case[4](matrix_world)
        multipart = any(hasattr(v, "read") for v in data.values())
        response = getattr(client, method)(url(matrix_world), data, format="multipart" if multipart else "json")
    else:
        response = getattr(client, method)(url(matrix_world), _payload(matrix_world, method), format="json")
    assert response.status_code == expected[role], (name, role, response.content[:300])
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
    draft, approved = matrix_world["draft"].pk, matrix_world["approved"].pk
    client.patch(api("progress-report-detail", draft), {"stage": "改", "version": 1}, format="json")
    client.post(api("progress-report-submit", draft))
    client.post(api("progress-report-correct", approved), {"investment_completed": "1"}, format="json")
    assert list(ProgressReport.objects.order_by("pk").values()) == before
