"""A park's subtree: one definition, one query, whatever the park's level."""

import pytest

from investment.rollups.scopes import ScopeTree
from parks.models import Park, Region
from parks.selectors import park_subtree_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = Region.objects.create(name="长治市", level="city")
    district = Region.objects.create(name="上党区", level="district", parent=city)
    zone = Park.objects.create(name="开发区", kind="development_zone", region=district)
    parks = [Park.objects.create(name=f"园区{i}", kind="sub_park", parent=zone, region=district) for i in range(2)]
    clusters = [
        Park.objects.create(name="园中园甲", kind="cluster", parent=parks[0], region=district),
        Park.objects.create(name="园中园乙", kind="cluster", parent=parks[1], region=district),
        Park.objects.create(name="园中园丙", kind="cluster", parent=zone, region=district),
    ]
    other = Park.objects.create(name="另一开发区", kind="development_zone", region=district)
    Park.objects.create(name="另一园区", kind="sub_park", parent=other, region=district)
    return {"zone": zone, "parks": parks, "clusters": clusters}


def test_subtree_of_a_three_level_tree_costs_one_query(tree, django_assert_num_queries):
    zone, parks, clusters = tree["zone"], tree["parks"], tree["clusters"]
    with django_assert_num_queries(1):
        ids = park_subtree_ids(zone)
    assert ids == sorted(p.pk for p in [zone, *parks, *clusters])
    with django_assert_num_queries(1):
        assert park_subtree_ids(parks[0].pk) == sorted([parks[0].pk, clusters[0].pk])
    assert park_subtree_ids(clusters[2]) == [clusters[2].pk]


def test_the_rollup_scope_tree_agrees_with_the_helper(tree):
    scopes = ScopeTree()
    for park in Park.objects.all():
        assert list(scopes.scope("park", park.pk).subtree) == park_subtree_ids(park)
