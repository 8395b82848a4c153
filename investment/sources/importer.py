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
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
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


def _decimal_or_none(value) -> Decimal | None:
    return None if value in ("", None) else Decimal(str(value))


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


def upsert(model, lookup: dict, values: dict, *, where: str):
    """One row by its natural key: created, or changed only where a value differs, so an unchanged row is
    not written again (nor given a history entry). Validated like any write (`full_clean`), so a bad value
    in a curation file stops the import with the entry and field it came from."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **values)
    else:
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        if not changed:
            return row, False
        for name, value in changed.items():
            setattr(row, name, value)
    try:
        row.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise CurationError(where, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
    row.save()
    return row, True


@dataclass
class _Load:
    """What the steps of one import share: the files, their merged entities and the rows made so far."""

    directory: Path | None
    files: list[CurationFile]
    merged: dict[str, dict[str, dict]]
    summary: ImportSummary
    indicators: dict[str, Indicator] = field(default_factory=dict)
    reports: dict[str, SourceReport] = field(default_factory=dict)
    regions: _Resolver | None = None
    parks: _Resolver | None = None
    companies: _Resolver | None = None
    chains: _Resolver | None = None
    projects: _Resolver | None = None


@transaction.atomic
def import_reports(*, directory: Path | None = None, progress: Callable[[str], None] | None = None) -> ImportSummary:
    """Load every curation file; raises CurationError (and rolls back) on the first inconsistency."""
    step = progress or (lambda label: None)
    files = load_all(directory)
    load = _Load(directory=directory, files=files, merged=merge_entities(files), summary=ImportSummary())
    for label, run in STEPS:
        step(label)
        run(load)
    _count(load.summary)
    return load.summary


def _load_indicators(load: _Load) -> None:
    declared = load_indicators(Path(load.directory) / "indicators.yaml" if load.directory else None)
    for item in [*declared, *(i for cf in load.files for i in cf.new_indicators)]:
        load.indicators[item["code"]], _ = upsert(
            Indicator,
            {"code": item["code"]},
            {
                "name_zh": item["name_zh"],
                "name_en": item["name_en"],
                "unit": item.get("unit") or "",
                "nature": item["nature"],
            },
            where=f"indicator {item['code']}",
        )
    load.summary.counts["indicators"] = len(load.indicators)


def _load_reports(load: _Load) -> None:
    for cf in load.files:
        load.reports[cf.report["file"]] = _save_report(cf)
    load.summary.counts["reports"] = len(load.reports)


def _load_regions(load: _Load) -> None:
    regions = load.regions = _Resolver(load.merged["regions"])
    for rec in _ordered_by_parent(load.merged["regions"]):
        where = f"region {rec['name']}"
        parent = regions(rec.get("parent"), where, "parent region")
        regions.rows[rec["name"]], _ = upsert(
            Region, {"name": rec["name"]}, {"level": rec["level"], "parent": parent}, where=where
        )


def _load_parks(load: _Load) -> None:
    parks = load.parks = _Resolver(load.merged["parks"])
    for rec in _ordered_by_parent(load.merged["parks"]):
        where = f"park {rec['name']}"
        parent = parks(rec.get("parent"), where, "parent park")
        region = load.regions(rec.get("region"), where, "region") or (parent.region if parent else None)
        if region is None:
            raise CurationError(where, "has no region and no parent to take one from")
        values = {
            "aliases": rec.get("aliases", []),
            "kind": rec["kind"],
            "parent": parent,
            "region": region,
            "level": rec.get("level") or "",
            "area_km2": _decimal_or_none(rec.get("area_km2")),
            "approved_on": parse_partial_date(rec.get("approved")),
            "leading_industries": rec.get("leading_industries", []),
            "supporting_industries": rec.get("supporting_industries", []),
            "description": rec.get("description") or "",
        }
        parks.rows[rec["name"]], _ = upsert(Park, {"name": rec["name"]}, values, where=where)


def _load_companies(load: _Load) -> None:
    merged = load.merged
    companies = load.companies = _Resolver({**merged["companies"], **merged["platform_companies"]})
    for rec in [*merged["companies"].values(), *merged["platform_companies"].values()]:
        where = f"company {rec['name']}"
        values = {
            "aliases": rec.get("aliases", []),
            "region": load.regions(rec.get("region"), where, "region"),
            "description": rec.get("description") or "",
        }
        companies.rows[rec["name"]], _ = upsert(Company, {"name": rec["name"]}, values, where=where)
    for rec in merged["platform_companies"].values():
        where = f"platform company {rec['name']}"
        values = {"park": load.parks(rec.get("park"), where, "park"), "description": rec.get("description") or ""}
        upsert(PlatformCompany, {"name": rec["name"]}, values, where=where)


def _load_chains_towns_outposts(load: _Load) -> None:
    merged, regions = load.merged, load.regions
    chains = load.chains = _Resolver(merged["industry_chains"])
    for rec in merged["industry_chains"].values():
        where = f"industry chain {rec['name']}"
        values = {"region": regions(rec.get("region"), where, "region"), "description": rec.get("description") or ""}
        chain = chains.rows[rec["name"]] = upsert(IndustryChain, {"name": rec["name"]}, values, where=where)[0]
        leader = load.companies(rec.get("chain_leader"), where, "chain leader")
        if leader is None:
            ChainLeader.objects.filter(chain=chain).delete()
        else:
            upsert(ChainLeader, {"chain": chain}, {"company": leader}, where=where)
    for model, key, label in (
        (SpecialtyTown, "specialty_towns", "town"),
        (InnovationOutpost, "innovation_outposts", "outpost"),
    ):
        for rec in merged[key].values():
            where = f"{label} {rec['name']}"
            values = {
                "region": regions(rec.get("region") or settings.HOME_REGION, where, "region"),
                "description": rec.get("description") or "",
            }
            if model is InnovationOutpost:
                values["city"] = rec.get("city") or ""
            upsert(model, {"name": rec["name"]}, values, where=where)


def _load_projects(load: _Load) -> None:
    projects = load.projects = _Resolver(load.merged["projects"])
    for rec in load.merged["projects"].values():
        where = f"project {rec['name']}"
        park = load.parks(rec.get("park"), where, "park")
        region = load.regions(rec.get("region"), where, "region") or (park.region if park else None)
        if region is None:
            raise CurationError(where, "has no region and no park to take one from")
        values = {
            "aliases": rec.get("aliases", []),
            "region": region,
            "park": park,
            "company": load.companies(rec.get("company"), where, "company"),
            "industry_chain": load.chains(rec.get("industry_chain"), where, "industry chain"),
            "category": rec.get("category") or "",
            "construction_type": rec.get("construction_type") or "",
            "priority_level": rec.get("priority_level") or "",
            "pool": rec.get("pool") or "",
            "description": rec.get("description") or "",
            "capacity": (rec.get("capacity") or "")[:300],
        }
        projects.rows[rec["name"]], _ = upsert(Project, {"name": rec["name"]}, values, where=where)


def _load_milestones(load: _Load) -> None:
    """A milestone several reports state is written once, as the last file (by name) states it, so a second
    import finds every row as it left it. A plan (`planned:`) sets only the planned date: a report that
    gives the milestone as reached keeps the actual date and is the milestone's source."""
    stated: dict[tuple, dict] = {}
    for cf in load.files:
        for item in cf.projects:
            where = f"{cf.path.name} project {item['name']}"
            for m in item.get("milestones") or []:
                project = load.projects(item["name"], where, "project")
                entry = stated.setdefault((project.pk, m["kind"]), {"project": project})
                entry["planned" if m.get("planned") is not None else "reached"] = (
                    m,
                    load.reports[cf.report["file"]],
                    where,
                )
    for (_, kind), entry in stated.items():
        reached, planned = entry.get("reached"), entry.get("planned")
        m, report, where = reached or planned
        date = reached[0].get("date") if reached else None
        values = {"actual_date": parse_partial_date(date), "date_precision": date_precision(date)}
        if planned:  # a date the report gives as a plan (今年开工建设, 预计7月初封顶)
            values.update(
                planned_date=parse_partial_date(planned[0]["planned"]),
                planned_precision=date_precision(planned[0]["planned"]),
            )
        milestone, _ = upsert(Milestone, {"project": entry["project"], "kind": kind}, values, where=where)
        upsert(MilestoneSource, {"milestone": milestone}, {"source_report": report, "quote": m["quote"]}, where=where)


def _load_figures(load: _Load) -> None:
    """Every figure by its natural key (report, quote, value and unit as printed, indicator or subject,
    scope, kind, measure, period); the figures a curation file no longer lists are removed."""
    resolvers = {"region": load.regions, "park": load.parks, "project": load.projects, "company": load.companies}
    kept: set[int] = set()
    for cf in load.files:
        report = load.reports[cf.report["file"]]
        for fig in cf.figures:
            raw = fig.raw
            ((scope_kind, scope_name),) = raw["scope"].items()
            where = f"{cf.path.name} figure {raw['quote'][:30]!r}"
            lookup = {
                "source_report": report,
                "quote": fig.quote.text,
                "value_printed": fig.value_printed,
                "unit_printed": fig.unit_printed,
                "indicator": load.indicators[raw["indicator"]] if raw.get("indicator") else None,
                "subject": raw.get("subject") or "",
                "scope_kind": scope_kind,
                scope_kind: resolvers[scope_kind](scope_name, where, scope_kind),
                "kind": raw["kind"],
                "measure": raw.get("measure") or "level",
                "period_label": str(raw.get("period") or ""),
            }
            values = {
                "quote_offset": fig.quote.offset,
                "value": fig.value,
                "unit": fig.unit,
                "period_start": fig.period_start,
                "period_end": fig.period_end,
                "comparator": raw.get("comparator") or "",
                "note": raw.get("note") or "",
            }
            kept.add(upsert(Figure, lookup, values, where=where)[0].pk)
    stale = Figure.objects.filter(source_report__in=load.reports.values(), is_synthetic=False).exclude(pk__in=kept)
    Target.objects.filter(source_figure__in=stale).delete()
    stale.delete()


def _count(summary: ImportSummary) -> None:
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


def _save_report(cf: CurationFile) -> SourceReport:
    meta = cf.report
    published = meta.get("published")
    report, _ = upsert(
        SourceReport,
        {"file_name": meta["file"]},
        {
            "title": meta.get("title") or meta["file"],
            "publisher": meta.get("publisher") or "",
            "published_on": parse_partial_date(published),
            "published_label": str(published or ""),
            "covers": meta.get("covers") or "",
            "text": cf.text,
            "sha256": hashlib.sha256(cf.text.encode("utf-8")).hexdigest(),
        },
        where=meta["file"],
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
    newest: dict[int, Decimal] = {}
    for figure in figures:
        newest.setdefault(figure.project_id, figure.value)
    current = Project.objects.filter(pk__in=newest).values_list("pk", "total_investment", "is_major")
    for pk, total, is_major in current:
        values = {"total_investment": newest[pk], "is_major": newest[pk] >= 100000}
        if (total, is_major) != (values["total_investment"], values["is_major"]):
            Project.objects.filter(pk=pk).update(**values)


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
        upsert(
            Target,
            {"campaign_year": year, "indicator": figure.indicator, "measure": figure.measure, **scope},
            {"value": figure.value, "unit": figure.unit, "comparator": figure.comparator, "source_figure": figure},
            where=str(figure),
        )


# The import's steps in order (each name is what the command's progress bar shows).
STEPS: list[tuple[str, Callable[[_Load], None]]] = [
    ("indicators", _load_indicators),
    ("reports", _load_reports),
    ("regions", _load_regions),
    ("parks", _load_parks),
    ("companies", _load_companies),
    ("chains, towns, outposts", _load_chains_towns_outposts),
    ("projects", _load_projects),
    ("milestones", _load_milestones),
    ("figures", _load_figures),
    ("project totals", lambda load: _set_project_totals()),
    ("targets", lambda load: _derive_targets(load.summary)),
]
