"""The OC4IDS 0.9 project package: /api/v1/oc4ids/ and manage.py export_oc4ids. Every field the portal
publishes is checked here against the 0.9 schema's required fields, types and codelists (copied below from
schema/project-level of open-contracting/infrastructure, tag 0__9__4); with OC4IDS_SCHEMA_DIR pointing at that
folder, the package is also validated against the schema itself."""

import datetime
import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from investment.models import Figure, SourceReport
from projects.models import Milestone, Project, ProjectContact
from tests.factories import BatchFactory, CompanyFactory, IndustryChainFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/oc4ids/"

# From the 0.9 codelists (closed ones are the schema's enums).
PROJECT_STATUS = {
    "identification", "preparation", "implementation", "completion", "maintenance", "decommissioning",
    "decommissioned", "cancelled",
}  # fmt: skip
PROJECT_TYPE = {"construction", "rehabilitation", "replacement", "expansion", "decommissioning"}
PROJECT_SECTOR = {
    "education", "health", "energy", "energy.solar", "energy.wind", "energy.hydropower", "energy.biomass",
    "energy.geothermal", "communications", "waterAndWaste", "governance", "economy", "cultureSportsAndRecreation",
    "transport", "transport.air", "transport.water", "transport.rail", "transport.road", "transport.urban",
    "transport.lowCarbon", "socialHousing", "naturalResources", "naturalResources.floodProtection",
}  # fmt: skip
PARTY_ROLE = {
    "buyer", "procuringEntity", "supplier", "tenderer", "funder", "enquirer", "payer", "payee", "reviewBody",
    "interestedParty", "publicAuthority", "administrativeEntity", "climateFinanceFocalPoint", "independentMonitor",
}  # fmt: skip
MILESTONE_TYPE = {
    "preProcurement", "approval", "engagement", "assessment", "delivery", "reporting", "financing", "payment",
    "procurement", "contractClose",
}  # fmt: skip
MILESTONE_CODE = {
    "projectApproval", "commercialClose", "financialClose", "commencement", "completion", "commissioning",
    "enquiryPeriodStart", "enquiryPeriodEnd", "draftFinalTender",
}  # fmt: skip
MILESTONE_STATUS = {"scheduled", "met", "notMet", "partiallyMet"}
DOCUMENT_TYPE_USED = {"physicalProgressReport"}  # one of the documentType codelist's codes
GEOMETRY_TYPE = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
PACKAGE_REQUIRED = {"uri", "publisher", "publishedDate", "projects", "version"}
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
TEXT = "日盛达光伏玻璃项目总投资15亿元，2025年3月开工。"


@pytest.fixture
def register(places, settings, tmp_path):
    settings.OC4IDS_PREFIX = "oc4ids-test01-"
    # No boundary data: a project without a point of its own has no geometry, whatever node_modules holds.
    settings.MAP_BOUNDARY_FILE = str(tmp_path / "no-boundaries.geojson")
    company = CompanyFactory(name="日盛达", region=places["district"])
    chain = IndustryChainFactory(name="光伏组件", region=places["district"])
    batch = BatchFactory(name="2025年第一批开工", region=places["district"], year=2025, round=1, kind="started")
    solar = ProjectFactory(
        name="日盛达光伏玻璃",
        code="SD2025001",
        region=places["district"],
        park=places["cluster"],
        company=company,
        industry_chain=chain,
        category="industry",
        construction_type="renovation",
        pool="construction",
        total_investment=Decimal("150000.55"),
        planned_start=datetime.date(2025, 3, 1),
        planned_end=datetime.date(2026, 12, 31),
        description="两条钢化生产线",
        responsible_unit="区工信局",
        longitude=Decimal("113.061234"),
        latitude=Decimal("36.071234"),
    )
    MilestoneFactory(project=solar, kind=Milestone.Kind.STARTED, actual_date=datetime.date(2025, 3, 18), batch=batch)
    MilestoneFactory(
        project=solar, kind=Milestone.Kind.IN_PRODUCTION, actual_date=None, planned_date=datetime.date(2099, 6, 1)
    )
    MilestoneFactory(
        project=solar, kind=Milestone.Kind.COMPLETED, actual_date=None, planned_date=datetime.date(2020, 1, 1)
    )
    ProjectContact.objects.create(project=solar, role="leader", name="王五", title="副区长", phone="0355-1234567")
    report = SourceReport.objects.create(
        file_name="t.txt", title="上党区项目综述", publisher="上党区融媒体中心", text=TEXT, sha256="a" * 64,
        published_on=datetime.date(2025, 11, 1),
    )  # fmt: skip
    quote = "日盛达光伏玻璃项目总投资15亿元"
    figure = Figure.objects.create(
        source_report=report, scope_kind="project", project=solar, subject="总投资", value_printed="15",
        unit_printed="亿元", value=Decimal("150000"), unit="万元", kind="attribute", quote=quote,
        quote_offset=TEXT.index(quote),
    )  # fmt: skip
    plain = ProjectFactory(name="道路提升", region=places["other"], category="infrastructure")
    hidden = ProjectFactory(name="未公开项目", region=places["district"], is_public=False, pool="planning")
    return {"solar": solar, "plain": plain, "hidden": hidden, "figure": figure, "report": report}


def _package(client, **params) -> dict:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def _by_title(package) -> dict:
    return {p["title"]: p for p in package["projects"]}


def test_package_maps_the_register_to_oc4ids(client, register):
    package = _package(client)
    assert PACKAGE_REQUIRED <= set(package)
    assert package["version"] == "0.9"
    assert package["uri"] == "http://testserver/api/v1/oc4ids/"
    assert package["publisher"] == {"name": "上党区重大项目建设"}
    assert DATE_TIME.match(package["publishedDate"])
    solar = _by_title(package)["日盛达光伏玻璃"]
    pk = register["solar"].pk
    assert solar["id"] == f"oc4ids-test01-{pk}"
    assert solar["identifiers"] == [{"id": "SD2025001", "scheme": "项目编号"}]
    assert solar["description"] == "两条钢化生产线"
    assert (solar["status"], solar["type"]) == ("implementation", "rehabilitation")  # 建设库, 技改
    assert solar["sector"] == ["economy", "energy", "energy.solar"]
    # 150,000.55 万元 is 1,500,005,500 yuan, exactly.
    assert solar["budget"] == {"amount": {"amount": 1500005500, "currency": "CNY"}}
    assert solar["period"] == {"startDate": "2025-03-01T00:00:00+08:00", "endDate": "2026-12-31T00:00:00+08:00"}
    assert solar["locations"] == [
        {
            "id": "1",
            "description": "上党区 · 光伏产业园",
            "geometry": {"type": "Point", "coordinates": [113.061234, 36.071234]},
        }
    ]
    company = register["solar"].company
    assert solar["publicAuthority"] == {"id": f"company-{company.pk}", "name": "日盛达"}
    # Anonymous callers see no names of people: the 包联 leader is not published to them.
    assert solar["parties"] == [
        {"id": f"company-{company.pk}", "name": "日盛达", "roles": ["publicAuthority"]},
        {"id": f"unit-{pk}", "name": "区工信局", "roles": ["administrativeEntity"]},
    ]
    milestones = {m["id"]: m for m in solar["milestones"]}
    assert milestones["started"] == {
        "id": "started",
        "title": "开工",
        "type": "delivery",
        "code": "commencement",
        "description": "2025年第一批开工",
        "dateMet": "2025-03-18T00:00:00+08:00",
        "status": "met",
    }
    assert milestones["in_production"]["status"] == "scheduled"
    assert milestones["in_production"]["dueDate"] == "2099-06-01T00:00:00+08:00"
    assert milestones["completed"]["status"] == "notMet"
    figure, report = register["figure"], register["report"]
    assert solar["documents"] == [
        {
            "id": f"figure-{figure.pk}",
            "documentType": "physicalProgressReport",
            "title": "上党区项目综述",
            "description": "日盛达光伏玻璃项目总投资15亿元",
            "url": f"http://testserver/source-reports/{report.pk}/#figure-{figure.pk}",
            "language": "zh",
            "author": "上党区融媒体中心",
            "datePublished": "2025-11-01T00:00:00+08:00",
        }
    ]


def test_a_project_with_little_known_leaves_the_rest_out(client, register):
    plain = _by_title(_package(client))["道路提升"]
    # No nulls: the schema allows none, so what the portal does not know is absent.
    assert set(plain) == {"id", "updated", "title", "locations"}
    assert plain["locations"][0]["description"] == "潞州区"


def test_only_what_the_caller_may_see(client, api_client_as, register):
    assert "未公开项目" not in _by_title(_package(client))
    official = _by_title(_package(api_client_as("official")))
    assert official["未公开项目"]["status"] == "identification"
    leader = register["solar"].contacts.get()
    assert {
        "id": f"leader-{leader.pk}",
        "name": "王五",
        "roles": ["administrativeEntity"],
        "people": [{"id": f"leader-{leader.pk}", "name": "王五", "jobTitle": "副区长"}],
    } in official["日盛达光伏玻璃"]["parties"]


def test_the_project_lists_filters_apply(client, register):
    assert list(_by_title(_package(client, category="infrastructure"))) == ["道路提升"]
    response = client.get(URL, {"pool": "nowhere"})
    assert response.status_code == 400
    assert "pool" in response.json()["error"]["fields"]


def _check_against_the_codelists(package: dict) -> None:
    """What the portal publishes, field by field, against the 0.9 schema's required fields, types and codes."""
    assert PACKAGE_REQUIRED <= set(package)
    assert re.match(r"^(\d+\.)(\d+)$", package["version"])
    assert isinstance(package["publisher"]["name"], str) and package["publisher"]["name"]
    ids = [p["id"] for p in package["projects"]]
    assert len(ids) == len(set(ids))
    for project in package["projects"]:
        assert isinstance(project["id"], str) and project["id"]
        assert DATE_TIME.match(project["updated"])
        assert project.get("status", "implementation") in PROJECT_STATUS
        assert project.get("type", "construction") in PROJECT_TYPE
        assert set(project.get("sector", [])) <= PROJECT_SECTOR
        for sector in project.get("sector", []):
            if "." in sector:  # a sub-sector comes with its parent
                assert sector.split(".")[0] in project["sector"]
        if "budget" in project:
            amount = project["budget"]["amount"]
            assert isinstance(amount["amount"], int | float) and amount["currency"] == "CNY"
        for value in project.get("period", {}).values():
            assert DATE_TIME.match(value)
        for place in project["locations"]:
            assert place["id"]
            if "geometry" in place:
                assert place["geometry"]["type"] in GEOMETRY_TYPE
                lon, lat = place["geometry"]["coordinates"]
                assert 73 <= lon <= 136 and 3 <= lat <= 54
        for party in project.get("parties", []):
            assert party["id"] and party["name"]
            assert set(party["roles"]) <= PARTY_ROLE
        for milestone in project.get("milestones", []):
            assert milestone["id"] and milestone["title"]
            assert milestone["type"] in MILESTONE_TYPE
            assert milestone.get("code", "completion") in MILESTONE_CODE
            assert milestone["status"] in MILESTONE_STATUS
            for key in ("dueDate", "dateMet"):
                assert key not in milestone or DATE_TIME.match(milestone[key])
        for document in project.get("documents", []):
            assert document["id"] and document["documentType"] in DOCUMENT_TYPE_USED
            assert document["url"].startswith("http")
        assert not any(value is None for value in project.values())


def test_every_published_value_is_in_the_schemas_codelists(client, api_client_as, register):
    _check_against_the_codelists(_package(client))
    _check_against_the_codelists(_package(api_client_as("official")))


def test_the_report_data_as_a_package(client, report_data):
    package = _package(client)
    assert len(package["projects"]) == Project.objects.filter(is_public=True).count() > 10
    _check_against_the_codelists(package)
    assert any(p.get("documents") for p in package["projects"])


def test_queries_do_not_grow_with_the_number_of_projects(client, register, places):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            _package(client)
        return len(captured)

    small = count()
    for i in range(30):
        project = ProjectFactory(name=f"批量{i}", region=places["district"], park=places["zone"], code=f"B{i}")
        MilestoneFactory(project=project, batch=BatchFactory(region=places["district"]))
    assert count() == small


def test_command_writes_the_public_package(tmp_path, register):
    target = tmp_path / "oc4ids.json"
    call_command("export_oc4ids", "--output", str(target), "--base-url", "https://portal.example.org/")
    package = json.loads(target.read_text("utf-8"))
    assert package["uri"] == "https://portal.example.org/api/v1/oc4ids/"
    assert set(_by_title(package)) == {"日盛达光伏玻璃", "道路提升"}
    _check_against_the_codelists(package)
    document = _by_title(package)["日盛达光伏玻璃"]["documents"][0]
    assert document["url"].startswith("https://portal.example.org/source-reports/")


def test_command_refuses_a_bad_base_url_and_an_unwritable_file(tmp_path, register):
    with pytest.raises(CommandError, match="--base-url"):
        call_command("export_oc4ids", "--base-url", "portal.example.org")
    with pytest.raises(CommandError, match="cannot write"):
        call_command("export_oc4ids", "--output", str(tmp_path / "missing" / "x.json"))


SCHEMA_DIR = os.environ.get("OC4IDS_SCHEMA_DIR")

# Only defined where the standard's schema has been put on disk (the suite fetches nothing): the folder holds
# project-package-schema.json and project-schema.json of OC4IDS 0.9 (schema/project-level of the standard).
if SCHEMA_DIR:

    def test_package_validates_against_the_oc4ids_schema(client, api_client_as, register, report_data):
        import jsonschema
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        folder = Path(SCHEMA_DIR)
        package_schema = json.loads((folder / "project-package-schema.json").read_text("utf-8"))
        project_schema = json.loads((folder / "project-schema.json").read_text("utf-8"))
        registry = Registry().with_resource(
            project_schema["id"], Resource.from_contents(project_schema, default_specification=DRAFT4)
        )
        validator = jsonschema.Draft4Validator(
            package_schema, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
        )
        for package in (_package(client), _package(api_client_as("official"))):
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]
            assert errors == []
