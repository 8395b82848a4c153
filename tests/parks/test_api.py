"""The parks API: the park tree and a park with its parent and children."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_park_tree_nests_clusters_under_parks_under_zones(places, api_client_as):
    tree = api_client_as("anonymous").get(reverse("api:park-tree")).json()
    assert [z["name"] for z in tree] == [places["zone"].name]
    assert tree[0]["children"][0]["name"] == places["sub_park"].name
    assert tree[0]["children"][0]["children"][0]["name"] == places["cluster"].name
    detail = api_client_as("anonymous").get(reverse("api:park-detail", args=[places["sub_park"].pk])).json()
    assert detail["parent"]["id"] == places["zone"].pk
    assert [c["id"] for c in detail["children"]] == [places["cluster"].pk]
