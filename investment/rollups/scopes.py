"""The scope trees (region > districts, zone > sub-parks > clusters) that roll-ups are computed over."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from parks.models import Park, Region
from parks.selectors import children_by_parent, subtree_ids
from projects.models import Project
from shangdang_portal.calendar import CENT, HUNDRED


@dataclass(frozen=True)
class Scope:
    kind: str  # "region" or "park"
    id: int
    subtree: tuple[int, ...]  # this node and every node below it

    @property
    def key(self) -> dict:
        return {
            "scope_kind": self.kind,
            "region_id": self.id if self.kind == "region" else None,
            "park_id": self.id if self.kind == "park" else None,
        }

    def projects_q(self, prefix: str = "") -> Q:
        """Projects of this scope: its own and those of every descendant (a city includes its districts)."""
        field = "region_id" if self.kind == "region" else "park_id"
        return Q(**{f"{prefix}{field}__in": self.subtree})


class ScopeTree:
    """Both trees in memory: they hold tens of nodes, so walking them costs no queries."""

    def __init__(self):
        self.parents = {
            "region": dict(Region.objects.values_list("id", "parent_id")),
            "park": dict(Park.objects.values_list("id", "parent_id")),
        }
        self.children = {kind: children_by_parent(parents.items()) for kind, parents in self.parents.items()}

    def scope(self, kind: str, node: int) -> Scope:
        return Scope(kind, node, tuple(sorted(subtree_ids(self.children[kind], node))))

    def chain(self, kind: str, node: int | None) -> list[int]:
        """The node and its ancestors up to the root: the scopes one project's numbers move."""
        out = []
        while node is not None:
            out.append(node)
            node = self.parents[kind].get(node)
        return out

    def all_scopes(self) -> list[Scope]:
        return [self.scope(kind, node) for kind in ("region", "park") for node in sorted(self.parents[kind])]

    def scopes_with_projects(self) -> list[Scope]:
        """Every scope that has a project in its subtree (the others would only hold zeros)."""
        # order_by(): the default ordering by name would make DISTINCT return every project.
        projects = Project.objects.order_by()
        regions = set(projects.values_list("region_id", flat=True).distinct())
        parks = set(projects.exclude(park_id=None).values_list("park_id", flat=True).distinct())
        used = {
            "region": {a for r in regions for a in self.chain("region", r)},
            "park": {a for p in parks for a in self.chain("park", p)},
        }
        return [self.scope(kind, node) for kind in ("region", "park") for node in sorted(used[kind])]


def percent(part: Decimal | int | None, whole: Decimal | int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT)
