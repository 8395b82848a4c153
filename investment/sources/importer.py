"""Builds the report data in the database from the report texts and the curation files.

One transaction: either everything the curation files say is loaded, or nothing is. Running it
again updates rows in place (natural keys: names, report file, figure quote + value + scope), so
ids stay stable for API clients and the result is the same as running it once.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from parks.models import IndustryChain, InnovationOutpost, Park, PlatformCompany, Region, SpecialtyTown
from projects.models import ChainLeader, Company, Milestone, Project

from ..models import CampaignYear, Figure, Indicator, MilestoneSource, SourceReport, Target
from .curation import (
    CurationError,
    CurationFile,
    date_precision,
    load_all,
    load_indicators,
    merge_entities,
    parse_partial_date,
)


@dataclass
class ImportSummary:
    counts: Counter = field(default_factory=Counter)
    skipped_targets: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"{name}: {n}" for name, n in sorted(self.counts.items())]


def _none_if_blank(value):
    return None if value in ("", None) else value


class _Resolver:
    """Finds the row for a name or any of its aliases, and says which entry asked when it cannot."""

    def __init__(self, merged: dict[str, dict]):
        self.alias = {}
        for name, record in merged.items():
            self.alias[name] = name
            for a in record.get("aliases") or []:
                self.alias.setdefault(a, name)
        self.rows: dict[str, object] = {}

    def __call__(self, name: str | None, where: str, what: str):
        if not name:
            return None
        canonical = self.alias.get(name)
        if canonical is None or canonical not in self.rows:
            raise CurationError(where, f"{what} {name!r} is not defined in any curation file")
        return self.rows[canonical]


def _ordered_by_parent(records: dict[str, dict]) -> list[dict]:
    done, out = set(), []

    def visit(name, trail=()):
        if name in done or name not in records:
            return
        if name in trail:
            raise CurationError(name, "its parent chain loops back to itself")
        parent = records[name].get("parent")
        if parent:
            visit(parent, (*trail, name))
        done.add(name)
        out.append(records[name])

    for name in records:
        visit(name)
    return out


@transaction.atomic
def import_reports(*, directory: Path | None = None, progress: Callable[[str], None] | None = None) -> ImportSummary:
    """Load every curation file; raises CurationError (and rolls back) on the first inconsistency."""
    step = progress or (lambda label: None)
    summary = ImportSummary()
    files = load_all(directory)
    merged = merge_entities(files)

    step("indicators")
    indicators = {}
    declared = load_indicators(Path(directory) / "indicators.yaml" if directory else None)
    for item in [*declared, *(i for cf in files for i in cf.new_indicators)]:
        indicators[item["code"]], _ = Indicator.objects.update_or_create(
            code=item["code"],
            defaults={
                "name_zh": item["name_zh"],
                "name_en": item["name_en"],
                "unit": item.get("unit") or "",
                "nature": item["nature"],
            },
        )
    summary.counts["indicators"] = len(indicators)

    step("reports")
    reports: dict[str, SourceReport] = {}
    for cf in files:
        reports[cf.report["file"]] = _save_report(cf)
    summary.counts["reports"] = len(reports)

    step("regions")
    regions = _Resolver(merged["regions"])
    for rec in _ordered_by_parent(merged["regions"]):
        parent = regions(rec.get("parent"), f"region {rec['name']}", "parent region")
        regions.rows[rec["name"]], _ = Region.objects.update_or_create(
            name=rec["name"], defaults={"level": rec["level"], "parent": parent}
        )

    step("parks")
    parks = _Resolver(merged["parks"])
    for rec in _ordered_by_parent(merged["parks"]):
        where = f"park {rec['name']}"
        parent = parks(rec.get("parent"), where, "parent park")
        region = regions(rec.get("region"), where, "region") or (parent.region if parent else None)
        if region is None:
            raise CurationError(where, "has no region and no parent to take one from")
        parks.rows[rec["name"]], _ = Park.objects.update_or_create(
            name=rec["name"],
            defaults={
                "aliases": rec.get("aliases", []),
                "kind": rec["kind"],
                "parent": parent,
                "region": region,
                "level": rec.get("level") or "",
                "area_km2": _none_if_blank(rec.get("area_km2")),
                "approved_on": parse_partial_date(rec.get("approved")),
                "leading_industries": rec.get("leading_industries", []),
                "supporting_industries": rec.get("supporting_industries", []),
                "description": rec.get("description") or "",
            },
        )

    step("companies")
    companies = _Resolver({**merged["companies"], **merged["platform_companies"]})
    for rec in [*merged["companies"].values(), *merged["platform_companies"].values()]:
        where = f"company {rec['name']}"
        companies.rows[rec["name"]], _ = Company.objects.update_or_create(
            name=rec["name"],
            defaults={
                "aliases": rec.get("aliases", []),
                "region": regions(rec.get("region"), where, "region"),
                "description": rec.get("description") or "",
            },
        )
    for rec in merged["platform_companies"].values():
        PlatformCompany.objects.update_or_create(
            name=rec["name"],
            defaults={
                "park": parks(rec.get("park"), f"platform company {rec['name']}", "park"),
                "description": rec.get("description") or "",
            },
        )

    step("chains, towns, outposts")
    chains = _Resolver(merged["industry_chains"])
    for rec in merged["industry_chains"].values():
        where = f"industry chain {rec['name']}"
        chains.rows[rec["name"]], _ = IndustryChain.objects.update_or_create(
            name=rec["name"],
            defaults={
                "region": regions(rec.get("region"), where, "region"),
                "description": rec.get("description") or "",
            },
        )
        leader = companies(rec.get("chain_leader"), where, "chain leader")
        if leader is None:
            ChainLeader.objects.filter(chain=chains.rows[rec["name"]]).delete()
        else:
            ChainLeader.objects.update_or_create(chain=chains.rows[rec["name"]], defaults={"company": leader})
    for rec in merged["specialty_towns"].values():
        SpecialtyTown.objects.update_or_create(
            name=rec["name"],
            defaults={
                "region": regions(rec.get("region") or "上党区", f"town {rec['name']}", "region"),
                "description": rec.get("description") or "",
            },
        )
    for rec in merged["innovation_outposts"].values():
        InnovationOutpost.objects.update_or_create(
            name=rec["name"],
            defaults={
                "city": rec.get("city") or "",
                "region": regions(rec.get("region") or "上党区", f"outpost {rec['name']}", "region"),
                "description": rec.get("description") or "",
            },
        )

    step("projects")
    projects = _Resolver(merged["projects"])
    for rec in merged["projects"].values():
        where = f"project {rec['name']}"
        park = parks(rec.get("park"), where, "park")
        region = regions(rec.get("region"), where, "region") or (park.region if park else None)
        if region is None:
            raise CurationError(where, "has no region and no park to take one from")
        projects.rows[rec["name"]], _ = Project.objects.update_or_create(
            name=rec["name"],
            defaults={
                "aliases": rec.get("aliases", []),
                "region": region,
                "park": park,
                "company": companies(rec.get("company"), where, "company"),
                "industry_chain": chains(rec.get("industry_chain"), where, "industry chain"),
                "category": rec.get("category") or "",
                "construction_type": rec.get("construction_type") or "",
                "priority_level": rec.get("priority_level") or "",
                "pool": rec.get("pool") or "",
                "description": rec.get("description") or "",
                "capacity": (rec.get("capacity") or "")[:300],
            },
        )
    for cf in files:
        for item in cf.projects:
            for m in item.get("milestones") or []:
                project = projects(item["name"], f"{cf.path.name} project {item['name']}", "project")
                milestone, _ = Milestone.objects.update_or_create(
                    project=project,
                    kind=m["kind"],
                    defaults={
                        "actual_date": parse_partial_date(m.get("date")),
                        "date_precision": date_precision(m.get("date")),
                    },
                )
                MilestoneSource.objects.update_or_create(
                    milestone=milestone,
                    defaults={"source_report": reports[cf.report["file"]], "quote": m["quote"]},
                )

    step("figures")
    scope_resolvers = {"region": regions, "park": parks, "project": projects, "company": companies}
    kept: set[int] = set()
    for cf in files:
        report = reports[cf.report["file"]]
        for fig in cf.figures:
            raw = fig.raw
            ((scope_kind, scope_name),) = raw["scope"].items()
            where = f"{cf.path.name} figure {raw['quote'][:30]!r}"
            scope_row = scope_resolvers[scope_kind](scope_name, where, scope_kind)
            indicator = indicators[raw["indicator"]] if raw.get("indicator") else None
            lookup = {
                "source_report": report,
                "quote": fig.quote.text,
                "value_printed": fig.value_printed,
                "unit_printed": fig.unit_printed,
                "indicator": indicator,
                "subject": raw.get("subject") or "",
                "scope_kind": scope_kind,
                scope_kind: scope_row,
                "kind": raw["kind"],
                "measure": raw.get("measure") or "level",
                "period_label": str(raw.get("period") or ""),
            }
            figure, _ = Figure.objects.update_or_create(
                **lookup,
                defaults={
                    "quote_offset": fig.quote.offset,
                    "value": fig.value,
                    "unit": fig.unit,
                    "period_start": fig.period_start,
                    "period_end": fig.period_end,
                    "comparator": raw.get("comparator") or "",
                    "note": raw.get("note") or "",
                },
            )
            kept.add(figure.pk)
    stale = Figure.objects.filter(source_report__in=reports.values(), is_synthetic=False).exclude(pk__in=kept)
    Target.objects.filter(source_figure__in=stale).delete()
    stale.delete()

    step("project totals and targets")
    _set_project_totals()
    _derive_targets(summary)

    summary.counts.update(
        {
            "regions": Region.objects.count(),
            "parks": Park.objects.count(),
            "companies": Company.objects.filter(is_synthetic=False).count(),
            "industry chains": IndustryChain.objects.count(),
            "specialty towns": SpecialtyTown.objects.count(),
            "innovation outposts": InnovationOutpost.objects.count(),
            "projects": Project.objects.filter(is_synthetic=False).count(),
            "milestones": MilestoneSource.objects.count(),
            "figures": Figure.objects.filter(is_synthetic=False).count(),
            "targets": Target.objects.filter(source_figure__isnull=False).count(),
        }
    )
    return summary


def _save_report(cf: CurationFile) -> SourceReport:
    meta = cf.report
    published = meta.get("published")
    report, _ = SourceReport.objects.update_or_create(
        file_name=meta["file"],
        defaults={
            "title": meta.get("title") or meta["file"],
            "publisher": meta.get("publisher") or "",
            "published_on": parse_partial_date(published),
            "published_label": str(published or ""),
            "covers": meta.get("covers") or "",
            "text": cf.text,
            "sha256": hashlib.sha256(cf.text.encode("utf-8")).hexdigest(),
        },
    )
    return report


def _set_project_totals() -> None:
    """A project's total investment is the one printed in the newest report that prints it.

    Older restatements stay as figures of their own; only the project field follows the newest.
    """
    figures = (
        Figure.objects.filter(indicator__code="total_investment", scope_kind="project", unit="万元", is_synthetic=False)
        .select_related("source_report")
        .order_by("project_id", "-source_report__published_on", "-id")
    )
    seen = set()
    for figure in figures:
        if figure.project_id in seen:
            continue
        seen.add(figure.project_id)
        Project.objects.filter(pk=figure.project_id).update(
            total_investment=figure.value, is_major=figure.value >= 100000
        )


def _derive_targets(summary: ImportSummary) -> None:
    """Target rows for the target figures that name an indicator, a region or park, and one year.

    When two reports state the same target, the earlier report (the one that set it) is the source.
    """
    candidates = (
        Figure.objects.filter(
            kind="target",
            indicator__isnull=False,
            scope_kind__in=["region", "park"],
            period_start__isnull=False,
            is_synthetic=False,
        )
        .select_related("source_report", "indicator")
        .order_by("source_report__published_on", "quote_offset")
    )
    for figure in candidates:
        if figure.period_start.year != figure.period_end.year:
            summary.skipped_targets.append(f"{figure}: spans more than one year")
            continue
        year, _ = CampaignYear.objects.get_or_create(
            year=figure.period_start.year, defaults={"name": f"{figure.period_start.year}年重大项目建设年"}
        )
        scope = (
            {"region": figure.region, "park": None}
            if figure.scope_kind == "region"
            else {"region": None, "park": figure.park}
        )
        existing = Target.objects.filter(
            campaign_year=year, indicator=figure.indicator, measure=figure.measure, **scope
        ).first()
        if existing and existing.source_figure_id != figure.pk:
            if existing.source_figure and existing.source_figure.source_report_id != figure.source_report_id:
                continue  # a restatement of a target another report set first
            summary.skipped_targets.append(f"{figure}: a second target for the same indicator and scope")
            continue
        Target.objects.update_or_create(
            campaign_year=year,
            indicator=figure.indicator,
            measure=figure.measure,
            **scope,
            defaults={
                "value": figure.value,
                "unit": figure.unit,
                "comparator": figure.comparator,
                "source_figure": figure,
            },
        )
