"""A small world for the API tests: one account per role, public and private projects, published and
unpublished reports, and a client factory that signs in as a role."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from investment.models import CampaignYear, Figure, Indicator, SourceReport, Target
from parks.models import IndustryChain, Park, Region
from projects.models import Company, Milestone, ProgressReport, Project, ProjectContact
from shangdang_portal import roles

ROLES = ["anonymous", "official", "staff", "staff_unassigned", "reviewer", "admin"]
# The group each signed-in account is in; staff_unassigned is staff assigned to no project of the world.
GROUP_OF = {
    "official": roles.OFFICIAL,
    "staff": roles.STAFF,
    "staff_unassigned": roles.STAFF,
    "reviewer": roles.REVIEWER,
    "admin": roles.ADMIN,
}


@pytest.fixture
def accounts(db):
    roles.ensure_groups()
    users = {}
    for role in ROLES[1:]:
        user = get_user_model().objects.create_user(username=f"{role}-user", password="x")
        user.groups.add(Group.objects.get(name=GROUP_OF[role]))
        users[role] = user
    return users


@pytest.fixture
def client_as(accounts):
    def make(role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(accounts[role])
        return client

    return make


def make_report(n: int, *, published=True, text="上党区固定资产投资完成45.6亿元，同比增长12%。") -> SourceReport:
    return SourceReport.objects.create(
        file_name=f"r{n:04d}.txt",
        title=f"报道{n}",
        published_on=datetime.date(2024, 7, 2) if published else None,
        text=text,
        sha256=f"{n:064x}",
    )


@pytest.fixture
def world(accounts):
    city = Region.objects.create(name="长治市", level="city")
    district = Region.objects.create(name="上党区", level="district", parent=city)
    zone = Park.objects.create(name="上党经济技术开发区", kind="development_zone", region=district)
    sub = Park.objects.create(name="先进装备制造园", kind="sub_park", parent=zone, region=district)
    cluster = Park.objects.create(name="光伏产业园", kind="cluster", parent=sub, region=district)
    chain = IndustryChain.objects.create(name="光伏组件", region=district)
    company = Company.objects.create(name="晶科新能源有限公司", aliases=["晶科"], region=district)
    public = Project.objects.create(
        name="年产10GW光伏组件项目",
        aliases=["光伏组件一期"],
        region=district,
        park=cluster,
        industry_chain=chain,
        company=company,
        category="industry",
        pool="construction",
        priority_level="provincial",
        total_investment=Decimal("150000.00"),
        in_statistics=True,
    )
    private = Project.objects.create(name="内部储备项目", region=district, pool="reserve", is_public=False)
    other_private = Project.objects.create(name="未分配储备项目", region=district, is_public=False)
    for project in (public, private):
        ProjectContact.objects.create(project=project, role="leader", name="张三", phone="13800000000")
    Milestone.objects.create(project=public, kind="started", actual_date=datetime.date(2024, 3, 18))
    ProgressReport.objects.create(
        project=public,
        period=datetime.date(2024, 5, 1),
        investment_completed=Decimal("8000.00"),
        status="approved",
    )
    ProgressReport.objects.create(
        project=public,
        period=datetime.date(2024, 6, 1),
        investment_completed=Decimal("8200.50"),
        status="approved",
    )
    ProgressReport.objects.create(
        project=public, period=datetime.date(2024, 7, 1), investment_completed=Decimal("1.00"), status="submitted"
    )
    accounts["staff"].assigned_projects.add(public, private)
    report = make_report(1)
    hidden_report = make_report(2, published=False)
    indicator = Indicator.objects.create(
        code="fixed_asset_investment", name_zh="固定资产投资", name_en="FAI", unit="万元", nature="cumulative"
    )
    quote = "固定资产投资完成45.6亿元"
    figure = Figure.objects.create(
        source_report=report,
        indicator=indicator,
        scope_kind="region",
        region=district,
        value_printed="45.6",
        unit_printed="亿元",
        value=Decimal("456000"),
        unit="万元",
        kind="actual",
        quote=quote,
        quote_offset=report.text.index(quote),
    )
    hidden_figure = Figure.objects.create(
        source_report=hidden_report,
        indicator=indicator,
        scope_kind="region",
        region=district,
        value_printed="45.6",
        unit_printed="亿元",
        value=Decimal("456000"),
        unit="万元",
        kind="actual",
        quote=quote,
        quote_offset=hidden_report.text.index(quote),
    )
    year = CampaignYear.objects.create(year=2024, name="2024年重大项目建设年")
    target = Target.objects.create(
        campaign_year=year, indicator=indicator, region=district, value=Decimal("12"), unit="%", measure="growth_yoy"
    )
    return {
        "city": city,
        "district": district,
        "zone": zone,
        "sub": sub,
        "cluster": cluster,
        "chain": chain,
        "company": company,
        "public": public,
        "private": private,
        "other_private": other_private,
        "report": report,
        "hidden_report": hidden_report,
        "indicator": indicator,
        "figure": figure,
        "hidden_figure": hidden_figure,
        "year": year,
        "target": target,
    }
