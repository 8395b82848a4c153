"""Services: target_change and annual_plan_set validate, save, and roll up on commit; rankings freeze."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from investment.campaigns.services import annual_plan_set, target_change
from investment.models import AnnualPlan, Indicator, Ranking, Rollup, Target
from investment.rollups.rankings import ranking_publish
from investment.rollups.run import rollup_year

from .builders import d, project, report


@pytest.fixture
def target(world):
    indicator = Indicator.objects.get(code="project_investment")
    return Target.objects.create(
        campaign_year=world["year"], indicator=indicator, region=world["district"], value=1000, unit="万元"
    )


@pytest.mark.django_db
def test_target_change_rejects_a_negative_amount_and_saves_nothing(target, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError) as error:
        target_change(target=target, value=Decimal("-5"))
    assert error.value.message_dict == {"value": ["金额不能为负数。"]}
    target.refresh_from_db()
    assert target.value == 1000
    assert callbacks == []


@pytest.mark.django_db
def test_target_change_rolls_the_scope_up_again_on_commit(
    world, target, eager_tasks, django_capture_on_commit_callbacks
):
    report(project(world["district"]), d("2025-01-01"), 250)
    rollup_year(campaign_year=world["year"], as_of=d("2025-12-31"))
    assert Rollup.objects.get(region=world["district"], source="progress").completion_rate == Decimal("25.00")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        target_change(target=target, value=Decimal(500))
    assert len(callbacks) == 1
    assert Rollup.objects.get(region=world["district"], source="progress").completion_rate == Decimal("50.00")


@pytest.mark.django_db
def test_annual_plan_set_validates_and_updates_in_place(world, eager_tasks, django_capture_on_commit_callbacks):
    p = project(world["district"])
    with pytest.raises(ValidationError) as error:
        annual_plan_set(project=p, campaign_year=world["year"], planned_investment=Decimal("-1"))
    assert "planned_investment" in error.value.message_dict
    assert not AnnualPlan.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        annual_plan_set(project=p, campaign_year=world["year"], planned_investment=Decimal(100))
        annual_plan_set(project=p, campaign_year=world["year"], planned_investment=Decimal(300))
    assert AnnualPlan.objects.get().planned_investment == 300


@pytest.mark.django_db
def test_a_published_ranking_is_frozen_while_the_current_one_moves(world):
    from investment.rollups.selectors import ranking_compare

    a, b, c = project(world["district"]), project(world["other"]), project(world["district"])
    for p, plan in ((a, 100), (b, 100), (c, 100)):
        AnnualPlan.objects.create(project=p, campaign_year=world["year"], planned_investment=plan)
    report(a, d("2025-01-01"), 30)
    report(b, d("2025-01-01"), 10)
    ranking = ranking_publish(campaign_year=world["year"], period=d("2025-01-15"), scope_kind="region")
    assert ranking.frozen_at is not None and ranking.as_of == d("2025-01-31")
    frozen = [(e.region_id, e.rank, e.completion_rate) for e in ranking.entries.order_by("region_id")]
    # 测试区 30/200 = 15 %, 邻区 10/100 = 10 %: the districts against each other; 测试市 40/300 = 13.33 %
    # is ranked among cities only, never beside its own districts.
    assert frozen == sorted(
        [
            (world["city"].pk, 1, Decimal("13.33")),
            (world["district"].pk, 1, Decimal("15.00")),
            (world["other"].pk, 2, Decimal("10.00")),
        ]
    )
    report(b, d("2025-02-01"), 80)
    rollup_year(campaign_year=world["year"], as_of=d("2025-02-28"))
    again = ranking_publish(campaign_year=world["year"], period=d("2025-01-01"), scope_kind="region")
    assert again.pk == ranking.pk and again.frozen_at == ranking.frozen_at
    assert [(e.region_id, e.rank, e.completion_rate) for e in again.entries.order_by("region_id")] == frozen
    compared = ranking_compare(ranking=ranking)
    assert compared["current_as_of"] == d("2025-02-28")
    districts = [e["region"] for e in compared["current"] if e["region"] != world["city"].pk]
    assert districts[0] == world["other"].pk  # 90 %: now first among the districts
    assert Ranking.objects.count() == 1


@pytest.mark.django_db
def test_equal_completion_shares_a_rank(world):
    for region in ("district", "other"):
        p = project(world[region])
        AnnualPlan.objects.create(project=p, campaign_year=world["year"], planned_investment=100)
        report(p, d("2025-01-01"), 20)
    ranking = ranking_publish(campaign_year=world["year"], period=d("2025-01-01"), scope_kind="region")
    assert [e.rank for e in ranking.entries.all()] == [1, 1, 1]
