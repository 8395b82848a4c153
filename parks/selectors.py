"""Reads of regions, parks (with their tree) and industry chains; every list has a fixed number of queries."""

from django.db.models import Count, Prefetch, QuerySet

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
    queryset = IndustryChain.objects.select_related("region", "chain_leader").order_by("name", "pk")
    return apply_filterset(IndustryChainFilterSet, filters, queryset)
