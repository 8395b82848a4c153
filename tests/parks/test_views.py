"""The park tree page."""

import pytest
from django.urls import reverse

from parks.models import Park
from parks.selectors import park_subtree_ids
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_park_tree_sums_each_subtree(client, report_data):
    zone = Park.objects.get(name="上党经济技术开发区")
    ids = park_subtree_ids(zone)
    expected = Project.objects.filter(park_id__in=ids).count()
    rows = client.get(reverse("projects:park-tree")).context["rows"]
    node = next(r for r in rows if r.park == zone)
    assert node.count == expected
    child_total = sum(c.count for c in node.children) + node.own_count
    assert node.count == child_total
