"""Factories for test data, one per model and named after the glossary (`RegionFactory`, `FigureFactory` …).

Defaults make a valid row with the fewest related rows; traits name the variants tests ask for
(`RegionFactory(city=True)`, `ParkFactory(cluster=True)`, `ProgressReportFactory(approved=True)`).
"""

import datetime
import hashlib
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from investment.models import AnnualPlan, CampaignYear, Figure, Indicator, SourceReport, Target
from parks.models import IndustryChain, Park, Region
from projects.models import Batch, Company, Milestone, ProgressReport, Project
from shangdang_portal import roles

PASSWORD = "pw-for-tests"
# Test role names that are not groups of their own: staff assigned to none of the projects under test.
GROUP_OF_ROLE = {"staff_unassigned": roles.STAFF}


class UserFactory(DjangoModelFactory):
    """A user holding one role (a Django group named in shangdang_portal.roles): `UserFactory(role="staff")`."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=GROUP_OF_ROLE.get(extracted, extracted))[0])

    @factory.post_generation
    def assigned_projects(self, create, extracted, **kwargs):
        """`UserFactory(role="staff", assigned_projects=[project])`: the projects this user reports for."""
        if create and extracted:
            self.assigned_projects.add(*extracted)


class RegionFactory(DjangoModelFactory):
    """A district under a city by default; `RegionFactory(city=True)` is a city."""

    class Meta:
        model = Region
        django_get_or_create = ("name",)

    class Params:
        city = factory.Trait(level=Region.Level.CITY, parent=None, name=factory.Sequence(lambda n: f"测试市{n}"))
        district = factory.Trait(level=Region.Level.DISTRICT)

    name = factory.Sequence(lambda n: f"测试区{n}")
    level = Region.Level.DISTRICT
    parent = factory.SubFactory("tests.factories.RegionFactory", city=True)


class ParkFactory(DjangoModelFactory):
    """A development zone by default; `sub_park=True` puts a park under a new zone, `cluster=True` a cluster."""

    class Meta:
        model = Park
        django_get_or_create = ("name",)

    class Params:
        zone = factory.Trait(kind=Park.Kind.DEVELOPMENT_ZONE, parent=None)
        sub_park = factory.Trait(kind=Park.Kind.SUB_PARK, parent=factory.SubFactory("tests.factories.ParkFactory"))
        cluster = factory.Trait(
            kind=Park.Kind.CLUSTER, parent=factory.SubFactory("tests.factories.ParkFactory", sub_park=True)
        )

    name = factory.Sequence(lambda n: f"测试园区{n}")
    kind = Park.Kind.DEVELOPMENT_ZONE
    parent = None
    region = factory.LazyAttribute(lambda o: o.parent.region if o.parent else RegionFactory())


class IndustryChainFactory(DjangoModelFactory):
    class Meta:
        model = IndustryChain
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试产业链{n}")
    region = factory.SubFactory(RegionFactory)


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    region = factory.SubFactory(RegionFactory)


class ProjectFactory(DjangoModelFactory):
    """A public project in a district, with no park, company or chain unless given."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试项目{n}")
    region = factory.LazyAttribute(lambda o: o.park.region if o.park else RegionFactory())
    park = None

    @factory.post_generation
    def staff(self, create, extracted, **kwargs):
        if create and extracted:
            self.staff.add(*extracted)


class BatchFactory(DjangoModelFactory):
    """One announced round of the 三个一批 campaign."""

    class Meta:
        model = Batch

    name = factory.Sequence(lambda n: f"测试批次{n}")
    held_on = datetime.date(2025, 3, 1)
    region = factory.SubFactory(RegionFactory)


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    kind = Milestone.Kind.STARTED
    actual_date = datetime.date(2025, 3, 18)


def _month(n: int) -> datetime.date:
    return datetime.date(2000 + n // 12, n % 12 + 1, 1)


class ProgressReportFactory(DjangoModelFactory):
    """A draft monthly progress entry; traits `submitted=True` and `approved=True` move it along."""

    class Meta:
        model = ProgressReport

    class Params:
        draft = factory.Trait(status=ProgressReport.Status.DRAFT)
        submitted = factory.Trait(status=ProgressReport.Status.SUBMITTED)
        approved = factory.Trait(status=ProgressReport.Status.APPROVED)

    project = factory.SubFactory(ProjectFactory)
    period = factory.Sequence(_month)
    investment_completed = Decimal("100.00")
    status = ProgressReport.Status.DRAFT


DEFAULT_TEXT = "上党区固定资产投资完成45.6亿元，同比增长12%。"
DEFAULT_QUOTE = "固定资产投资完成45.6亿元"


class SourceReportFactory(DjangoModelFactory):
    """A published source report; its sha256 is that of its text, as the importer computes it."""

    class Meta:
        model = SourceReport

    file_name = factory.Sequence(lambda n: f"test-{n:04d}.txt")
    title = factory.Sequence(lambda n: f"测试报道{n}")
    published_on = datetime.date(2024, 7, 2)
    text = DEFAULT_TEXT
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.text.encode()).hexdigest())


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = "fixed_asset_investment"
    name_zh = "固定资产投资"
    name_en = "Fixed-asset investment"
    unit = "万元"
    nature = Indicator.Nature.CUMULATIVE


class FigureFactory(DjangoModelFactory):
    """A region's figure quoted from its source report: the quote is cut from the report's text at its offset,
    so the database trigger that checks quotes accepts it. Pass `quote=` to quote another part of the text."""

    class Meta:
        model = Figure

    source_report = factory.SubFactory(SourceReportFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    scope_kind = "region"
    region = factory.SubFactory(RegionFactory)
    value_printed = "45.6"
    unit_printed = "亿元"
    value = Decimal("456000")
    unit = "万元"
    kind = Figure.Kind.ACTUAL
    quote = factory.LazyAttribute(
        lambda o: DEFAULT_QUOTE if DEFAULT_QUOTE in o.source_report.text else o.source_report.text
    )
    # A quote the text does not hold (to test the rule that rejects it) is put at offset 0.
    quote_offset = factory.LazyAttribute(lambda o: max(o.source_report.text.find(o.quote), 0))


class CampaignYearFactory(DjangoModelFactory):
    class Meta:
        model = CampaignYear
        django_get_or_create = ("year",)

    year = 2025
    name = factory.LazyAttribute(lambda o: f"{o.year}年重大项目建设年")


class TargetFactory(DjangoModelFactory):
    """A region's target for one indicator in one campaign year."""

    class Meta:
        model = Target

    campaign_year = factory.SubFactory(CampaignYearFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    region = factory.SubFactory(RegionFactory)
    value = Decimal("100000")
    unit = "万元"


class AnnualPlanFactory(DjangoModelFactory):
    class Meta:
        model = AnnualPlan

    project = factory.SubFactory(ProjectFactory)
    campaign_year = factory.SubFactory(CampaignYearFactory)
    planned_investment = Decimal("12000.00")
