"""API behaviour: filters and search, visibility of contacts, writes through services, errors, tokens, schema."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse, reverse_lazy
from openpyxl import load_workbook
from rest_framework.test import APIClient

from projects.models import ChainLeader, Project

PROJECTS = reverse_lazy("api:project-list")
FIGURES = reverse_lazy("api:figure-list")
TOKENS = reverse_lazy("api:token-list")


def _names(response):
    assert response.status_code == 200, response.content[:300]
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_chinese_search_matches_name_alias_company_and_description(world, api_client_as):
    client = api_client_as("official")
    other = Project.objects.create(name="污水处理厂", region=world["district"], description="配套光伏屋顶")
    assert sorted(_names(client.get(f"{PROJECTS}?q=光伏"))) == sorted([other.name, world["public"].name])
    assert _names(client.get(f"{PROJECTS}?q=组件一期")) == [world["public"].name]  # alias only
    assert _names(client.get(f"{PROJECTS}?q=晶科")) == [world["public"].name]  # company alias
    assert _names(client.get(f"{PROJECTS}?q=没有这个")) == []


@pytest.mark.django_db
def test_park_filter_includes_descendants(world, api_client_as):
    client = api_client_as("official")
    expected = [world["public"].name]
    assert _names(client.get(f"{PROJECTS}?park={world['zone'].pk}")) == expected
    assert _names(client.get(f"{PROJECTS}?park={world['sub'].pk}")) == expected
    other_zone = type(world["zone"]).objects.create(
        name="另一开发区", kind="development_zone", region=world["district"]
    )
    assert _names(client.get(f"{PROJECTS}?park={other_zone.pk}")) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,matches",
    [
        ("total_investment_min=100000", True),
        ("total_investment_min=200000", False),
        ("total_investment_max=150000", True),
        ("milestone_kind=started&milestone_after=2024-03-01&milestone_before=2024-03-31", True),
        ("milestone_kind=started&milestone_after=2024-04-01", False),
        ("milestone_kind=signed&milestone_after=2024-03-01", False),
        ("pool=construction&pool=operating", True),
        ("pool=reserve", False),
        ("in_statistics=true", True),
        ("priority_level=city", False),
    ],
)
def test_project_filters(world, api_client_as, query, matches):
    names = _names(api_client_as("anonymous").get(f"{PROJECTS}?{query}"))
    assert (world["public"].name in names) is matches


@pytest.mark.django_db
def test_ordering_is_stable_and_ends_with_pk(world, api_client_as):
    district = world["district"]
    for i in range(5):
        Project.objects.create(name=f"同额项目{i}", region=district, total_investment=Decimal("10"))
    client = api_client_as("official")
    pages = [_names(client.get(f"{PROJECTS}?ordering=total_investment&page_size=2&page={p}")) for p in (1, 2, 3)]
    flat = [n for page in pages for n in page]
    assert len(flat) == len(set(flat)) == 6
    tied = [n for n in flat if n.startswith("同额")]
    ids = list(Project.objects.filter(name__in=tied).order_by("pk").values_list("name", flat=True))
    assert tied == ids


@pytest.mark.django_db
def test_figure_filters(world, api_client_as):
    client = api_client_as("official")
    rows = client.get(f"{FIGURES}?source_report={world['report'].pk}&scope=region&indicator=fixed_asset_investment")
    assert [r["id"] for r in rows.json()["results"]] == [world["figure"].pk]
    assert client.get(f"{FIGURES}?kind=target").json()["count"] == 0
    assert client.get(f"{FIGURES}?unit=万元").json()["count"] == 2
    assert client.get(f"{FIGURES}?scope=nowhere").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("role,sees", [("anonymous", False), ("staff", True), ("official", True), ("reviewer", True)])
def test_contacts_only_for_those_who_may_see_them(world, api_client_as, role, sees):
    body = api_client_as(role).get(reverse("api:project-detail", args=[world["public"].pk])).json()
    assert bool(body["contacts"]) is sees
    if sees:
        assert body["contacts"][0]["phone"] == "13800000000"
    assert "13800000000" not in str(api_client_as("anonymous").get(f"{PROJECTS}?format=csv").getvalue())


@pytest.mark.django_db
def test_staff_do_not_see_contacts_of_projects_they_are_not_assigned_to(world, api_client_as, accounts):
    accounts["staff"].assigned_projects.remove(world["public"])
    body = api_client_as("staff").get(reverse("api:project-detail", args=[world["public"].pk])).json()
    assert body["contacts"] == []


@pytest.mark.django_db
def test_latest_approved_progress_and_cumulative_investment(world, api_client_as):
    body = api_client_as("anonymous").get(reverse("api:project-detail", args=[world["public"].pk])).json()
    # The July report is only submitted: June is the latest that counts.
    assert body["latest_progress"]["period"] == "2024-06-01"
    assert Decimal(body["cumulative_investment"]) == Decimal("16200.50")
    assert body["total_investment"] == "150000.00"


@pytest.mark.django_db
def test_admin_creates_a_project_through_the_service(world, api_client_as, accounts):
    payload = {
        "name": "年产5万吨新材料项目",
        "region": world["district"].pk,
        "park": world["cluster"].pk,
        "total_investment": "52000.50",
        "staff": [accounts["staff"].pk],
    }
    response = api_client_as("admin").post(PROJECTS, payload, format="json")
    assert response.status_code == 201, response.content
    project = Project.objects.get(name=payload["name"])
    assert project.total_investment == Decimal("52000.50")
    assert list(project.staff.all()) == [accounts["staff"]]
    assert project.history.first().history_user == accounts["admin"]
    assert response.json()["park"] == {"id": world["cluster"].pk, "name": world["cluster"].name}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload,field",
    [
        ({"name": "", "region": "__district__"}, "name"),
        ({"name": "年产10GW光伏组件项目", "region": "__district__"}, "name"),  # taken
        ({"name": "新项目", "region": 999999}, "region"),
        ({"name": "新项目", "region": "__district__", "total_investment": "-1"}, "total_investment"),
        ({"name": "新项目", "region": "__district__", "total_investment": "abc"}, "total_investment"),
        ({"name": "新项目", "region": "__district__", "pool": "heaven"}, "pool"),
        (
            {"name": "新项目", "region": "__district__", "planned_start": "2025-05-01", "planned_end": "2025-01-01"},
            "planned_end",
        ),
    ],
)
def test_bad_project_input_answers_field_errors_and_saves_nothing(world, api_client_as, payload, field):
    payload = {k: (world["district"].pk if v == "__district__" else v) for k, v in payload.items()}
    before = Project.objects.count()
    response = api_client_as("admin").post(PROJECTS, payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert error["fields"][field][0]
    assert Project.objects.count() == before


def test_a_service_validation_error_gets_the_same_field_level_shape():
    from django.core.exceptions import ValidationError

    from shangdang_portal.exceptions import api_exception_handler

    response = api_exception_handler(ValidationError({"planned_end": ["计划竣工日期不能早于计划开工日期。"]}), {})
    assert response.status_code == 400
    assert response.data["error"]["fields"] == {"planned_end": ["计划竣工日期不能早于计划开工日期。"]}


@pytest.mark.django_db
def test_errors_share_one_shape(world, api_client_as):
    anonymous = api_client_as("anonymous")
    missing = anonymous.get(reverse("api:project-detail", args=[999999]))
    assert missing.status_code == 404
    assert set(missing.json()["error"]) == {"status", "code", "message", "fields"}
    assert missing.json()["error"]["code"] == "not_found"
    denied = api_client_as("official").post(PROJECTS, {}, format="json")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "permission_denied"
    unauth = anonymous.post(PROJECTS, {}, format="json")
    assert unauth.status_code == 401 and unauth["WWW-Authenticate"] == "Token"
    assert anonymous.get(f"{PROJECTS}?page_size=0").status_code == 200


@pytest.mark.django_db
def test_page_size_is_capped_at_200(world, api_client_as):
    Project.objects.bulk_create(Project(name=f"批量{i}", region=world["district"]) for i in range(205))
    body = api_client_as("anonymous").get(f"{PROJECTS}?page_size=1000").json()
    assert len(body["results"]) == 200
    assert body["count"] == 206
    assert body["next"]


@pytest.mark.django_db
def test_tokens_create_use_and_revoke(world, api_client_as, accounts):
    staff = api_client_as("staff")
    created = staff.post(TOKENS)
    assert created.status_code == 201
    key, prefix = created.json()["key"], created.json()["prefix"]
    assert key.startswith(prefix)
    assert staff.post(TOKENS).status_code == 400  # one token per account
    listed = staff.get(TOKENS).json()
    assert [t["prefix"] for t in listed] == [prefix] and "key" not in listed[0]

    with_token = APIClient()
    with_token.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = with_token.get(reverse("api:project-detail", args=[world["private"].pk])).json()
    assert body["name"] == world["private"].name  # authenticated as the staff member

    assert api_client_as("official").delete(reverse("api:token-detail", args=[prefix])).status_code == 404  # not theirs
    assert staff.delete(reverse("api:token-detail", args=[prefix])).status_code == 204
    assert with_token.get(PROJECTS).status_code == 401


def test_openapi_schema_is_valid_and_warning_free(tmp_path, db):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/projects/", "/api/v1/figures/", "/api/v1/tokens/", "/api/v1/parks/tree/"):
        assert f"{path}:" in text
    assert "total_investment_min" in text and "milestone_after" in text


@pytest.mark.django_db
def test_swagger_ui_is_served_from_the_sidecar(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    # Every script and stylesheet is served by the portal itself (offline networks): no absolute URLs.
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert all(a.startswith("/") for a in assets), assets
    from django.conf import settings
    from django.contrib.staticfiles import finders

    # Swagger UI's start-up script is the view itself (`?script=`), so the Content-Security-Policy needs no inline one.
    start_up = [a for a in assets if a.startswith(reverse("api-docs") + "?")]
    assert len(start_up) == 1 and "script=" in start_up[0]
    for asset in set(assets) - set(start_up):
        assert asset.startswith(settings.STATIC_URL) and finders.find(asset[len(settings.STATIC_URL) :]), asset


# --- export ---------------------------------------------------------------------------------------


def _csv_rows(response):
    assert response.status_code == 200, response.content[:300] if not response.streaming else ""
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_csv_export_has_bom_chinese_headers_and_honours_filters(world, api_client_as):
    Project.objects.create(name="储备库项目", region=world["district"], pool="reserve", total_investment=Decimal(5))
    client = api_client_as("official")
    response = client.get(f"{PROJECTS}?format=csv&pool=construction")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][:2] == ["编号", "项目名称"] and "总投资(万元)" in rows[0]
    assert [r[1] for r in rows[1:]] == [world["public"].name]
    assert rows[1][rows[0].index("总投资(万元)")] == "150000.00"
    everything = _csv_rows(client.get(f"{PROJECTS}?format=csv"))
    assert len(everything) - 1 == client.get(PROJECTS).json()["count"]


@pytest.mark.django_db
def test_export_hides_what_the_caller_may_not_see(world, api_client_as):
    rows = _csv_rows(api_client_as("anonymous").get(f"{PROJECTS}?format=csv"))
    assert world["private"].name not in {r[1] for r in rows}


@pytest.mark.django_db
def test_xlsx_export_opens_with_openpyxl(world, api_client_as):
    response = api_client_as("official").get(f"{PROJECTS}?format=xlsx&q=光伏")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[0]
    assert header[1] == "项目名称" and "总投资(万元)" in header
    assert [r[1] for r in rows[1:]] == [world["public"].name]
    assert rows[1][header.index("总投资(万元)")] == 150000


@pytest.mark.django_db
@pytest.mark.parametrize(
    "endpoint",
    [
        "region",
        "park",
        "industry-chain",
        "company",
        "source-report",
        "indicator",
        "figure",
        "target",
        "campaign-year",
    ],
)
def test_every_list_exports(world, api_client_as, endpoint):
    client = api_client_as("official")
    rows = _csv_rows(client.get(f"{reverse(f'api:{endpoint}-list')}?format=csv"))
    assert len(rows) - 1 == client.get(reverse(f"api:{endpoint}-list")).json()["count"]
    xlsx = client.get(f"{reverse(f'api:{endpoint}-list')}?format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True)
    assert list(book.active.iter_rows(values_only=True))[0] == tuple(rows[0])


@pytest.mark.django_db
def test_export_with_a_bad_filter_answers_json(world, api_client_as):
    response = api_client_as("official").get(f"{PROJECTS}?format=csv&pool=nowhere")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"pool": [response.json()["error"]["fields"]["pool"][0]]}


def test_an_industry_chain_shows_its_leading_company(world, client_as):
    chain, company = world["chain"], world["public"].company
    url = f"/api/v1/industry-chains/{chain.pk}/"
    assert client_as("anonymous").get(url).data["chain_leader"] is None
    ChainLeader.objects.create(chain=chain, company=company)
    assert client_as("anonymous").get(url).data["chain_leader"] == {"id": company.pk, "name": company.name}
