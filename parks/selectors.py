"""Reads of regions, parks (with their tree) and industry chains; every list has a fixed number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from shangdang_portal.filtering import apply_filterset

from .filtersets import IndustryChainFilterSet, ParkFilterSet, RegionFilterSet
from .models import IndustryChain, Park, Region

# The tree's own order of kinds (the choices' values sort "cluster" before "sub_park"): a zone lists its
# parks before any cluster placed straight under it.
KIND_ORDER = {kind: index for index, kind in enumerate(Park.Kind.values)}


def children_by_parent(pairs: Iterable[tuple[int, int | None]]) -> dict[int | None, list[int]]:
    """Each node's children in the order given, every node keyed (leaves with []); roots under None.

    The one way a tree of regions or parks is linked up in memory: the park pages and the roll-up's
    ScopeTree build on it.
    """
    pairs = list(pairs)
    children: dict[int | None, list[int]] = {node: [] for node, _ in pairs}
    children.setdefault(None, [])
    for node, parent in pairs:
        children.setdefault(parent, []).append(node)
    return children


def subtree_ids(children: dict[int | None, list[int]], node: int) -> list[int]:
    """The node and every node below it, from a `children_by_parent` map (no queries)."""
    out, frontier = [node], [node]
    while frontier:
        frontier = [c for n in frontier for c in children.get(n, [])]
        out.extend(frontier)
    return out


def park_subtree_ids(park: Park | int) -> list[int]:
    """A park and every park below it, in one query."""
    pk = park.pk if isinstance(park, Park) else park
    # Three levels at most (zone > park > cluster): Park.ALLOWED_PARENTS and the database trigger
    # (parks/migrations/0003_park_tree_trigger.py) let a park sit only under a zone and a cluster only
    # under a zone or a park, so grandchildren are the deepest nodes and no recursive query is needed.
    return list(
        Park.objects.filter(Q(pk=pk) | Q(parent_id=pk) | Q(parent__parent_id=pk))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


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
    parks = sorted(
        Park.objects.order_by("name", "pk").values("id", "name", "kind", "level", "parent_id"),
        key=lambda p: KIND_ORDER[p["kind"]],
    )
    children = children_by_parent((p["id"], p.pop("parent_id")) for p in parks)
    nodes = {p["id"]: p for p in parks}
    for pk, node in nodes.items():
        node["children"] = [nodes[c] for c in children[pk]]
    return [nodes[c] for c in children[None]]


def industry_chain_list(*, user=None, filters: dict | None = None) -> QuerySet[IndustryChain]:
    queryset = IndustryChain.objects.select_related("region").order_by("name", "pk")
    return apply_filterset(IndustryChainFilterSet, filters, queryset)


@dataclass
class ParkNode:
    park: Park
    own_count: int = 0
    # None when no project below has a known total investment: unknown, which is not 0 万元.
    own_investment: Decimal | None = None
    children: list["ParkNode"] = field(default_factory=list)
    count: int = 0
    investment: Decimal | None = None
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
            own_investment=sums.get(p.pk, {}).get("investment"),
        )
        for p in parks
    }
    children = children_by_parent((p.pk, p.parent_id) for p in parks)
    for pk, node in nodes.items():
        node.children = [nodes[c] for c in children[pk]]
    roots = [nodes[c] for c in children[None]]

    def total(node: ParkNode, depth: int) -> None:
        node.depth = depth
        node.count, node.investment = node.own_count, node.own_investment
        for child in node.children:
            total(child, depth + 1)
            node.count += child.count
            if child.investment is not None:
                node.investment = (node.investment or Decimal(0)) + child.investment

    for root in roots:
        total(root, 0)
    # Biggest first: officials look for where the money is.
    roots.sort(key=lambda n: (-(n.investment or 0), -n.count, n.park.name))
    return roots


def park_rows(roots: list[ParkNode]) -> list[ParkNode]:
    """The tree flattened depth-first, for a table with indentation."""
    rows: list[ParkNode] = []

    def walk(node: ParkNode) -> None:
        rows.append(node)
        for child in sorted(node.children, key=lambda n: (KIND_ORDER[n.park.kind], -(n.investment or 0), n.park.name)):
            walk(child)

    for root in roots:
        walk(root)
    return rows
