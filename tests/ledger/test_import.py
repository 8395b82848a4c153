"""The ledger import end to end on the report data: a 300-row district ledger previews, imports in one
transaction, imports again without a change, exports and re-imports losslessly; bad rows are errors by
row and column and nothing is saved; afterwards signals light and 三个一批 rates are computed."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from investment.ledger.services import ledger_apply, ledger_export, ledger_preview
from investment.models import AnnualPlan, BatchRate, CampaignYear, LedgerYearToDate, ProjectSignal, Rollup
from investment.rollups.run import rollup_year
from projects.models import Batch, Milestone, PoolMove, ProgressReport, Project, ProjectContact

from .builders import realistic_ledger, xlsx

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "项目编号",
    "项目名称",
    "建设单位",
    "所属园区",
    "四库",
    "总投资（万元）",
    "2026年计划投资",
    "1-10月完成投资",
]


@pytest.fixture(scope="module")
def ledger():
    content, expected, _skipped = realistic_ledger(300)
    return content, expected


@pytest.fixture
def imported(report_data, ledger, django_user_model):
    admin = django_user_model.objects.create_superuser("ledger-admin", "a@example.org", "pw")
    plan = ledger_preview(content=ledger[0], file_name="台账.xlsx")
    written = ledger_apply(plan, actor=admin)
    return plan, written, admin


def test_a_realistic_ledger_previews_as_300_new_projects_and_saves_nothing(report_data, ledger):
    before = Project.objects.count()
    plan = ledger_preview(content=ledger[0], file_name="台账.xlsx")
    assert plan.ok, plan.errors[:5]
    assert plan.year == 2026 and plan.sheet.ytd_months == 10
    assert plan.counts == {"new": 300}
    first = plan.rows[0]
    assert {c.key for c in first.changes} >= {"code", "name", "pool", "company", "annual_plan", "ledger_ytd"}
    assert Project.objects.count() == before


def test_importing_creates_projects_with_their_plan_ledger_figure_contacts_milestones_and_batches(imported, ledger):
    plan, written, admin = imported
    assert written == {"new": 300}
    project = Project.objects.get(code="SD20260002")
    assert project.name == "上党区第2号示范项目（一期）"
    assert project.park.name == "医药健康产业园" and project.region.name == "上党区"
    assert project.pool == "reserve" and project.priority_level == "city"
    assert project.company.name == "长治市示范1有限公司"
    assert project.total_investment == Decimal("123400") and project.is_major
    assert project.history.latest().history_user == admin
    year = CampaignYear.objects.get(year=2026)
    assert AnnualPlan.objects.get(project=project, campaign_year=year).planned_investment == Decimal("0.30")
    ytd = LedgerYearToDate.objects.get(project=project, campaign_year=year)
    assert (ytd.investment_completed, ytd.months) == (Decimal("10.5"), 10)
    roles = dict(ProjectContact.objects.filter(project=project).values_list("role", "name"))
    assert roles == {"leader": "张三（区委常委、副区长）", "officer": "李四", "liaison": "王五"}
    assert ProjectContact.objects.get(project=project, role="liaison").phone == "13812345678"
    signed = Milestone.objects.get(project=project, kind="signed")
    assert (signed.batch.year, signed.batch.round, signed.batch.kind) == (2026, 2, "signed")
    started = Milestone.objects.get(project=Project.objects.get(code="SD20260001"), kind="started")
    assert started.reached_undated and started.actual_date is None  # 已开工, no date
    assert started.planned_date == datetime.date(2025, 3, 1) and started.planned_precision == "month"
    assert PoolMove.objects.filter(project=project, to_pool="reserve", from_pool="").count() == 1
    assert Batch.objects.filter(year=2026).count() == 3


def test_the_same_ledger_again_changes_nothing(imported, ledger):
    counts = (Project.history.count(), Milestone.history.count(), AnnualPlan.history.count(), PoolMove.objects.count())
    plan = ledger_preview(content=ledger[0], file_name="台账.xlsx")
    assert plan.ok and plan.counts == {"unchanged": 300}, [r.changes for r in plan.rows if r.changes][:3]
    assert ledger_apply(plan, actor=None) == {}
    assert (
        Project.history.count(),
        Milestone.history.count(),
        AnnualPlan.history.count(),
        PoolMove.objects.count(),
    ) == counts


def test_export_then_import_is_lossless(imported):
    projects = Project.objects.filter(code__startswith="SD2026").select_related(
        "company", "region", "park", "industry_chain"
    )
    for format in ("xlsx", "csv"):
        content = ledger_export(projects.order_by("code"), year=2026, format=format)
        plan = ledger_preview(content=content, file_name=f"export.{format}", year=2026)
        assert plan.ok, plan.errors[:5]
        assert plan.counts == {"unchanged": 300}, [
            (r.name, [vars(c) for c in r.changes]) for r in plan.rows if r.changes
        ][:2]


def test_a_changed_row_shows_each_field_before_and_after_and_records_a_pool_move(imported):
    rows = [HEADER, [1, "SD20260002", "上党区第2号示范项目（一期）", "", "", "建设库", "", "9000", ""]]
    plan = ledger_preview(content=xlsx(rows), file_name="改.xlsx")
    assert plan.ok, plan.errors
    (row,) = plan.rows
    assert row.action == "changed"
    assert {(c.key, c.before, c.after) for c in row.changes} == {
        ("pool", "储备库", "建设库"),
        ("annual_plan", "0.3", "9000"),
    }
    ledger_apply(plan, actor=None)
    project = Project.objects.get(code="SD20260002")
    assert project.pool == "construction"
    assert project.pool_moves.filter(from_pool="reserve", to_pool="construction").exists()


@pytest.mark.parametrize(
    "cells, column, message",
    [
        ([1, "N1", "新项目甲", "", "不存在的园区", "", "", "", ""], "所属园区", "未知园区"),
        ([1, "N1", "新项目甲", "", "", "第五库", "", "", ""], "四库", ""),
        ([1, "N1", "新项目甲", "", "", "", "-5", "", ""], "总投资（万元）", ""),
        ([1, "N1", "", "", "", "", "", "", ""], "项目名称", ""),
        ([1, "N1", "新项目甲", "", "", "", "", "", "12"], "1-10月完成投资", ""),
    ],
)
def test_each_kind_of_bad_row_is_an_error_by_row_and_column_and_nothing_is_saved(report_data, cells, column, message):
    good = [2, "N2", "新项目乙", "", "", "", "", "100", ""]
    header = list(HEADER)
    if column == "1-10月完成投资":
        header[-1] = "本年完成投资"  # a year-to-date column that does not say which months
        column = "本年完成投资"
    plan = ledger_preview(content=xlsx([header, cells, good]), file_name="bad.xlsx")
    assert not plan.ok
    error = next(e for e in plan.errors if e.line == 2)
    assert error.column == column and message in error.message
    before = Project.objects.count()
    with pytest.raises(ValidationError):
        ledger_apply(plan, actor=None)
    assert Project.objects.count() == before and not Project.objects.filter(name="新项目乙").exists()


def test_a_name_that_belongs_to_another_code_and_a_repeated_code_are_errors(imported):
    rows = [
        HEADER,
        [1, "X1", "上党区第2号示范项目（一期）", "", "", "", "", "", ""],
        [2, "X2", "新项目丙", "", "", "", "", "", ""],
        [3, "X2", "新项目丁", "", "", "", "", "", ""],
    ]
    plan = ledger_preview(content=xlsx(rows), file_name="bad.xlsx")
    messages = {(e.line, e.column): e.message for e in plan.errors}
    assert "SD20260002" in messages[(2, "项目编号")]
    assert "重复" in messages[(4, "项目编号")]


def test_a_row_without_a_code_matches_by_alias_rather_than_duplicating(report_data):
    project = Project.objects.exclude(aliases=[]).first()
    rows = [HEADER, [1, "", project.aliases[0], "", "", "", "", "500", ""]]
    plan = ledger_preview(content=xlsx(rows), file_name="alias.xlsx", year=2026)
    assert plan.ok and plan.rows[0].project == project and plan.rows[0].action == "changed"


def test_after_import_and_approved_progress_signals_light_and_batch_rates_are_computed(imported):
    year = CampaignYear.objects.get(year=2026)
    as_of = datetime.date(2026, 10, 31)
    # One project with approved progress: its signal follows progress; the others follow the ledger's 1-10月.
    project = Project.objects.get(code="SD20260004")  # plan 800 万元, ledger 31.5 万元
    for month in range(1, 11):
        ProgressReport.objects.create(
            project=project, period=datetime.date(2026, month, 1), investment_completed=Decimal(70), status="approved"
        )
    rollup_year(campaign_year=year, as_of=as_of)
    signals = ProjectSignal.objects.filter(campaign_year=year, as_of=as_of, project__code__startswith="SD2026")
    assert signals.exclude(signal="").count() == 300
    lit = signals.get(project=project)
    assert lit.actual == Decimal(700) and lit.signal == "green" and "台账" not in lit.reason
    by_ledger = signals.get(project__code="SD20260005")  # plan 12,345.67, ledger 42 万元 by October
    assert by_ledger.signal == "red" and "台账1-10月" in by_ledger.reason
    rates = BatchRate.objects.filter(as_of=as_of, batch__year=2026)
    assert rates.filter(denominator__gt=0).exists()
    started_batch = rates.get(batch__kind="started", kind="started_to_production_rate")
    assert started_batch.denominator == 75 and started_batch.rate is not None
    # The ledger's figure stands beside approved progress, never added to it.
    district = {
        r.source: r.actual
        for r in Rollup.objects.filter(region__name="上党区", as_of=as_of, indicator__code="project_investment")
    }
    ledger_total = sum(
        LedgerYearToDate.objects.filter(project__region__name="上党区").values_list("investment_completed", flat=True)
    )
    assert district["ledger"] == ledger_total
    assert district["progress"] == Decimal(700)


def test_the_command_prints_the_preview_and_fails_with_nothing_saved_on_errors(report_data, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([HEADER, [1, "N1", "新项目甲", "", "不存在的园区", "", "", "", ""]]))
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_ledger", str(path), stdout=StringIO(), stderr=err)
    assert "line 2, 所属园区: 未知园区" in err.getvalue()
    assert not Project.objects.filter(name="新项目甲").exists()


def test_the_command_dry_run_saves_nothing_and_a_real_run_saves(report_data, tmp_path, ledger):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger[0])
    out = StringIO()
    call_command("import_ledger", str(path), "--dry-run", stdout=out, stderr=StringIO())
    assert "300 new" in out.getvalue() and "dry run" in out.getvalue()
    assert not Project.objects.filter(code__startswith="SD2026").exists()
    out = StringIO()
    call_command("import_ledger", str(path), stdout=out, stderr=StringIO())
    assert "imported: 300 new, 0 changed" in out.getvalue()
    assert Project.objects.filter(code__startswith="SD2026").count() == 300
