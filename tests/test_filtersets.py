"""The FilterSets on their own: each filter narrows as its help text says, a bad value is an error on that field,
and `q` finds Chinese names and aliases. Pages, API and selectors all use these classes."""

import datetime
from decimal import Decimal

import pytest

from investment.filtersets import (
    BatchRateFilterSet,
    FigureFilterSet,
    IndicatorFilterSet,
    PipelinePoolFilterSet,
    RollupFilterSet,
    SourceReportFilterSet,
    TargetFilterSet,
)
from investment.rollups.run import rollup_year
from projects.filtersets import CompanyFilterSet, ProgressReportFilterSet, ProjectFilterSet
from tests.factories import (
    BatchFactory,
    CampaignYearFactory,
    CompanyFactory,
    FigureFactory,
    IndicatorFactory,
    MilestoneFactory,
    ParkFactory,
    ProgressReportFactory,
    ProjectFactory,
    SourceReportFactory,
    TargetFactory,
)
from tests.filtering import errors, filtered
from tests.investment.builders import world as rollup_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(places):
    company = CompanyFactory(name="晶科新能源有限公司", aliases=["晶科"], region=places["district"])
    solar = ProjectFactory(
        name="年产10GW光伏组件项目",
        aliases=["光伏组件一期"],
        park=places["cluster"],
        company=company,
        pool="construction",
        priority_level="provincial",
        is_major=True,
        total_investment=Decimal("150000"),
        planned_start=datetime.date(2024, 3, 1),
    )
    hospital = ProjectFactory(
        name="区人民医院迁建项目",
        region=places["other"],
        pool="reserve",
        category="public_welfare",
        total_investment=Decimal("30000"),
        description="门诊楼、住院楼及配套设施",
        planned_start=datetime.date(2025, 6, 1),
    )
    MilestoneFactory(project=solar, kind="started", actual_date=datetime.date(2024, 3, 18))
    MilestoneFactory(project=hospital, kind="signed", actual_date=datetime.date(2024, 3, 20))
    MilestoneFactory(project=hospital, kind="started", actual_date=None, planned_date=datetime.date(2025, 6, 1))
    return {"solar": solar, "hospital": hospital, "company": company}


class TestProjectFilterSet:
    @pytest.mark.parametrize(
        "query,expected",
        [
            ({"q": "光伏"}, {"solar"}),  # name
            ({"q": "组件一期"}, {"solar"}),  # alias only
            ({"q": "晶科"}, {"solar"}),  # the company's alias
            ({"q": "住院楼"}, {"hospital"}),  # the description
            ({"q": "  "}, {"solar", "hospital"}),  # blank search keeps everything
            ({"q": "没有这个项目"}, set()),
        ],
    )
    def test_q_searches_chinese_names_aliases_and_descriptions(self, projects, query, expected):
        assert filtered(ProjectFilterSet, query) == {projects[key] for key in expected}

    def test_each_filter_narrows(self, places, projects):
        solar, hospital = projects["solar"], projects["hospital"]
        assert filtered(ProjectFilterSet, {"region": places["other"].pk}) == {hospital}
        assert filtered(ProjectFilterSet, {"pool": ["construction", "operating"]}) == {solar}
        assert filtered(ProjectFilterSet, {"category": "public_welfare"}) == {hospital}
        assert filtered(ProjectFilterSet, {"priority_level": "provincial"}) == {solar}
        assert filtered(ProjectFilterSet, {"is_major": "true"}) == {solar}
        assert filtered(ProjectFilterSet, {"company": projects["company"].pk}) == {solar}
        assert filtered(ProjectFilterSet, {"total_investment_min": "100000"}) == {solar}
        assert filtered(ProjectFilterSet, {"total_investment_max": "30000"}) == {hospital}
        assert filtered(ProjectFilterSet, {"planned_start_after": "2025-01-01"}) == {hospital}
        assert filtered(ProjectFilterSet, {"planned_start_before": "2024-12-31"}) == {solar}

    def test_park_includes_the_parks_below_it(self, places, projects):
        for park in ("zone", "sub_park", "cluster"):
            assert filtered(ProjectFilterSet, {"park": places[park].pk}) == {projects["solar"]}, park
        other_zone = ParkFactory(name="另一开发区", zone=True, region=places["district"])
        assert filtered(ProjectFilterSet, {"park": other_zone.pk}) == set()

    def test_milestone_kind_and_dates_match_the_same_milestone(self, projects):
        solar, hospital = projects["solar"], projects["hospital"]
        march = {"milestone_after": "2024-03-01", "milestone_before": "2024-03-31"}
        assert filtered(ProjectFilterSet, march) == {solar, hospital}
        assert filtered(ProjectFilterSet, {**march, "milestone_kind": "started"}) == {solar}
        assert filtered(ProjectFilterSet, {**march, "milestone_kind": "signed"}) == {hospital}
        # Without an actual date the planned one counts.
        assert filtered(ProjectFilterSet, {"milestone_kind": "started", "milestone_after": "2025-01-01"}) == {hospital}

    @pytest.mark.parametrize(
        "field,value",
        [
            ("pool", "nowhere"),
            ("region", "999999"),
            ("park", "not-a-park"),
            ("total_investment_min", "很多"),
            ("milestone_kind", "finished"),
            ("milestone_after", "2024-13-01"),
        ],
    )
    def test_a_bad_value_is_an_error_on_its_field(self, projects, field, value):
        assert set(errors(ProjectFilterSet, {field: value})) == {field}


class TestProgressReportFilterSet:
    @pytest.fixture
    def reports(self, places, projects):
        return {
            "may": ProgressReportFactory(project=projects["solar"], period=datetime.date(2024, 5, 1), approved=True),
            "june": ProgressReportFactory(project=projects["solar"], period=datetime.date(2024, 6, 1), submitted=True),
            "hospital": ProgressReportFactory(project=projects["hospital"], period=datetime.date(2024, 6, 1)),
        }

    def test_each_filter_narrows(self, places, projects, reports):
        assert filtered(ProgressReportFilterSet, {"period": "2024-06"}) == {reports["june"], reports["hospital"]}
        assert filtered(ProgressReportFilterSet, {"period": "2024-05-17"}) == {reports["may"]}  # a date means its month
        assert filtered(ProgressReportFilterSet, {"period_before": "2024-05"}) == {reports["may"]}
        assert filtered(ProgressReportFilterSet, {"status": ["submitted", "draft"]}) == {
            reports["june"],
            reports["hospital"],
        }
        assert filtered(ProgressReportFilterSet, {"project": projects["hospital"].pk}) == {reports["hospital"]}
        assert filtered(ProgressReportFilterSet, {"region": places["other"].pk}) == {reports["hospital"]}
        assert filtered(ProgressReportFilterSet, {"park": places["zone"].pk}) == {reports["may"], reports["june"]}

    @pytest.mark.parametrize("field,value", [("period", "2024-13"), ("status", "lost"), ("period_after", "六月")])
    def test_a_bad_value_is_an_error_on_its_field(self, reports, field, value):
        assert set(errors(ProgressReportFilterSet, {field: value})) == {field}


def test_company_filterset_searches_aliases_and_narrows_by_region(places, projects):
    assert filtered(CompanyFilterSet, {"q": "晶科"}) == {projects["company"]}
    assert filtered(CompanyFilterSet, {"region": places["other"].pk}) == set()
    assert set(errors(CompanyFilterSet, {"region": "x"})) == {"region"}


class TestFigureFilterSet:
    @pytest.fixture
    def figures(self, places, projects):
        report = SourceReportFactory(text="上党区固定资产投资完成45.6亿元，同比增长12%。光伏组件项目完成投资3亿元。")
        older = SourceReportFactory(text="潞州区签约额80亿元。", published_on=datetime.date(2023, 1, 5))
        fai = IndicatorFactory(code="fixed_asset_investment")
        signed = IndicatorFactory(code="signed_amount", name_zh="签约额", name_en="Signed amount")
        return {
            "report": report,
            "fai": FigureFactory(
                source_report=report,
                indicator=fai,
                region=places["district"],
                period_label="2024年",
                period_end=datetime.date(2024, 12, 31),
            ),
            "growth": FigureFactory(
                source_report=report,
                indicator=fai,
                region=places["district"],
                quote="同比增长12%",
                value_printed="12",
                unit_printed="%",
                value=Decimal("12"),
                unit="%",
                measure="growth_yoy",
            ),
            "project": FigureFactory(
                source_report=report,
                indicator=None,
                subject="项目完成投资",
                scope_kind="project",
                region=None,
                project=projects["solar"],
                quote="光伏组件项目完成投资3亿元",
                value=Decimal("30000"),
            ),
            "signed": FigureFactory(
                source_report=older,
                indicator=signed,
                region=places["other"],
                quote="签约额80亿元",
                kind="target",
                period_end=datetime.date(2023, 12, 31),
            ),
        }

    def test_the_quote_is_cut_from_the_report_text(self, figures):
        for key in ("fai", "growth", "project", "signed"):
            figure = figures[key]
            text = figure.source_report.text
            assert text[figure.quote_offset : figure.quote_offset + len(figure.quote)] == figure.quote

    def test_each_filter_narrows(self, places, projects, figures):
        f = figures
        assert filtered(FigureFilterSet, {"source_report": f["report"].pk}) == {f["fai"], f["growth"], f["project"]}
        assert filtered(FigureFilterSet, {"indicator": "signed_amount"}) == {f["signed"]}
        assert filtered(FigureFilterSet, {"scope": "project"}) == {f["project"]}
        assert filtered(FigureFilterSet, {"region": places["district"].pk}) == {f["fai"], f["growth"]}
        assert filtered(FigureFilterSet, {"project": projects["solar"].pk}) == {f["project"]}
        assert filtered(FigureFilterSet, {"kind": "target"}) == {f["signed"]}
        assert filtered(FigureFilterSet, {"measure": "growth_yoy"}) == {f["growth"]}
        assert filtered(FigureFilterSet, {"unit": "%"}) == {f["growth"]}
        assert filtered(FigureFilterSet, {"period": "2024年"}) == {f["fai"]}
        assert filtered(FigureFilterSet, {"period_after": "2024-01-01"}) == {f["fai"]}
        assert filtered(FigureFilterSet, {"period_before": "2023-12-31"}) == {f["signed"]}

    def test_q_searches_the_quote_and_the_subject(self, figures):
        assert filtered(FigureFilterSet, {"q": "签约额"}) == {figures["signed"]}
        assert filtered(FigureFilterSet, {"q": "项目完成投资"}) == {figures["project"]}
        assert filtered(FigureFilterSet, {"q": "同比"}) == {figures["growth"]}

    @pytest.mark.parametrize(
        "field,value",
        [("scope", "nowhere"), ("kind", "guess"), ("source_report", "999999"), ("period_after", "去年")],
    )
    def test_a_bad_value_is_an_error_on_its_field(self, figures, field, value):
        assert set(errors(FigureFilterSet, {field: value})) == {field}

    def test_source_report_and_indicator_filters(self, figures):
        assert filtered(SourceReportFilterSet, {"published_after": "2024-01-01"}) == {figures["report"]}
        assert filtered(SourceReportFilterSet, {"q": figures["report"].title}) == {figures["report"]}
        assert set(errors(SourceReportFilterSet, {"published_before": "someday"})) == {"published_before"}
        assert {i.code for i in filtered(IndicatorFilterSet, {"q": "签约"})} == {"signed_amount"}
        assert set(errors(IndicatorFilterSet, {"nature": "vague"})) == {"nature"}


class TestCampaignFilterSets:
    def test_target_filters_narrow_by_year_indicator_and_region(self, places):
        this_year, last_year = CampaignYearFactory(year=2025), CampaignYearFactory(year=2024)
        fai, signed = IndicatorFactory(code="fixed_asset_investment"), IndicatorFactory(code="signed_amount")
        district_fai = TargetFactory(campaign_year=this_year, indicator=fai, region=places["district"])
        other_signed = TargetFactory(campaign_year=this_year, indicator=signed, region=places["other"])
        old = TargetFactory(campaign_year=last_year, indicator=fai, region=places["district"])
        assert filtered(TargetFilterSet, {"year": 2024}) == {old}
        assert filtered(TargetFilterSet, {"indicator": "signed_amount"}) == {other_signed}
        assert filtered(TargetFilterSet, {"year": 2025, "region": places["district"].pk}) == {district_fai}
        assert set(errors(TargetFilterSet, {"year": "今年"})) == {"year"}


class TestRollupFilterSets:
    @pytest.fixture
    def rolled_up(self):
        from tests.investment.builders import d, milestone, project, report

        w = rollup_world()
        in_zone = project(w["district"], park=w["cluster"], pool="construction")
        elsewhere = project(w["other"], pool="reserve")
        report(in_zone, d("2025-03-01"), 300)
        report(elsewhere, d("2025-04-01"), 100)
        batch = BatchFactory(region=w["district"], held_on=d("2025-02-01"))
        milestone(in_zone, "signed", d("2025-02-01"), batch=batch)
        milestone(in_zone, "started", d("2025-05-01"))
        rollup_year(campaign_year=w["year"], as_of=d("2025-06-30"))
        return w | {"batch": batch}

    def test_rollup_filters_narrow(self, rolled_up):
        w = rolled_up
        rows = filtered(RollupFilterSet, {"year": 2025, "region": w["district"].pk, "indicator": "project_investment"})
        assert rows and {(r.region, r.indicator.code) for r in rows} == {(w["district"], "project_investment")}
        assert {r.source for r in filtered(RollupFilterSet, {"source": "progress"})} == {"progress"}
        assert filtered(RollupFilterSet, {"year": 2024}) == set()
        assert filtered(RollupFilterSet, {"as_of": "2025-06-30"}) == filtered(RollupFilterSet, {})
        assert set(errors(RollupFilterSet, {"source": "rumour"})) == {"source"}
        assert set(errors(RollupFilterSet, {"scope_kind": "galaxy"})) == {"scope_kind"}

    def test_pipeline_filters_narrow(self, rolled_up):
        w = rolled_up
        rows = filtered(PipelinePoolFilterSet, {"region": w["district"].pk, "pool": "construction"})
        assert [r.project_count for r in rows] == [1]
        assert {r.park for r in filtered(PipelinePoolFilterSet, {"park": w["zone"].pk})} == {w["zone"]}
        assert set(errors(PipelinePoolFilterSet, {"pool": "ocean"})) == {"pool"}

    def test_batch_rate_filters_narrow(self, rolled_up):
        rows = filtered(BatchRateFilterSet, {"batch": rolled_up["batch"].pk, "kind": "signed_to_started_rate"})
        assert [(r.numerator, r.denominator) for r in rows] == [(1, 1)]
        assert set(errors(BatchRateFilterSet, {"kind": "luck"})) == {"kind"}


def test_project_signal_filterset_narrows_by_signal_and_rule_and_orders_by_gap(places):
    from investment.filtersets import ProjectSignalFilterSet
    from investment.models import ProjectSignal

    year = CampaignYearFactory(year=2025)
    rows = {}
    for name, signal, rule, gap in (
        ("红灯项目", "red", ProjectSignal.Rule.LAG_RED, Decimal("-40")),
        ("黄灯项目", "yellow", ProjectSignal.Rule.LAG_YELLOW, Decimal("-15")),
        ("绿灯项目", "green", ProjectSignal.Rule.ON_TRACK, Decimal("2")),
    ):
        rows[signal] = ProjectSignal.objects.create(
            project=ProjectFactory(name=name, region=places["district"]),
            campaign_year=year,
            as_of=datetime.date(2025, 6, 30),
            signal=signal,
            rule=rule,
            reason=name,
            actual=Decimal(0),
            elapsed_rate=Decimal("50"),
            gap_points=gap,
        )
    assert filtered(ProjectSignalFilterSet, {"signal": ["red", "yellow"]}) == {rows["red"], rows["yellow"]}
    assert filtered(ProjectSignalFilterSet, {"rule": "on_track"}) == {rows["green"]}
    assert filtered(ProjectSignalFilterSet, {"year": 2024}) == set()
    ordered = ProjectSignalFilterSet(data={"ordering": "gap_points"}, queryset=ProjectSignal.objects.all()).qs
    assert [r.signal for r in ordered] == ["red", "yellow", "green"]
    assert set(errors(ProjectSignalFilterSet, {"signal": "purple"})) == {"signal"}
