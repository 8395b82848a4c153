"""Small builders for roll-up tests: a city with districts, a zone with parks, projects, reports."""

import datetime as dt
from decimal import Decimal

from investment.models import CampaignYear, Indicator
from parks.models import Park, Region
from projects.models import Milestone, ProgressReport, Project

INDICATORS = [
    ("project_investment", "项目投资完成额", "万元", "cumulative"),
    ("projects_started", "开工项目数", "个", "count"),
    ("projects_in_production", "投产项目数", "个", "count"),
    ("signed_projects", "签约项目数", "个", "count"),
]


def world(year: int = 2025) -> dict:
    """长治市 > 上党区, 潞州区; 上党经开区 > 先进装备制造园 > 智能制造产业园; the computed indicators."""
    for code, name, unit, nature in INDICATORS:
        Indicator.objects.get_or_create(
            code=code, defaults={"name_zh": name, "name_en": code, "unit": unit, "nature": nature}
        )
    city = Region.objects.create(name="测试市", level="city")
    district = Region.objects.create(name="测试区", level="district", parent=city)
    other = Region.objects.create(name="邻区", level="district", parent=city)
    zone = Park.objects.create(name="测试经开区", kind="development_zone", region=district)
    sub_park = Park.objects.create(name="测试装备园", kind="sub_park", parent=zone, region=district)
    cluster = Park.objects.create(name="测试智造园", kind="cluster", parent=sub_park, region=district)
    campaign_year = CampaignYear.objects.create(year=year, name=f"{year}年重大项目建设年")
    return {
        "city": city,
        "district": district,
        "other": other,
        "zone": zone,
        "sub_park": sub_park,
        "cluster": cluster,
        "year": campaign_year,
    }


_seq = iter(range(1, 10**9))


def project(region, park=None, **fields) -> Project:
    return Project.objects.create(name=f"测试项目{next(_seq)}", region=region, park=park, **fields)


def report(project, month: dt.date, amount, status="approved", **fields) -> ProgressReport:
    return ProgressReport.objects.create(
        project=project, period=month, investment_completed=Decimal(amount), status=status, **fields
    )


def milestone(project, kind, day, batch=None) -> Milestone:
    return Milestone.objects.create(project=project, kind=kind, actual_date=day, batch=batch)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def reported_actual(region, year, code: str, value_printed: str, wan_yuan, target_wan_yuan):
    """A report that prints the region's yearly actual (in 亿元) for an indicator, and that year's target."""
    from investment.models import Figure, SourceReport, Target

    quote = f"{region.name}全年完成{value_printed}亿元。"
    source = SourceReport.objects.create(
        file_name=f"test-{region.pk}-{code}.txt", title="测试报道", text=f"导语。{quote}", sha256=f"{region.pk:064d}"
    )
    figure = Figure.objects.create(
        source_report=source,
        indicator=Indicator.objects.get(code=code),
        scope_kind="region",
        region=region,
        value_printed=value_printed,
        unit_printed="亿元",
        value=Decimal(wan_yuan),
        unit="万元",
        kind="actual",
        quote=quote,
        quote_offset=3,
        period_label=str(year.year),
        period_start=dt.date(year.year, 1, 1),
        period_end=dt.date(year.year, 12, 31),
    )
    Target.objects.create(
        campaign_year=year, indicator=figure.indicator, region=region, value=Decimal(target_wan_yuan), unit="万元"
    )
    return figure
