"""The report data as users load it: `manage.py import_reports`, on SQLite and PostgreSQL."""

import re
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from investment.models import Figure, SourceReport, Target
from investment.sources.curation import CURATION_DIR, REPORTS_DIR, load_all
from parks.models import Park, Region
from projects.models import Company, Milestone, Project

pytestmark = pytest.mark.django_db
SHARED_REPORTS = Path(__file__).resolve().parents[3] / "shared" / "reports"


def test_every_figure_quote_stands_verbatim_at_its_offset(report_data):
    figures = list(Figure.objects.select_related("source_report"))
    assert len(figures) > 150
    for f in figures:
        assert f.source_report.text[f.quote_offset : f.quote_offset + len(f.quote)] == f.quote, f.pk
        assert f.value_printed in f.quote
        assert f.unit_printed in f.quote


def test_report_texts_are_stored_whole_with_their_hash(report_data):
    import hashlib

    assert SourceReport.objects.count() == 5
    for report in SourceReport.objects.all():
        on_disk = (REPORTS_DIR / report.file_name).read_text(encoding="utf-8")
        assert report.text == on_disk
        assert report.sha256 == hashlib.sha256(on_disk.encode()).hexdigest()
        if SHARED_REPORTS.exists():  # the repo's copy is the published report, unchanged
            assert (SHARED_REPORTS / report.file_name).read_text(encoding="utf-8") == on_disk


def _printed_number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


UNIT_FACTORS = {
    "亿元": Decimal(10000),
    "万元": Decimal(1),
    "万平米": Decimal(10000),
    "万平方米": Decimal(10000),
    "平方米": Decimal(1),
    "%": Decimal(1),
    "个": Decimal(1),
    "平方公里": Decimal(1),
}


def test_normalised_values_follow_the_unit_rules(report_data):
    checked = 0
    for f in Figure.objects.filter(unit_printed__in=UNIT_FACTORS):
        if not re.fullmatch(r"[\d.,]+", f.value_printed):
            continue
        assert f.value == _printed_number(f.value_printed) * UNIT_FACTORS[f.unit_printed], f.pk
        checked += 1
    assert checked > 100
    assert set(Figure.objects.filter(unit_printed="亿元").values_list("unit", flat=True)) == {"万元"}
    assert set(Figure.objects.filter(unit_printed="万平米").values_list("unit", flat=True)) <= {"m²"}


def test_known_figures_from_the_reports(report_data):
    shangdang = Region.objects.get(name="上党区")
    signed = Target.objects.get(campaign_year__year=2025, indicator__code="signed_amount", region=shangdang)
    assert signed.value == Decimal("1450000")  # 145 亿元
    assert signed.unit == "万元"
    assert "145" in signed.source_figure.quote

    growth = Target.objects.get(
        campaign_year__year=2025, indicator__code="fixed_asset_investment", region=shangdang, measure="growth_yoy"
    )
    assert growth.value == Decimal("10") and growth.comparator == ">="

    zone = Park.objects.get(name="上党经济技术开发区")
    assert zone.area_km2 == Decimal("8.05")
    assert zone.approved_on.isoformat() == "2019-01-01"
    assert zone.level == "provincial"
    assert set(zone.children.values_list("name", flat=True)) >= {"现代物流园", "医药健康产业园", "先进装备制造园"}

    rates = dict(Figure.objects.filter(indicator__code__endswith="_rate").values_list("indicator__code", "value"))
    assert rates == {
        "signed_to_started_rate": Decimal("90.7"),
        "started_to_production_rate": Decimal("35"),
        "production_to_capacity_rate": Decimal("100"),
    }


def test_the_reports_name_seventy_or_more_projects_without_invented_totals(report_data):
    assert Project.objects.count() >= 70
    with_total = Project.objects.filter(total_investment__isnull=False)
    for project in with_total:
        assert project.figures.filter(indicator__code="total_investment").exists(), project
    assert not Project.objects.filter(is_synthetic=True).exists()


def test_import_twice_gives_the_same_rows(report_data):
    before = (
        list(Figure.objects.order_by("pk").values_list("pk", "value", "quote_offset")),
        Project.objects.count(),
        Company.objects.count(),
        Target.objects.count(),
    )
    call_command("import_reports", verbosity=0)
    after = (
        list(Figure.objects.order_by("pk").values_list("pk", "value", "quote_offset")),
        Project.objects.count(),
        Company.objects.count(),
        Target.objects.count(),
    )
    assert before == after


def test_import_of_unchanged_data_writes_no_row_and_no_history(report_data):
    histories = (Figure.history, Project.history, Target.history, Milestone.history)
    before = [h.count() for h in histories]
    with CaptureQueriesContext(connection) as queries:
        call_command("import_reports", verbosity=0)
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == []
    assert [h.count() for h in histories] == before


def test_a_curation_value_the_model_refuses_names_its_entry_and_field(tmp_path):
    bad = tmp_path / "curation"
    shutil.copytree(CURATION_DIR, bad)
    path = bad / "004.yaml"
    text = path.read_text(encoding="utf-8")
    # A region name too long for its column passes the curation checks; only the model's own validation,
    # which the importer runs before every write, refuses it, naming the entry and the field.
    long_name = "长" * 60
    text = text.replace(
        "  - {name: 武乡县, level: county, parent: 长治市}", f"  - {{name: {long_name}, level: county, parent: 长治市}}"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=f"nothing was imported.*region {long_name}.*name"):
        call_command("import_reports", directory=str(bad), verbosity=0)
    assert SourceReport.objects.count() == 0


def test_a_bad_curation_file_imports_nothing(tmp_path):
    bad = tmp_path / "curation"
    shutil.copytree(CURATION_DIR, bad)
    path = bad / "004.yaml"
    text = path.read_text(encoding="utf-8")
    # A quote the report does not contain: the whole import must refuse, not load the other files.
    path.write_text(text.replace("面积 8.05 平方公里", "面积 9.99 平方公里", 1), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported.*not found verbatim"):
        call_command("import_reports", directory=str(bad), verbosity=0)
    assert SourceReport.objects.count() == 0 and Project.objects.count() == 0


def test_data_summary_prints_counts(report_data):
    out = StringIO()
    call_command("data_summary", stdout=out)
    text = out.getvalue()
    counts = dict(re.findall(r"^(projects|parks|figures)\s+(\d+)$", text, re.M))
    assert int(counts["projects"]) == Project.objects.count() >= 70
    assert int(counts["parks"]) == Park.objects.count()
    assert int(counts["figures"]) == Figure.objects.count() > 150


def test_repeated_paragraphs_do_not_duplicate_figures():
    for cf in load_all():
        keys = [(f.quote.text, f.value_printed, f.unit_printed, str(f.raw.get("scope"))) for f in cf.figures]
        assert len(keys) == len(set(keys)), cf.path.name


def test_milestone_dates_keep_the_precision_the_report_gives(report_data):
    from projects.models import Milestone

    by_precision = {m.date_precision: m for m in Milestone.objects.filter(actual_date__isnull=False)}
    year_only = by_precision["year"]
    assert year_only.actual_date_label == str(year_only.actual_date.year)
    assert year_only.actual_date.month == 1 and year_only.actual_date.day == 1


def test_milestones_keep_their_source_and_chains_their_leader_when_imported_twice(report_data):
    from investment.models import MilestoneSource
    from investment.sources.importer import import_reports
    from projects.models import ChainLeader, Milestone

    before = (
        sorted(MilestoneSource.objects.values_list("milestone_id", "source_report_id", "quote")),
        sorted(ChainLeader.objects.values_list("chain_id", "company_id")),
    )
    assert before[0] and before[1]
    assert MilestoneSource.objects.count() == Milestone.objects.count()
    assert all(source.quote in source.source_report.text for source in MilestoneSource.objects.all())
    import_reports()
    after = (
        sorted(MilestoneSource.objects.values_list("milestone_id", "source_report_id", "quote")),
        sorted(ChainLeader.objects.values_list("chain_id", "company_id")),
    )
    assert after == before


def test_a_planned_milestone_sets_the_planned_date_and_keeps_a_reported_one(report_data):
    planned_only = Milestone.objects.get(project__name="苏店幼儿园", kind="started")
    assert planned_only.actual_date is None and not planned_only.is_reached
    assert planned_only.planned_date_label == "2025"
    # 004 (2024) plans 日盛达's start of production for May; 000 (2025) reports it reached in September.
    both = Milestone.objects.select_related("source__source_report").get(
        project__name="日盛达光伏玻璃二期", kind="in_production"
    )
    assert (both.planned_date_label, both.actual_date_label) == ("2024-05", "2025-09")
    assert both.source.source_report.file_name.startswith("000_") and "稳定投产" in both.source.quote


def test_a_milestone_cannot_be_both_reached_and_planned(tmp_path):
    folder = tmp_path / "curation"
    shutil.copytree(CURATION_DIR, folder)
    path = folder / "001.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{kind: started, planned: 2025,", "{kind: started, planned: 2025, date: 2025,"))
    with pytest.raises(CommandError, match="either reached"):
        call_command("import_reports", directory=str(folder), verbosity=0)
    assert not Milestone.objects.exists()
