"""Roll-up endpoints hide what a caller may not see: ids of unpublished projects, their signals."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from investment.rollups.run import rollup_year
from projects.models import Batch
from shangdang_portal import roles

from .builders import d, milestone, project


def api_as(*group_names, assigned=()):
    client = APIClient()
    if group_names:
        user = get_user_model().objects.create_user(username="-".join(group_names) + str(len(assigned)), password="x")
        for name in group_names:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        user.assigned_projects.add(*assigned)
        client.force_authenticate(user)
    return client


@pytest.fixture
def rolled_up(world):
    batch = Batch.objects.create(name="第一批", held_on=d("2025-01-10"), region=world["district"])
    public = project(world["district"], pool="construction")
    private = project(world["district"], pool="construction", is_public=False)
    for p in (public, private):
        milestone(p, "signed", d("2025-01-10"), batch=batch)
        milestone(p, "started", d("2025-02-01"))
    rollup_year(campaign_year=world["year"], as_of=d("2025-04-30"))
    return {"public": public, "private": private}


def started_rate(client) -> dict:
    rates = client.get("/api/v1/batch-rates/").json()["results"]
    return next(r for r in rates if r["kind"] == "signed_to_started_rate")


@pytest.mark.django_db
def test_batch_rates_show_unpublished_project_ids_only_to_those_who_may_see_them(rolled_up):
    public, private = rolled_up["public"].pk, rolled_up["private"].pk
    for client in (api_as(), api_as(roles.STAFF)):
        rate = started_rate(client)
        # The counts stay the totals; only the ids of projects the caller may not see are left out.
        assert (rate["numerator"], rate["denominator"]) == (2, 2)
        assert rate["numerator_project_ids"] == [public] and rate["denominator_project_ids"] == [public]
    for client in (api_as(roles.OFFICIAL), api_as(roles.STAFF, assigned=[rolled_up["private"]])):
        assert sorted(started_rate(client)["denominator_project_ids"]) == sorted([public, private])


@pytest.mark.django_db
def test_signals_of_an_unpublished_project_reach_its_assigned_staff(rolled_up):
    private = rolled_up["private"]

    def signalled(client) -> set[int]:
        return {s["project"]["id"] for s in client.get("/api/v1/signals/", {"page_size": 100}).json()["results"]}

    assert private.pk not in signalled(api_as())
    assert private.pk not in signalled(api_as(roles.STAFF))
    assert private.pk in signalled(api_as(roles.STAFF, assigned=[private]))
    assert private.pk in signalled(api_as(roles.OFFICIAL))


@pytest.mark.django_db
def test_schema_says_pipeline_counts_are_totals(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    description = schema["paths"]["/api/v1/pipeline/"]["get"]["description"]
    assert "未公开项目" in description
