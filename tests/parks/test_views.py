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


def test_clusters_sit_under_their_park_and_the_zone_lists_its_parks_first(client, report_data):
    rows = client.get(reverse("projects:park-tree")).context["rows"]
    zone = next(r for r in rows if r.park.name == "上党经济技术开发区")
    assert [c.park.kind for c in zone.children] == ["sub_park"] * 3
    by_name = {r.park.name: r for r in rows}
    assert {c.park.name for c in by_name["先进装备制造园"].children} == {
        "光伏产业园",
        "新能源装备产业园",
        "智能制造产业园",
        "数字信创产业园",
    }
    assert [c.park.name for c in by_name["医药健康产业园"].children] == ["现代医药健康产业园"]
    assert [c.park.name for c in by_name["现代物流园"].children] == ["智慧物流产业园"]
    # Depth-first: each cluster follows its park, one level deeper.
    names = [r.park.name for r in rows]
    park_at = names.index("医药健康产业园")
    assert names[park_at + 1] == "现代医药健康产业园" and rows[park_at + 1].depth == rows[park_at].depth + 1


def test_a_park_without_known_investment_reads_unknown_not_zero(client, places):
    from tests.factories import ProjectFactory

    ProjectFactory(name="总投资不详项目", region=places["district"], park=places["cluster"], total_investment=None)
    response = client.get(reverse("projects:park-tree"))
    rows = {r.park.name: r for r in response.context["rows"]}
    assert rows["光伏产业园"].count == 1 and rows["光伏产业园"].investment is None
    assert rows["上党经济技术开发区"].investment is None
    html = response.content.decode()
    assert "0 万元" not in html
    ProjectFactory(name="总投资已知项目", region=places["district"], park=places["sub_park"], total_investment=500)
    rows = {r.park.name: r for r in client.get(reverse("projects:park-tree")).context["rows"]}
    assert rows["上党经济技术开发区"].investment == 500 and rows["光伏产业园"].investment is None
