"""The register as an OC4IDS 0.9 project package (Open Contracting for Infrastructure Data Standard).

One project per portal project the caller may see (projects.selectors.project_list, with the project list's
filters). How the register's words become the standard's codes is written down here once, and in the README:
status from the 四库 pool, type from 建设性质, sector from category and chain, parties from the company, the
responsible unit and the 包联 leader, milestones from the 三个一批 dates, documents from each figure's source
report. Fields the portal does not know are left out (the schema allows no nulls)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, Prefetch
from django.utils import timezone

from projects import location, selectors
from projects.models import Category, ConstructionType, Milestone, Pool, ProjectContact

from ..sources.selectors import figure_list
from ..sources.views import figure_url

VERSION = "0.9"
CURRENCY = "CNY"
WAN = Decimal(10_000)  # money is kept in 万元; OC4IDS amounts are in yuan

# 四库 → projectStatus (closed codelist).
STATUS_BY_POOL = {
    Pool.PLANNING: "identification",
    Pool.RESERVE: "preparation",
    Pool.CONSTRUCTION: "implementation",
    Pool.OPERATING: "maintenance",
}
# 建设性质 → projectType (closed codelist). 续建 continues building a new asset; 技改 upgrades an existing one.
TYPE_BY_CONSTRUCTION = {
    ConstructionType.NEW: "construction",
    ConstructionType.CONTINUING: "construction",
    ConstructionType.EXPANSION: "expansion",
    ConstructionType.RENOVATION: "rehabilitation",
}
# 项目类别 and 产业链 → projectSector (open codelist; a sub-sector comes with its parent).
SECTORS_BY_CATEGORY = {
    Category.INDUSTRY: ["economy"],
    Category.SERVICE: ["economy"],
    Category.ECOLOGY: ["naturalResources"],
    Category.INFRASTRUCTURE: [],
    Category.PUBLIC_WELFARE: [],
}
SECTORS_BY_CHAIN = {
    "绿色煤炭": ["energy"],
    "光伏组件": ["energy", "energy.solar"],
    "新能源汽车": ["transport", "transport.lowCarbon"],
    "医药": ["health"],
    "数字装备制造": ["economy"],
    "资源循环利用": ["waterAndWaste"],
}
# Milestone kind → (milestoneType, milestoneCode or None); both open codelists.
MILESTONE_CODES = {
    Milestone.Kind.SIGNED: ("approval", None),
    Milestone.Kind.LAND_GRANTED: ("approval", "projectApproval"),
    Milestone.Kind.STARTED: ("delivery", "commencement"),
    Milestone.Kind.TOPPED_OUT: ("delivery", None),
    Milestone.Kind.IN_PRODUCTION: ("delivery", "commissioning"),
    Milestone.Kind.AT_CAPACITY: ("delivery", None),
    Milestone.Kind.COMPLETED: ("delivery", "completion"),
}
# partyRole (open codelist): the 建设单位 develops the asset; the 责任单位 and the 包联 leader administer it.
COMPANY_ROLE = "publicAuthority"
RESPONSIBLE_UNIT_ROLE = "administrativeEntity"
LEADER_ROLE = "administrativeEntity"
# What a figure's source report is, as a document.
FIGURE_DOCUMENT_TYPE = "physicalProgressReport"


def _datetime(day: dt.date) -> str:
    """A date as the standard's date-time: midnight in the portal's time zone."""
    moment = dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())
    return moment.isoformat()


def _amount(wan: Decimal):
    """万元 → yuan, exact: an int when whole, else a float of the two-decimal yuan amount."""
    yuan = (wan * WAN).quantize(Decimal("0.01"))
    return int(yuan) if yuan == yuan.to_integral_value() else float(yuan)


def project_queryset(*, user, filters: dict | None = None):
    """The projects the caller may see (the API list's selector and filters) with the figures they may see."""
    figures = figure_list(user=user).filter(project__isnull=False).order_by("source_report", "quote_offset", "pk")
    return (
        selectors.project_list(user=user, filters=filters)
        .select_related("park__region")  # a project without a point stands at its park's or region's
        .prefetch_related(Prefetch("figures", queryset=figures, to_attr="visible_figures"))
    )


def _sectors(project) -> list[str]:
    sectors = list(SECTORS_BY_CATEGORY.get(project.category, []))
    if project.industry_chain_id:
        sectors += SECTORS_BY_CHAIN.get(project.industry_chain.name, [])
    return list(dict.fromkeys(sectors))


def _location(project, points, place_note: dict[str, str]) -> dict:
    where = " · ".join(n for n in (project.region.name, project.park.name if project.park_id else "") if n)
    entry = {"id": "1", "description": where}
    place = location.project_place(project, points)
    if place is not None:
        entry["geometry"] = {"type": "Point", "coordinates": [place.longitude, place.latitude]}
        if place.source != "project":
            entry["description"] = f"{where}（{place_note[place.source]}）"
    return entry


def _parties(project) -> tuple[list[dict], dict | None]:
    parties, authority = [], None
    if project.company_id:
        authority = {"id": f"company-{project.company_id}", "name": project.company.name}
        parties.append({**authority, "roles": [COMPANY_ROLE]})
    if project.responsible_unit.strip():
        parties.append(
            {"id": f"unit-{project.pk}", "name": project.responsible_unit.strip(), "roles": [RESPONSIBLE_UNIT_ROLE]}
        )
    # A person's name is a contact detail: only for callers who may see the project's contacts.
    if getattr(project, "contacts_visible", False):
        for contact in project.contacts.all():
            if contact.role == ProjectContact.Role.LEADER:
                party = {"id": f"leader-{contact.pk}", "name": contact.name, "roles": [LEADER_ROLE]}
                if contact.title:
                    party["people"] = [{"id": f"leader-{contact.pk}", "name": contact.name, "jobTitle": contact.title}]
                parties.append(party)
    return parties, authority


def _milestones(project, today: dt.date) -> list[dict]:
    out = []
    for milestone in project.milestones.all():
        if not (milestone.planned_date or milestone.is_reached):
            continue
        kind_type, code = MILESTONE_CODES[milestone.kind]
        entry = {"id": milestone.kind, "title": str(milestone.get_kind_display()), "type": kind_type}
        if code:
            entry["code"] = code
        if milestone.batch_id:
            entry["description"] = milestone.batch.name
        if milestone.planned_date:
            entry["dueDate"] = _datetime(milestone.planned_date)
        if milestone.actual_date:
            entry["dateMet"] = _datetime(milestone.actual_date)
        if milestone.is_reached:
            entry["status"] = "met"
        elif milestone.planned_date and milestone.planned_date < today:
            entry["status"] = "notMet"
        else:
            entry["status"] = "scheduled"
        out.append(entry)
    return out


def _documents(project, request_uri) -> list[dict]:
    documents = []
    for figure in project.visible_figures:
        report = figure.source_report
        url = request_uri(figure_url(figure))
        document = {
            "id": f"figure-{figure.pk}",
            "documentType": FIGURE_DOCUMENT_TYPE,
            "title": report.title,
            "description": figure.quote,
            "url": url,
            "language": "zh",
        }
        if report.publisher:
            document["author"] = report.publisher
        if report.published_on:
            document["datePublished"] = _datetime(report.published_on)
        documents.append(document)
    return documents


def project_release(project, *, points, request_uri, today: dt.date, place_note: dict[str, str]) -> dict:
    """One portal project as an OC4IDS project."""
    data = {"id": f"{settings.OC4IDS_PREFIX}{project.pk}", "updated": project.updated_at.isoformat()}
    if project.code:
        data["identifiers"] = [{"id": project.code, "scheme": "项目编号"}]
    data["title"] = project.name
    if project.description.strip():
        data["description"] = project.description.strip()
    if project.pool:
        data["status"] = STATUS_BY_POOL[project.pool]
    if project.construction_type:
        data["type"] = TYPE_BY_CONSTRUCTION[project.construction_type]
    sectors = _sectors(project)
    if sectors:
        data["sector"] = sectors
    if project.total_investment is not None:
        data["budget"] = {"amount": {"amount": _amount(project.total_investment), "currency": CURRENCY}}
    period = {}
    if project.planned_start:
        period["startDate"] = _datetime(project.planned_start)
    if project.planned_end:
        period["endDate"] = _datetime(project.planned_end)
    if period:
        data["period"] = period
    data["locations"] = [_location(project, points, place_note)]
    parties, authority = _parties(project)
    if parties:
        data["parties"] = parties
    if authority:
        data["publicAuthority"] = authority
    milestones = _milestones(project, today)
    if milestones:
        data["milestones"] = milestones
    documents = _documents(project, request_uri)
    if documents:
        data["documents"] = documents
    return data


def project_package(projects, *, uri: str, request_uri, place_note: dict[str, str]) -> dict:
    """The package of the given projects (project_queryset). `request_uri` makes a path absolute; `place_note`
    says in words where a project without its own point is placed ("park" and "region")."""
    points = location.region_points()
    today = timezone.localdate()
    released = [
        project_release(p, points=points, request_uri=request_uri, today=today, place_note=place_note)
        for p in projects.iterator(chunk_size=1000)
    ]
    # Generated on demand: the date of the newest change to what it contains.
    newest = projects.order_by().aggregate(newest=Max("updated_at"))["newest"] or timezone.now()
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": newest.isoformat(),
        "publisher": {"name": settings.OC4IDS_PUBLISHER},
        "projects": released,
    }
