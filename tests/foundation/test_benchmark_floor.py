"""The benchmark's floor mode compares the portal's JSON with its hand-written SQL floor: the comparison must
report every difference that would make the timings compare different answers, and none when they agree."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "benchmark.py"


@pytest.fixture(scope="module")
def benchmark():
    spec = importlib.util.spec_from_file_location("benchmark_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PAGE = {
    "count": 2,
    "next": None,
    "previous": None,
    "results": [
        {"id": 1, "total_investment": "150000.00", "milestones": [{"kind": "started"}], "latest_progress": None},
        {"id": 2, "total_investment": None, "milestones": [], "latest_progress": {"period": "2026-03-01"}},
    ],
}


def test_equal_documents_have_no_differences(benchmark):
    assert benchmark.json_differences(PAGE, {**PAGE, "results": [dict(r) for r in PAGE["results"]]}) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["results"][0].update(total_investment="150000.0"), "$.results[0].total_investment"),
        (lambda d: d["results"][1].pop("latest_progress"), "$.results[1].latest_progress: only in portal"),
        (lambda d: d["results"][0]["milestones"].append({"kind": "finished"}), "1 items != 2 items"),
        (lambda d: d.update(count="2"), "$.count: 2 != '2'"),
        (lambda d: d["results"].reverse(), "$.results[0].id: 1 != 2"),
    ],
)
def test_each_difference_is_named_by_its_path(benchmark, change, expected):
    import copy

    floor = copy.deepcopy(PAGE)
    change(floor)
    differences = benchmark.json_differences(PAGE, floor)
    assert any(expected in line for line in differences), differences


def test_a_number_and_its_string_differ(benchmark):
    # DRF writes money as a decimal string; a floor returning a JSON number would not be the same answer.
    assert benchmark.json_differences({"v": "1.00"}, {"v": 1.0}) == ["$.v: '1.00' != 1.0"]
    assert benchmark.json_differences({"v": True}, {"v": 1}) == ["$.v: True != 1"]


def test_the_list_of_differences_is_bounded(benchmark):
    assert len(benchmark.json_differences(list(range(100)), list(range(1, 101)), limit=5)) == 5
