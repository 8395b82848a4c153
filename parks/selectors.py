"""Reads of regions, parks (with their tree) and industry chains; every list has a fixed number of queries."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum

from shangdang_portal.filtering import apply_filterset

from .filtersets import IndustryChainFilterSet, ParkFilterSet, RegionFilterSet
from .models import IndustryChain, Park, Region


def region_list(*, user=None, filters: dict | None = None) -> QuerySet[Region]:
    return apply_filterset(
        RegionFilterSet, filters, Region.objects.select_related("parent").order_by("level", "name", "pk")
    )


def park_list(*, user=None, filters: dict | None = None) -> QuerySet[Park]:
    queryset = (
        Park.objects.select_related("region", "parent")
        .prefetch_related(Prefetch("children", queryset=Park.objects.order_by("kind", "name", "pk")))
        .annotate(project_count=Count("projects", distinct=True))
        .order_by("kind", "name", "pk")
    )
    return apply_filterset(ParkFilterSet, filters, queryset)


def park_tree() -> list[dict]:
    """The whole park tree as nested dicts (zones at the top), built from one query."""
    parks = list(Park.objects.order_by("kind", "name", "pk").values("id", "name", "kind", "level", "parent_id"))
    nodes = {p["id"]: {**p, "children": []} for p in parks}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.pop("parent_id"))
        (parent["children"] if parent else roots).append(node)
    return roots


def industry_chain_list(*, user=None, filters: dict | None = None) -> QuerySet[IndustryChain]:
    queryset = IndustryChain.objects.select_related("region").order_by("name", "pk")
    return apply_filterset(IndustryChainFilterSet, filters, queryset)


@dataclass
class ParkNode:
    park: Park
    own_count: int = 0
    own_investment: Decimal = Decimal(0)
    children: list["ParkNode"] = field(default_factory=list)
    count: int = 0
    investment: Decimal = Decimal(0)
    depth: int = 0


def park_tree_totals(*, projects) -> list[ParkNode]:
    """Zones → parks → clusters with totals over each subtree, in two queries whatever the size.

    Projects are summed per park in SQL; the subtree totals add those sums up the (at most three
    levels deep) tree in Python.
    """
    parks = list(Park.objects.select_related("region").order_by("name"))
    sums = {
        row["park_id"]: row
        for row in projects.filter(park__isnull=False)
        .values("park_id")
        .annotate(count=Count("id"), investment=Sum("total_investment"))
        .order_by()
    }
    nodes = {
        p.pk: ParkNode(
            park=p,
            own_count=sums.get(p.pk, {}).get("count", 0),
            own_investment=sums.get(p.pk, {}).get("investment") or Decimal(0),
        )
        for p in parks
    }
    roots = []
    for park in parks:
        node = nodes[park.pk]
        if park.parent_id in nodes:
            nodes[park.parent_id].children.append(node)
        else:
            roots.append(node)

    def total(node: ParkNode, depth: int) -> None:
        node.depth = depth
        node.count, node.investment = node.own_count, node.own_investment
        for child in node.children:
            total(child, depth + 1)
            node.count += child.count
            node.investment += child.investment

    for root in roots:
        total(root, 0)
    # Biggest first: officials look for where the money is.
    roots.sort(key=lambda n: (-n.investment, -n.count, n.park.name))
    return roots


def park_rows(roots: list[ParkNode]) -> list[ParkNode]:
    """The tree flattened depth-first, for a table with indentation."""
    rows: list[ParkNode] = []

    def walk(node: ParkNode) -> None:
        rows.append(node)
        for child in sorted(node.children, key=lambda n: (n.park.kind, -n.investment, n.park.name)):
            walk(child)

    for root in roots:
        walk(root)
    return rows
