"""Each database rule rejects a bad row: full_clean() with a clear field message, and the database
itself (IntegrityError) when the row is saved without validation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from investment.models import Target
from parks.models import Park, Region
from projects.models import Milestone, PoolMove, ProgressReport, Project
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

pytestmark = pytest.mark.django_db


@pytest.fixture
def base():
    zone = ParkFactory(name="开发区甲", zone=True, region=RegionFactory(name="上党区"))
    park = ParkFactory(name="园区乙", sub_park=True, parent=zone)
    return dict(
        district=zone.region,
        zone=zone,
        park=park,
        cluster=ParkFactory(name="园中园丙", cluster=True, parent=park),
        report=SourceReportFactory(text="全年签约额目标145亿元。"),
        indicator=IndicatorFactory(code="signed_amount", name_zh="签约额", name_en="Signed"),
        year=CampaignYearFactory(year=2025),
        project=ProjectFactory(name="项目甲", region=zone.region),
    )


def _rejected(obj, message_part):
    with pytest.raises(ValidationError) as info:
        obj.full_clean()
    assert message_part in str(info.value), info.value
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


def _figure(base, **overrides):
    """An unsaved target figure quoting the whole sentence of the base report."""
    fields = dict(
        source_report=base["report"],
        indicator=base["indicator"],
        region=base["district"],
        value_printed="145",
        value=Decimal("1450000"),
        kind="target",
        quote="全年签约额目标145亿元",
    )
    return FigureFactory.build(**(fields | overrides))


def test_a_good_figure_is_accepted(base):
    figure = _figure(base)
    figure.full_clean()
    figure.save()
    assert figure.pk


def test_money_cannot_be_negative(base):
    _rejected(Project(name="项目乙", region=base["district"], total_investment=Decimal("-1")), "总投资不能为负数")
    _rejected(_figure(base, value=Decimal("-5")), "金额不能为负数")


def test_end_not_before_start(base):
    _rejected(
        Project(
            name="项目丙", region=base["district"], planned_start=dt.date(2025, 5, 1), planned_end=dt.date(2025, 4, 1)
        ),
        "计划竣工日期不能早于计划开工日期",
    )
    _rejected(
        _figure(base, period_start=dt.date(2025, 2, 1), period_end=dt.date(2025, 1, 1)), "期间结束不能早于期间开始"
    )


def test_one_target_per_indicator_scope_and_year(base):
    TargetFactory(campaign_year=base["year"], indicator=base["indicator"], region=base["district"])
    _rejected(
        Target(
            campaign_year=base["year"],
            indicator=base["indicator"],
            region=base["district"],
            value=Decimal("1"),
            unit="万元",
        ),
        "该区域该年度已有此指标目标",
    )


def test_a_target_has_exactly_one_scope(base):
    _rejected(
        Target(
            campaign_year=base["year"],
            indicator=base["indicator"],
            region=base["district"],
            park=base["zone"],
            value=Decimal("1"),
            unit="万元",
        ),
        "目标必须且只能属于一个区域或园区",
    )


def test_a_figure_has_exactly_one_scope(base):
    _rejected(_figure(base, park=base["zone"]), "数据必须且只能属于一个范围")
    _rejected(_figure(base, scope_kind="park"), "数据必须且只能属于一个范围")


def test_a_figure_quote_must_stand_at_its_offset(base):
    moved = _figure(base, quote_offset=3)
    with pytest.raises(ValidationError, match="原文不在报道的该位置"):
        moved.full_clean()
    with pytest.raises(IntegrityError, match="quote does not occur"), transaction.atomic():
        moved.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _figure(base, quote="全年签约额目标146亿元").save()


def test_park_tree_rules(base):
    _rejected(Park(name="错误园", kind="sub_park", region=base["district"]), "园区和园中园必须有上级")
    _rejected(
        Park(name="错误区", kind="development_zone", parent=base["zone"], region=base["district"]), "开发区不能有上级"
    )
    # A cluster inside a cluster, a sub-park inside a sub-park: rejected by clean() and by the trigger.
    for kind, parent in (("cluster", base["cluster"]), ("sub_park", base["park"])):
        bad = Park(name=f"嵌套{kind}", kind=kind, parent=parent, region=base["district"])
        with pytest.raises(ValidationError, match="的上级不能是"):
            bad.full_clean()
        with pytest.raises(IntegrityError, match="park tree"), transaction.atomic():
            bad.save()


def test_a_district_belongs_to_a_city():
    _rejected(Region(name="孤县", level="county"), "区县必须属于一个市")


def test_progress_report_rules(base):
    project = base["project"]
    negative = ProgressReport(project=project, period=dt.date(2025, 3, 1), investment_completed=Decimal("-1"))
    with pytest.raises(ValidationError) as info:
        negative.full_clean(exclude=["created_by"])
    assert "确保该值大于或等于0" in str(info.value.message_dict["investment_completed"])
    with pytest.raises(IntegrityError), transaction.atomic():
        negative.save()
    ProgressReportFactory(project=project, period=dt.date(2025, 3, 1), investment_completed=Decimal("10"))
    second = ProgressReport(project=project, period=dt.date(2025, 3, 1), investment_completed=Decimal("5"))
    with pytest.raises(ValidationError, match="该项目本月已有进度报告"):
        second.full_clean(exclude=["created_by"])
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_milestone_once_per_kind_and_pool_moves_change_pool(base):
    MilestoneFactory(project=base["project"], kind="started")
    _rejected(Milestone(project=base["project"], kind="started"), "该项目已有此节点")
    _rejected(
        PoolMove(project=base["project"], from_pool="reserve", to_pool="reserve", moved_on=dt.date.today()),
        "新库必须不同于原库",
    )
