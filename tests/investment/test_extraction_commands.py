"""manage.py extract_figures and extraction_eval, through call_command as an operator runs them."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from investment.sources.curation import CURATION_DIR
from investment.sources.extraction.evaluation import evaluate, overall
from parks.models import Region
from projects.models import Project

TEXT = "2025年，上党区完成固定资产投资 85.6 亿元，同比增长 12.3%。华南物贸城总投资 19.96 亿元，2025年6月开工。\n"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def report_file(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture
def names(db):
    city = Region.objects.create(name="长治市", level="city")
    region = Region.objects.create(name="上党区", level="district", parent=city)
    project = Project.objects.create(name="华南五金机电智慧物贸城", aliases=["华南物贸城"], region=region)
    return region, project


def test_json_lines_are_the_stable_contract(report_file, names):
    region, project = names
    out, _ = run("extract_figures", str(report_file), "--json", "--published", "2025-11-01")
    rows = [json.loads(line) for line in out.splitlines()]
    keys = {"value", "unit", "quote", "offset", "kind", "period", "scope", "indicator", "confidence"}
    assert rows and all(keys <= row.keys() for row in rows)
    for row in rows:
        assert isinstance(row["value"], str)
        assert TEXT[row["offset"] : row["offset"] + len(row["quote"])] == row["quote"]
    by_value = {row["value"]: row for row in rows}
    investment = by_value["856000.0"]
    assert investment["unit"] == "万元" and investment["indicator"] == "fixed_asset_investment"
    assert investment["scope"] == {"kind": "region", "name": "上党区", "id": region.pk}
    assert investment["period"] == "2025年" and investment["kind"] == "actual"
    total = by_value["199600.00"]
    assert total["scope"] == {"kind": "project", "name": "华南五金机电智慧物贸城", "id": project.pk}
    assert total["kind"] == "attribute" and total["indicator"] == "total_investment"
    assert by_value["20250601"]["kind"] == "milestone"


def test_scope_is_null_when_no_name_is_known(report_file, db):
    out, _ = run("extract_figures", str(report_file), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["scope"] is None


def test_plain_output_lists_each_candidate_with_its_quote(report_file, names):
    out, err = run("extract_figures", str(report_file))
    assert "85.6亿元 = 856000.0 万元" in out and "「上党区完成固定资产投资 85.6 亿元」" in out
    assert "candidates" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("上党区投资".encode("gbk"), "not UTF-8"),
    ],
)
def test_bad_files_give_a_clear_error(tmp_path, db, content, message):
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run("extract_figures", str(path))


def test_a_folder_or_a_bad_date_is_refused(tmp_path, report_file, db):
    with pytest.raises(CommandError, match="folder"):
        run("extract_figures", str(tmp_path))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("extract_figures", str(report_file), "--published", "2025/11/01")


def test_the_eval_meets_its_targets_on_the_curated_reports(db):
    scores = evaluate()
    recall, precision = overall(scores)
    assert recall >= 0.95 and precision >= 0.90
    assert all(s.recall >= 0.85 and s.precision >= 0.85 for s in scores)
    out, _ = run("extraction_eval")
    assert out.splitlines()[0].split() == [
        "report",
        "curated",
        "found",
        "candidates",
        "matching",
        "recall",
        "precision",
    ]
    for s in scores:
        row = next(line for line in out.splitlines() if line.startswith(s.file)).split()
        assert row[1:] == [
            str(len(s.truths)),
            str(s.found),
            str(len(s.candidates)),
            str(s.matching),
            f"{s.recall:.1%}",
            f"{s.precision:.1%}",
        ]
    overall_row = next(line for line in out.splitlines() if line.startswith("overall")).split()
    assert overall_row[-2:] == [f"{recall:.1%}", f"{precision:.1%}"]
    assert f"missed: {sum(len(s.missed) for s in scores)}" in out and "unmatched candidates" not in out


@pytest.fixture
def one_file_curation(tmp_path):
    """A curation folder of one file: report 000 with one figure the extractor finds and one it cannot
    (a year that is only a period), so the eval has a miss and an unmatched candidate to list."""
    folder = tmp_path / "curation"
    folder.mkdir()
    shutil.copy(CURATION_DIR / "indicators.yaml", folder / "indicators.yaml")
    figure = {
        "kind": "actual",
        "measure": "level",
        "indicator": None,
        "scope": {"region": "上党区"},
        "period": None,
        "comparator": None,
    }
    data = {
        "report": {"file": "000_2ef5d0b6bb22e35a.txt", "title": "综述", "published": "2025-11"},
        "regions": [{"name": "上党区", "level": "district", "parent": None}],
        "figures": [
            {**figure, "quote": "全民健身路径 294 个", "value": "294", "unit": "个", "subject": "全民健身路径"},
            {**figure, "quote": "2025 年以来，上党区项目建设", "value": "2025", "unit": "", "subject": "年份"},
        ],
    }
    (folder / "000.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def test_the_eval_lists_misses_and_with_v2_the_unmatched_candidates(one_file_curation, db):
    out, _ = run("extraction_eval", "--directory", str(one_file_curation))
    assert "000_2ef5d0b6bb22e35a.txt" in out
    assert "missed: 1" in out and "2025: 2025 年以来，上党区项目建设" in out
    assert "unmatched candidates" not in out
    verbose, _ = run("extraction_eval", "--directory", str(one_file_curation), "-v", "2")
    assert "unmatched candidates: " in verbose and "1077万平米" in verbose.replace(" ", "")
    overall_line = next(line for line in out.splitlines() if line.startswith("overall"))
    assert overall_line.split()[-2] == "50.0%"  # one of the two curated figures found


def test_the_eval_refuses_a_broken_curation_folder(tmp_path, db):
    with pytest.raises(CommandError, match="cannot be read"):
        run("extraction_eval", "--directory", str(Path(tmp_path) / "missing"))
