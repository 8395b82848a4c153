"""The scope trees (region > districts, zone > sub-parks > clusters) and the calendar of a campaign year."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from parks.models import Park, Region
from projects.models import Project

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


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
        self.children: dict[str, dict[int, list[int]]] = {}
        for kind, parents in self.parents.items():
            children: dict[int, list[int]] = {node: [] for node in parents}
            for node, parent in parents.items():
                if parent is not None:
                    children[parent].append(node)
            self.children[kind] = children

    def scope(self, kind: str, node: int) -> Scope:
        out, frontier = [node], [node]
        while frontier:
            frontier = [c for n in frontier for c in self.children[kind].get(n, [])]
            out.extend(frontier)
        return Scope(kind, node, tuple(sorted(out)))

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


def year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_as_of(year: int, today: dt.date | None = None) -> dt.date:
    """Today within the current year; the last day of a past year."""
    today = today or timezone.localdate()
    return today if year >= today.year else dt.date(year, 12, 31)


def elapsed_rate(as_of: dt.date) -> Decimal:
    """序时进度: the share of the year's months reached, counting the as-of month (reports are monthly)."""
    return (Decimal(as_of.month) * HUNDRED / 12).quantize(CENT)


def percent(part: Decimal | int | None, whole: Decimal | int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT)
