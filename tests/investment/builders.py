"""Small builders for roll-up tests: a city with districts, a zone with parks, projects, reports (on the factories)."""

import datetime as dt
from decimal import Decimal

from projects.models import Milestone, ProgressReport, Project
from tests.factories import (
    CampaignYearFactory,
    FigureFactory,
    IndicatorFactory,
    MilestoneFactory,
    ParkFactory,
    ProgressReportFactory,
    ProjectFactory,
    RegionFactory,
    SourceReportFactory,
    TargetFactory,
)

INDICATORS = [
    ("project_investment", "项目投资完成额", "万元", "cumulative"),
    ("projects_started", "开工项目数", "个", "count"),
    ("projects_in_production", "投产项目数", "个", "count"),
    ("signed_projects", "签约项目数", "个", "count"),
]


def world(year: int = 2025) -> dict:
    """测试市 > 测试区, 邻区; 测试经开区 > 测试装备园 > 测试智造园; the computed indicators."""
    for code, name, unit, nature in INDICATORS:
        IndicatorFactory(code=code, name_zh=name, name_en=code, unit=unit, nature=nature)
    city = RegionFactory(name="测试市", city=True)
    zone = ParkFactory(name="测试经开区", zone=True, region=RegionFactory(name="测试区", parent=city))
    sub_park = ParkFactory(name="测试装备园", sub_park=True, parent=zone)
    return {
        "city": city,
        "district": zone.region,
        "other": RegionFactory(name="邻区", parent=city),
        "zone": zone,
        "sub_park": sub_park,
        "cluster": ParkFactory(name="测试智造园", cluster=True, parent=sub_park),
        "year": CampaignYearFactory(year=year),
    }


def project(region, park=None, **fields) -> Project:
    return ProjectFactory(region=region, park=park, **fields)


def report(project, month: dt.date, amount, status="approved", **fields) -> ProgressReport:
    return ProgressReportFactory(
        project=project, period=month, investment_completed=Decimal(amount), status=status, **fields
    )


def milestone(project, kind, day, batch=None) -> Milestone:
    return MilestoneFactory(project=project, kind=kind, actual_date=day, batch=batch)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def reported_actual(region, year, code: str, value_printed: str, wan_yuan, target_wan_yuan):
    """A source report that prints the region's yearly actual (in 亿元) for an indicator, and that year's target."""
    source = SourceReportFactory(title="测试报道", text=f"导语。{region.name}全年完成{value_printed}亿元。")
    figure = FigureFactory(
        source_report=source,
        indicator=IndicatorFactory(code=code),
        region=region,
        value_printed=value_printed,
        value=Decimal(wan_yuan),
        quote=source.text[3:],
        period_label=str(year.year),
        period_start=dt.date(year.year, 1, 1),
        period_end=dt.date(year.year, 12, 31),
    )
    TargetFactory(campaign_year=year, indicator=figure.indicator, region=region, value=Decimal(target_wan_yuan))
    return figure
