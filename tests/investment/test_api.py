"""The roll-up endpoints: filters, sources side by side, rates, pipeline, signals, rankings, bounded queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from investment.models import AnnualPlan, CampaignYear, Rollup
from investment.rollups.rankings import ranking_publish
from investment.rollups.run import rollup_year

from .builders import d, project, report


@pytest.fixture
def rolled_up(report_data):
    year = CampaignYear.objects.get(year=2025)
    rollup_year(campaign_year=year, as_of=d("2025-12-31"))
    return year


@pytest.mark.django_db
def test_rollups_filter_by_year_scope_indicator_and_date_with_sources_side_by_side(world):
    from .builders import reported_actual

    reported_actual(world["district"], world["year"], "project_investment", "10.5", 105000, 100000)
    report(project(world["district"]), d("2025-03-01"), 300)
    rollup_year(campaign_year=world["year"], as_of=d("2025-12-31"))
    response = APIClient().get(
        "/api/v1/rollups/",
        {"year": 2025, "region": world["district"].pk, "indicator": "project_investment", "as_of": "2025-12-31"},
    )
    assert response.status_code == 200
    rows = {row["source"]: row for row in response.json()["results"]}
    assert set(rows) == {"progress", "report"}
    assert rows["report"]["figure"]["value_printed"] == "10.5"
    assert Decimal(rows["report"]["actual"]) == Decimal(rows["report"]["figure"]["value"]) == 105000
    assert Decimal(rows["progress"]["actual"]) == 300
    assert rows["progress"]["target"] == rows["report"]["target"]
    assert {r["region"]["name"] for r in rows.values()} == {world["district"].name}
    only_report = APIClient().get("/api/v1/rollups/", {"source": "report", "year": 2025}).json()
    assert only_report["count"] == Rollup.objects.filter(source="report").count()
    assert {r["source"] for r in only_report["results"]} == {"report"}


@pytest.mark.django_db
def test_bad_filter_values_answer_400_with_the_field(rolled_up):
    response = APIClient().get("/api/v1/rollups/", {"as_of": "yesterday", "source": "guess"})
    assert response.status_code == 400
    body = str(response.json())
    assert "as_of" in body and "source" in body


@pytest.mark.django_db
def test_rollup_list_queries_do_not_grow_with_page_size(rolled_up):
    client = APIClient()
    client.get("/api/v1/rollups/?page_size=1")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert Rollup.objects.count() > 50
    assert count("/api/v1/rollups/?page_size=1") == count("/api/v1/rollups/?page_size=50")
    assert count("/api/v1/pipeline/?page_size=1") == count("/api/v1/pipeline/?page_size=50")
    assert count("/api/v1/signals/?page_size=1") == count("/api/v1/signals/?page_size=50")


@pytest.mark.django_db
def test_rollups_export_as_csv(rolled_up):
    response = APIClient().get("/api/v1/rollups/", {"format": "csv", "source": "report"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("年度,截至日期,范围,指标")
    assert len(text.splitlines()) == 1 + Rollup.objects.filter(source="report").count()


@pytest.mark.django_db
def test_signals_pipeline_rankings_and_the_comparison(world):
    hidden = project(world["district"], is_public=False)
    shown = project(world["other"])
    for p in (hidden, shown):
        AnnualPlan.objects.create(project=p, campaign_year=world["year"], planned_investment=100)
    report(shown, d("2025-01-01"), 5)
    ranking = ranking_publish(campaign_year=world["year"], period=d("2025-01-01"), scope_kind="region")
    client = APIClient()
    signals = client.get("/api/v1/signals/", {"year": 2025}).json()["results"]
    assert [s["project"]["id"] for s in signals] == [shown.pk]  # unpublished projects stay hidden
    assert signals[0]["signal"] == "green" and signals[0]["reason"]
    first = signals[0]
    assert Decimal(first["gap_points"]) == Decimal(first["completion_rate"]) - Decimal(first["elapsed_rate"])
    assert client.get("/api/v1/signals/", {"year": 2025, "signal": "red"}).json()["results"] == []
    green = client.get("/api/v1/signals/", {"year": 2025, "signal": "green", "ordering": "gap_points"}).json()
    assert green["count"] == 1
    pools = client.get("/api/v1/pipeline/", {"region": world["city"].pk}).json()["results"]
    assert {p["pool"]: p["project_count"] for p in pools} == {
        "": 2,
        "planning": 0,
        "reserve": 0,
        "construction": 0,
        "operating": 0,
    }
    detail = client.get(f"/api/v1/rankings/{ranking.pk}/").json()
    # Only peers are ranked together: the city alone, its two districts against each other.
    ranks = {e["region"]["name"]: (e["peer_group"], e["rank"]) for e in detail["entries"]}
    assert detail["frozen_at"] and ranks == {
        "测试市": ("各市", 1),
        "邻区": ("测试市所辖区县", 1),
        "测试区": ("测试市所辖区县", 2),
    }
    report(hidden, d("2025-02-01"), 90)
    rollup_year(campaign_year=world["year"], as_of=d("2025-02-28"))
    compared = client.get(f"/api/v1/rankings/{ranking.pk}/compare/").json()
    first = {row["peer_group"]: row["name"] for row in compared["frozen"] if row["rank"] == 1}
    assert first == {"各市": world["city"].name, "测试市所辖区县": world["other"].name}
    first = {row["peer_group"]: row["name"] for row in compared["current"] if row["rank"] == 1}
    assert first == {"各市": world["city"].name, "测试市所辖区县": world["district"].name}
    assert client.get("/api/v1/batch-rates/").status_code == 200


def test_every_roll_up_list_filters_by_year(world):
    from projects.models import Batch

    from .builders import milestone

    batch = Batch.objects.create(name="第一批", held_on=d("2025-01-10"), region=world["district"])
    milestone(project(world["district"]), "signed", d("2025-01-10"), batch=batch)
    rollup_year(campaign_year=world["year"], as_of=d("2025-12-31"))
    client = APIClient()
    for endpoint in ("rollups", "pipeline", "signals", "batch-rates"):
        url = f"/api/v1/{endpoint}/"
        assert client.get(url, {"year": 2025}).json()["count"] > 0, endpoint
        assert client.get(url, {"year": 2024}).json()["count"] == 0, endpoint
        assert client.get(url, {"year": "abc"}).status_code == 400, endpoint
