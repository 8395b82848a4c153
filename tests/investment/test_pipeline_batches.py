"""三个一批 rates per batch and the 四库 pipeline per scope."""

from decimal import Decimal

import pytest

from investment.models import BatchRate, Figure, PipelinePool
from investment.rollups.pipeline import pipeline_flows
from investment.rollups.run import rollup_year
from investment.rollups.scopes import ScopeTree
from projects.models import Batch, PoolMove

from .builders import d, milestone, project


@pytest.mark.django_db
def test_batch_rates_count_the_batchs_projects_that_reached_the_next_milestone(world):
    batch = Batch.objects.create(name="第一批", held_on=d("2025-01-10"), region=world["district"])
    signed = [project(world["district"]) for _ in range(4)]
    for p in signed:
        milestone(p, "signed", d("2025-01-10"), batch=batch)
    milestone(signed[0], "started", d("2025-02-01"))
    milestone(signed[1], "started", d("2025-03-01"))
    milestone(signed[2], "started", d("2025-06-01"))  # after the as-of date
    milestone(signed[0], "in_production", d("2025-03-15"), batch=batch)
    rollup_year(campaign_year=world["year"], as_of=d("2025-04-30"))
    rate = BatchRate.objects.get(batch=batch, kind="signed_to_started_rate")
    assert (rate.numerator, rate.denominator, rate.rate) == (2, 4, Decimal("50.00"))
    assert rate.numerator_project_ids == sorted([signed[0].pk, signed[1].pk])
    assert rate.denominator_project_ids == sorted(p.pk for p in signed)
    assert "started" in rate.formula and "signed" in rate.formula
    capacity = BatchRate.objects.get(batch=batch, kind="production_to_capacity_rate")
    assert (capacity.numerator, capacity.denominator, capacity.rate) == (0, 1, Decimal("0.00"))
    empty = BatchRate.objects.get(batch=batch, kind="started_to_production_rate")
    assert (empty.denominator, empty.rate) == (0, None)


@pytest.mark.django_db
def test_the_rate_a_report_printed_sits_beside_the_computed_one(report_data):
    from investment.models import CampaignYear
    from parks.models import Region

    city = Region.objects.get(name="长治市")
    batch = Batch.objects.create(name="开发区第五批", held_on=d("2024-03-01"), region=city)
    p = project(city)
    milestone(p, "signed", d("2024-03-01"), batch=batch)
    rollup_year(campaign_year=CampaignYear.objects.get(year=2025), as_of=d("2025-12-31"))
    rate = BatchRate.objects.get(batch=batch, kind="signed_to_started_rate")
    printed = Figure.objects.filter(indicator__code="signed_to_started_rate", region=city).order_by("-period_end")[0]
    assert rate.reported_figure == printed
    assert rate.rate == Decimal("0.00") and printed.value > 0


@pytest.mark.django_db
def test_pipeline_counts_and_sums_each_pool_at_the_as_of_date(world):
    a = project(world["district"], pool="construction", total_investment=Decimal("1000.50"))
    b = project(world["district"], pool="construction", total_investment=200)
    c = project(world["other"], pool="reserve", total_investment=300)
    PoolMove.objects.create(project=a, from_pool="reserve", to_pool="construction", moved_on=d("2025-03-10"))
    PoolMove.objects.create(project=b, from_pool="planning", to_pool="reserve", moved_on=d("2025-01-05"))
    PoolMove.objects.create(project=b, from_pool="reserve", to_pool="construction", moved_on=d("2025-05-05"))
    rollup_year(campaign_year=world["year"], as_of=d("2025-04-30"))

    def pool(scope, name):
        field = "region" if scope.__class__.__name__ == "Region" else "park"
        return PipelinePool.objects.get(**{field: scope}, pool=name, as_of=d("2025-04-30"))

    # On 04-30, a had moved into construction; b was still in reserve (it moved on 05-05).
    assert (
        pool(world["district"], "construction").project_count,
        pool(world["district"], "reserve").project_count,
    ) == (1, 1)
    assert pool(world["district"], "construction").total_investment == Decimal("1000.50")
    assert pool(world["city"], "reserve").project_count == 2
    assert pool(world["city"], "reserve").total_investment == 500
    assert (pool(world["city"], "reserve").moved_in, pool(world["city"], "reserve").moved_out) == (1, 1)
    assert pool(world["city"], "planning").moved_out == 1
    assert c.pool == "reserve"
    flows = pipeline_flows(
        scope=ScopeTree().scope("region", world["city"].pk), start=d("2025-01-01"), end=d("2025-12-31")
    )
    assert {(f["from_pool"], f["to_pool"]): f["moves"] for f in flows} == {
        ("planning", "reserve"): 1,
        ("reserve", "construction"): 2,
    }
