"""A small world for the API tests: one account per role, public and private projects, published and
unpublished source reports. Clients signed in as a role come from tests/conftest.py (`api_client_as`)."""

import datetime
from decimal import Decimal

import pytest

from investment.models import SourceReport
from projects.models import ProjectContact
from tests.factories import (
    CampaignYearFactory,
    CompanyFactory,
    FigureFactory,
    IndicatorFactory,
    IndustryChainFactory,
    MilestoneFactory,
    ParkFactory,
    ProgressReportFactory,
    ProjectFactory,
    RegionFactory,
    SourceReportFactory,
    TargetFactory,
)

# staff_unassigned is a staff member assigned to no project of the world.
ROLES = ["anonymous", "official", "staff", "staff_unassigned", "reviewer", "admin"]


@pytest.fixture
def accounts(user_of):
    return {role: user_of(role) for role in ROLES[1:]}


def make_report(n: int, *, published=True, text="上党区固定资产投资完成45.6亿元，同比增长12%。") -> SourceReport:
    return SourceReportFactory(
        file_name=f"r{n:04d}.txt",
        title=f"报道{n}",
        published_on=datetime.date(2024, 7, 2) if published else None,
        text=text,
        sha256=f"{n:064x}",
    )


@pytest.fixture
def world(accounts):
    city = RegionFactory(name="长治市", city=True)
    district = RegionFactory(name="上党区", parent=city)
    zone = ParkFactory(name="上党经济技术开发区", zone=True, region=district)
    sub = ParkFactory(name="先进装备制造园", sub_park=True, parent=zone)
    cluster = ParkFactory(name="光伏产业园", cluster=True, parent=sub)
    chain = IndustryChainFactory(name="光伏组件", region=district)
    company = CompanyFactory(name="晶科新能源有限公司", aliases=["晶科"], region=district)
    public = ProjectFactory(
        name="年产10GW光伏组件项目",
        aliases=["光伏组件一期"],
        park=cluster,
        industry_chain=chain,
        company=company,
        category="industry",
        pool="construction",
        priority_level="provincial",
        total_investment=Decimal("150000.00"),
        in_statistics=True,
    )
    private = ProjectFactory(name="内部储备项目", region=district, pool="reserve", is_public=False)
    other_private = ProjectFactory(name="未分配储备项目", region=district, is_public=False)
    for project in (public, private):
        ProjectContact.objects.create(project=project, role="leader", name="张三", phone="13800000000")
    MilestoneFactory(project=public, kind="started", actual_date=datetime.date(2024, 3, 18))
    ProgressReportFactory(
        project=public, period=datetime.date(2024, 5, 1), investment_completed=Decimal("8000.00"), approved=True
    )
    ProgressReportFactory(
        project=public, period=datetime.date(2024, 6, 1), investment_completed=Decimal("8200.50"), approved=True
    )
    ProgressReportFactory(
        project=public, period=datetime.date(2024, 7, 1), investment_completed=Decimal("1.00"), submitted=True
    )
    accounts["staff"].assigned_projects.add(public, private)
    report = make_report(1)
    hidden_report = make_report(2, published=False)
    indicator = IndicatorFactory(code="fixed_asset_investment", name_zh="固定资产投资", name_en="FAI")
    figure = FigureFactory(source_report=report, indicator=indicator, region=district)
    hidden_figure = FigureFactory(source_report=hidden_report, indicator=indicator, region=district)
    year = CampaignYearFactory(year=2024, name="2024年重大项目建设年")
    target = TargetFactory(
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
