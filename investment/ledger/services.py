"""Ledger import and export: each row of a read sheet matched to the register, what it would change shown
before anything is saved, and everything applied in one transaction once confirmed and every row is valid.

A row is matched by 项目编号, else by name or alias, never silently duplicated. A blank cell leaves what
the portal holds (a ledger is often less complete than the reports); a column the sheet lacks is left alone.
Companies and chains are matched by name or alias and created when new; regions and parks must exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.models import IndustryChain, Park, Region
from projects.models import Batch, Company, Milestone, PoolMove, Project, ProjectContact
from projects.services import project_save
from shangdang_portal.outbox import queue_after_commit

from ..campaigns.services import campaign_year_for
from ..models import AnnualPlan, LedgerImport, LedgerYearToDate
from ..rollups.services import rollup_year_on_commit
from .cells import LedgerBatch, LedgerDate, format_batch, format_date
from .columns import COLUMNS_BY_KEY
from .reader import CellError, LedgerSheet, read_ledger
from .writer import write_ledger

# The preview lists this many new and changed rows (the counts and every error are always complete).
PREVIEW_ROWS = 200
# 重大项目: the city counts a project as major from 10 亿元 (100,000 万元) of total investment.
MAJOR_FROM = Decimal(100_000)
# Ledger columns written to the project itself (key in the sheet → Project field).
PROJECT_COLUMNS = {
    "code": "code",
    "name": "name",
    "category": "category",
    "construction_type": "construction_type",
    "priority_level": "priority_level",
    "pool": "pool",
    "total_investment": "total_investment",
    "description": "description",
    "responsible_unit": "responsible_unit",
    "longitude": "longitude",
    "latitude": "latitude",
    "note": "note",
    "in_statistics": "in_statistics",
    "is_major": "is_major",
}
# Milestone kind → (planned column, actual column).
MILESTONE_COLUMNS = {
    Milestone.Kind.STARTED: ("planned_start", "actual_start"),
    Milestone.Kind.IN_PRODUCTION: ("planned_production", "actual_production"),
}
CONTACT_COLUMNS = {
    ProjectContact.Role.LEADER: "leader",
    ProjectContact.Role.OFFICER: "officer",
    ProjectContact.Role.LIAISON: "liaison",
}


def _label(key: str) -> str:
    column = COLUMNS_BY_KEY.get(key)
    return column.header if column else key


def _shown(value, key: str = "") -> str:
    """A value as the preview and the ledger write it: choices by their Chinese label, dates at their precision."""
    if value is None or value == "":
        return ""
    column = COLUMNS_BY_KEY.get(key)
    if column is not None and column.choices and isinstance(value, str):
        return dict(column.choices).get(value, value)
    if isinstance(value, LedgerDate):
        return format_date(value)
    if isinstance(value, LedgerBatch):
        return format_batch(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 113.050000 and 113.05 are the same coordinate
    return str(value)


@dataclass
class Change:
    key: str
    label: str
    before: str
    after: str


@dataclass
class RowPlan:
    """What one sheet row would do: new, changed (with each field's before → after), unchanged, or error."""

    line: int
    name: str
    values: dict
    action: str = "unchanged"
    project: Project | None = None
    changes: list[Change] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    # Resolved references, filled in while matching.
    region: Region | None = None
    park: Park | None = None
    company_name: str | None = None
    chain_name: str | None = None

    def error(self, key: str, message: str) -> None:
        raw = self.values.get(key)
        self.errors.append(CellError(self.line, _label(key), key, _shown(raw), message))

    def change(self, key: str, before, after) -> None:
        if _shown(before) != _shown(after):
            self.changes.append(Change(key, _label(key), _shown(before, key), _shown(after, key)))


@dataclass
class LedgerPlan:
    sheet: LedgerSheet
    year: int
    rows: list[RowPlan]
    file_name: str = ""

    @property
    def errors(self) -> list[CellError]:
        """Every error, the sheet's and the rows', in sheet order."""
        found = [*self.sheet.errors, *(e for row in self.rows for e in row.errors)]
        return sorted(found, key=lambda e: (e.line or 0, e.column))

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> Counter:
        return Counter(row.action for row in self.rows)

    def summary(self) -> dict:
        """The preview as plain data: stored with the upload, printed by the command, sent by the page."""
        return {
            "file": self.file_name,
            "year": self.year,
            "ytd_months": self.sheet.ytd_months,
            "counts": {action: self.counts.get(action, 0) for action in ("new", "changed", "unchanged", "error")},
            "skipped": dict(self.sheet.skipped),
            "warnings": list(self.sheet.warnings),
            "errors": [
                {"line": e.line, "column": e.column, "value": e.value, "message": str(e.message)} for e in self.errors
            ],
            "rows": [
                {
                    "line": row.line,
                    "name": row.name,
                    "action": row.action,
                    "changes": [vars(c) for c in row.changes],
                }
                for row in [r for r in self.rows if r.action != "unchanged"][:PREVIEW_ROWS]
            ],
            "rows_not_shown": max(0, sum(1 for r in self.rows if r.action != "unchanged") - PREVIEW_ROWS),
        }


class _Register:
    """The rows the sheet can refer to, loaded once (a handful of queries whatever the sheet's size)."""

    def __init__(self, sheet: LedgerSheet, year: int):
        names = {row.values.get("name") for row in sheet.rows} - {None}
        codes = {row.values.get("code") for row in sheet.rows} - {None}
        # Every project a row could name: by code, by exact name, or by any alias (few projects have one).
        wanted = Q(code__in=codes) | Q(name__in=names) | ~Q(aliases=[])
        projects = list(Project.objects.filter(wanted).select_related("region", "park", "company", "industry_chain"))
        self.by_code = {p.code: p for p in projects if p.code}
        self.by_name = _by_name_or_alias(projects)
        self.regions = {r.name: r for r in Region.objects.all()}
        self.parks = _by_name_or_alias(Park.objects.select_related("region"))
        self.companies = _by_name_or_alias(Company.objects.all())
        self.chains = {c.name: c for c in IndustryChain.objects.all()}
        ids = [p.pk for p in projects]
        self.milestones = {(m.project_id, m.kind): m for m in Milestone.objects.filter(project_id__in=ids)}
        self.contacts = {(c.project_id, c.role): c for c in ProjectContact.objects.filter(project_id__in=ids)}
        self.plans = {a.project_id: a for a in AnnualPlan.objects.filter(project_id__in=ids, campaign_year__year=year)}
        self.ytd = {
            y.project_id: y for y in LedgerYearToDate.objects.filter(project_id__in=ids, campaign_year__year=year)
        }
        self.batches = {(b.year, b.round, b.kind): b for b in Batch.objects.exclude(year=None)}
        self.batch_keys = {batch.pk: LedgerBatch(*key) for key, batch in self.batches.items()}


def loose(name: str) -> str:
    """A name as people retype it: full-width forms folded (NFKC), spaces and quotation marks dropped."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", name) if not ch.isspace() and ch not in QUOTES)


QUOTES = set("\"'“”‘’「」『』《》")


class _Names(dict):
    """Rows by loose name or alias; a name wins over another row's alias."""

    def get(self, name, default=None):
        return super().get(loose(name), default) if name else default


def _by_name_or_alias(rows) -> _Names:
    rows = list(rows)
    found = _Names()
    for row in rows:
        for alias in getattr(row, "aliases", None) or []:
            found.setdefault(loose(alias), row)
    for row in rows:
        found[loose(row.name)] = row
    return found


def ledger_plan(sheet: LedgerSheet, *, year: int | None = None, file_name: str = "") -> LedgerPlan:
    """Match every row and work out what it would change; reads only, saves nothing."""
    year = year or sheet.year or timezone.localdate().year
    register = _Register(sheet, year)
    plans = [RowPlan(line=row.line, name=row.values.get("name") or "", values=row.values) for row in sheet.rows]
    _mark_repeats(plans)
    matched: dict[int, RowPlan] = {}
    for plan in plans:
        if plan.errors:
            plan.action = "error"
            continue
        _match(plan, register)
        if plan.project is not None:
            first = matched.setdefault(plan.project.pk, plan)
            if first is not plan:  # e.g. one row by name and another by an alias of the same project
                plan.error("name", _("与第%(line)s行是同一个项目") % {"line": first.line})
        if not plan.errors:
            _diff(plan, register, sheet, year)
        plan.action = "error" if plan.errors else ("new" if plan.project is None else plan.action)
    for error in sheet.errors:  # a bad cell makes its row an error row too
        for plan in plans:
            if plan.line == error.line:
                plan.action = "error"
    return LedgerPlan(sheet=sheet, year=year, rows=plans, file_name=file_name)


def _mark_repeats(plans: list[RowPlan]) -> None:
    """A project listed twice in one sheet (same code, or same name) is an error on both rows."""
    for key in ("code", "name"):
        seen: dict[str, RowPlan] = {}
        for plan in plans:
            value = plan.values.get(key)
            if not value:
                continue
            value = loose(value)
            if value in seen:
                message = _("与第%(line)s行重复") % {"line": seen[value].line}
                plan.error(key, message)
            else:
                seen[value] = plan


def _match(plan: RowPlan, register: _Register) -> None:
    values = plan.values
    code, name = values.get("code"), values.get("name")
    by_code = register.by_code.get(code) if code else None
    by_name = register.by_name.get(name) if name else None
    if by_code is not None:
        if by_name is not None and by_name.pk != by_code.pk:
            plan.error("name", _("名称已属于另一个项目(编号%(code)s)") % {"code": by_name.code or "-"})
        plan.project = by_code
    elif by_name is not None:
        if code and by_name.code and by_name.code != code:
            plan.error("code", _("“%(name)s”已有项目编号%(code)s") % {"name": by_name.name, "code": by_name.code})
        plan.project = by_name
    park_name, region_name = values.get("park"), values.get("region")
    if park_name:
        plan.park = register.parks.get(park_name)
        if plan.park is None:
            plan.error("park", _("未知园区“%(name)s”") % {"name": park_name})
    if region_name:
        plan.region = register.regions.get(region_name)
        if plan.region is None:
            plan.error("region", _("未知县区“%(name)s”") % {"name": region_name})
    if plan.region is None and not region_name:
        existing = plan.project.region if plan.project else None
        plan.region = existing or (plan.park.region if plan.park else register.regions.get(settings.HOME_REGION))
    plan.company_name = values.get("company")
    plan.chain_name = values.get("industry_chain")


def _diff(plan: RowPlan, register: _Register, sheet: LedgerSheet, year: int) -> None:
    project, values = plan.project, plan.values
    pk = project.pk if project else None
    current = (lambda name: getattr(project, name)) if project else (lambda name: None)
    for key, name in PROJECT_COLUMNS.items():
        if values.get(key) is not None:
            after = values[key].value if isinstance(values[key], LedgerDate) else values[key]
            plan.change(key, current(name), after)
    if values.get("total_investment") is not None and values.get("is_major") is None:
        plan.change("is_major", current("is_major"), values["total_investment"] >= MAJOR_FROM)
    if plan.region and (project is None or plan.region.pk != project.region_id):
        plan.change("region", project.region if project else None, plan.region)
    if plan.park and (project is None or plan.park.pk != project.park_id):
        plan.change("park", project.park if project else None, plan.park)
    if plan.company_name:
        company = register.companies.get(plan.company_name)
        if project is None or company is None or company.pk != project.company_id:
            plan.change("company", project.company if project and project.company_id else None, plan.company_name)
    if plan.chain_name:
        chain = register.chains.get(plan.chain_name)
        if project is None or chain is None or chain.pk != project.industry_chain_id:
            before = project.industry_chain if project and project.industry_chain_id else None
            plan.change("industry_chain", before, plan.chain_name)
    for kind, (planned_key, actual_key) in MILESTONE_COLUMNS.items():
        milestone = register.milestones.get((pk, kind))
        dates = ((planned_key, "planned_date", "planned_precision"), (actual_key, "actual_date", "date_precision"))
        for key, attr, precision in dates:
            if values.get(key) is None:
                continue
            before = _milestone_date(milestone, attr, precision)
            if before is None and key == "planned_start" and project is not None and project.planned_start:
                before = LedgerDate(project.planned_start, "day")  # a planned start the reports gave
            plan.change(key, before, values[key])
    batch: LedgerBatch | None = values.get("batch")
    if batch is not None:
        milestone = register.milestones.get((pk, batch.kind))
        existing = register.batches.get(tuple(batch))
        if milestone is None or existing is None or milestone.batch_id != existing.pk:
            before = _batch_of(milestone, register)
            plan.change("batch", before, batch)
    for role, key in CONTACT_COLUMNS.items():
        if values.get(key):
            contact = register.contacts.get((pk, role))
            plan.change(key, contact.name if contact else None, values[key])
    if values.get("phone"):
        contact = register.contacts.get((pk, _phone_role(values)))
        plan.change("phone", contact.phone if contact else None, values["phone"])
    if values.get("annual_plan") is not None:
        existing = register.plans.get(pk)
        plan.change("annual_plan", existing.planned_investment if existing else None, values["annual_plan"])
    if values.get("ledger_ytd") is not None:
        if not sheet.ytd_months:
            plan.error("ledger_ytd", _("表头未写明截至月份(如“1-10月完成投资”)"))
        else:
            existing = register.ytd.get(pk)
            before = (existing.investment_completed, existing.months) if existing else None
            if before != (values["ledger_ytd"], sheet.ytd_months):
                plan.change("ledger_ytd", existing.investment_completed if existing else None, values["ledger_ytd"])
    if plan.changes and project is not None:
        plan.action = "changed"


def _milestone_date(milestone: Milestone | None, attr: str, precision: str) -> LedgerDate | None:
    if milestone is None:
        return None
    day = getattr(milestone, attr)
    if day is None:
        return LedgerDate(None, None) if attr == "actual_date" and milestone.reached_undated else None
    return LedgerDate(day, getattr(milestone, precision))


def _batch_of(milestone: Milestone | None, register: _Register) -> LedgerBatch | None:
    if milestone is None or milestone.batch_id is None:
        return None
    return register.batch_keys.get(milestone.batch_id)


def _phone_role(values: dict) -> str:
    """联系电话 belongs to the liaison when the row names one, else to the officer, else to the leader."""
    for role, key in reversed(CONTACT_COLUMNS.items()):
        if values.get(key):
            return role
    return ProjectContact.Role.LIAISON


# --- applying -----------------------------------------------------------------------------------------


@transaction.atomic
def ledger_apply(
    plan: LedgerPlan, *, actor, ledger_import: LedgerImport | None = None, progress: Callable[[], None] | None = None
) -> Counter:
    """Write every new and changed row; refuses (ValidationError, nothing saved) unless every row is valid.
    The roll-up of the year follows once the transaction has committed."""
    if not plan.ok:
        shown = "；".join(str(error) for error in plan.errors[:5])
        raise ValidationError(
            _("台账有%(n)s处错误，未导入任何数据：%(errors)s") % {"n": len(plan.errors), "errors": shown}
        )
    campaign_year = campaign_year_for(plan.year)
    today = timezone.localdate()
    companies = _by_name_or_alias(Company.objects.all())
    chains = {c.name: c for c in IndustryChain.objects.all()}
    batches = {(b.year, b.round, b.kind): b for b in Batch.objects.exclude(year=None)}
    existing = _Existing([row.project.pk for row in plan.rows if row.action == "changed"], campaign_year)
    written = Counter()
    for row in plan.rows:
        if row.action not in ("new", "changed"):
            continue
        try:
            with transaction.atomic():  # a savepoint, so the database's refusal names its row
                project = _apply_project(row, actor=actor, companies=companies, chains=chains, today=today)
                _apply_milestones(row, project, batches=batches, existing=existing, actor=actor)
                _apply_contacts(row, project, existing=existing)
                _apply_year(
                    row,
                    project,
                    campaign_year=campaign_year,
                    sheet=plan.sheet,
                    ledger_import=ledger_import,
                    existing=existing,
                    actor=actor,
                )
        except (ValidationError, IntegrityError) as exc:
            # The model or the database refused what the matching allowed: name the row, roll everything back.
            reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise ValidationError(_("第%(line)s行：%(error)s") % {"line": row.line, "error": reason}) from exc
        written[row.action] += 1
        if progress is not None:
            progress()
    if ledger_import is not None:
        ledger_import.status = LedgerImport.Status.APPLIED
        ledger_import.applied_at = timezone.now()
        ledger_import.save(update_fields=["status", "applied_at"])
    if written:
        rollup_year_on_commit(year=plan.year)
    return written


class _Existing:
    """The milestones, contacts, plan and ledger figure of the projects being changed, loaded in four queries
    (a new project has none), so applying a row reads nothing row by row."""

    def __init__(self, project_ids: list[int], campaign_year):
        ids = project_ids
        self.milestones = {(m.project_id, m.kind): m for m in Milestone.objects.filter(project_id__in=ids)}
        self.contacts = {(c.project_id, c.role): c for c in ProjectContact.objects.filter(project_id__in=ids)}
        self.plans = {
            a.project_id: a for a in AnnualPlan.objects.filter(project_id__in=ids, campaign_year=campaign_year)
        }
        ytd = LedgerYearToDate.objects.filter(project_id__in=ids, campaign_year=campaign_year)
        self.ytd = {y.project_id: y for y in ytd}


def _save(row, *, actor=None) -> None:
    """Validate a row's own fields (lengths, choices, bounds, its clean()) and save it, with the acting user in
    its history. Its references were resolved while matching and its uniqueness and constraints are the
    database's to refuse (the refusal rolls the whole import back), so nothing here queries row by row."""
    references = [f.name for f in row._meta.concrete_fields if f.is_relation]
    row.full_clean(exclude=references, validate_unique=False, validate_constraints=False)
    if actor is not None:
        row._history_user = actor
    row.save()


def _apply_project(row: RowPlan, *, actor, companies: dict, chains: dict, today: dt.date) -> Project:
    values = row.values
    project = row.project or Project()
    old_pool = project.pool if row.project else ""
    for key, name in PROJECT_COLUMNS.items():
        value = values.get(key)
        if value is not None:
            setattr(project, name, value.value if isinstance(value, LedgerDate) else value)
    if values.get("total_investment") is not None and values.get("is_major") is None:
        project.is_major = values["total_investment"] >= MAJOR_FROM
    if values.get("planned_start") is not None and values["planned_start"].value is not None:
        # The signal's "not started N months after the planned start" reads the project's own field.
        project.planned_start = values["planned_start"].value
    if row.region is not None:
        project.region = row.region
    if row.park is not None:
        project.park = row.park
    if row.company_name:
        company = companies.get(row.company_name)
        if company is None:
            company = Company(name=row.company_name, region=row.region)
            _save(company)
            companies[loose(company.name)] = company
        project.company = company
    if row.chain_name:
        chain = chains.get(row.chain_name)
        if chain is None:
            chain = IndustryChain(name=row.chain_name, region=row.region)
            _save(chain)
            chains[chain.name] = chain
        project.industry_chain = chain
    project = project_save(project=project, actor=actor, references_checked=True)
    if values.get("pool") and values["pool"] != old_pool:
        move = PoolMove(project=project, from_pool=old_pool, to_pool=values["pool"], moved_on=today, actor=actor)
        move.reason = _("台账导入")
        _save(move)
    return project


def _apply_milestones(row: RowPlan, project: Project, *, batches: dict, existing: _Existing, actor) -> None:
    values = row.values
    batch: LedgerBatch | None = values.get("batch")
    kinds = set(MILESTONE_COLUMNS) | ({batch.kind} if batch else set())
    for kind in kinds:
        planned_key, actual_key = MILESTONE_COLUMNS.get(kind, (None, None))
        planned, actual = values.get(planned_key), values.get(actual_key)
        in_batch = batch is not None and batch.kind == kind
        if planned is None and actual is None and not in_batch:
            continue
        milestone = existing.milestones.get((project.pk, kind)) or Milestone(project=project, kind=kind)
        if planned is not None:
            milestone.planned_date, milestone.planned_precision = planned.value, planned.precision or "day"
        if actual is not None:
            milestone.actual_date = actual.value
            milestone.date_precision = actual.precision or "day"
            milestone.reached_undated = actual.undated
        if in_batch:
            milestone.batch = _batch(batch, batches, region=project.region)
        _save(milestone, actor=actor)


def _batch(batch: LedgerBatch, batches: dict, *, region: Region) -> Batch:
    key = (batch.year, batch.round, batch.kind)
    if key not in batches:
        name = format_batch(batch)
        found = Batch.objects.filter(name=name).first()
        if found is None:
            found = Batch(name=name, region=region)
        found.year, found.round, found.kind = key
        _save(found)
        batches[key] = found
    return batches[key]


def _apply_contacts(row: RowPlan, project: Project, *, existing: _Existing) -> None:
    values = row.values
    phone_role = _phone_role(values) if values.get("phone") else None
    for role, key in CONTACT_COLUMNS.items():
        name = values.get(key)
        if not name and role != phone_role:
            continue
        contact = existing.contacts.get((project.pk, role))
        if contact is None:
            if not name:
                continue
            contact = ProjectContact(project=project, role=role)
        if name:
            contact.name = name
        if role == phone_role:
            contact.phone = values["phone"]
        _save(contact)


def _apply_year(
    row: RowPlan, project: Project, *, campaign_year, sheet: LedgerSheet, ledger_import, existing: _Existing, actor
) -> None:
    values = row.values
    if values.get("annual_plan") is not None:
        plan = existing.plans.get(project.pk) or AnnualPlan(project=project, campaign_year=campaign_year)
        if plan.pk is None or plan.planned_investment != values["annual_plan"]:
            plan.planned_investment = values["annual_plan"]
            _save(plan, actor=actor)
    if values.get("ledger_ytd") is not None and sheet.ytd_months:
        ytd = existing.ytd.get(project.pk) or LedgerYearToDate(project=project, campaign_year=campaign_year)
        if ytd.pk is None or (ytd.investment_completed, ytd.months) != (values["ledger_ytd"], sheet.ytd_months):
            ytd.investment_completed, ytd.months = values["ledger_ytd"], sheet.ytd_months
            ytd.ledger_import = ledger_import
            _save(ytd, actor=actor)


# --- the whole import, as the page and the command run it ---------------------------------------------


def ledger_upload(*, content: bytes, file_name: str, year: int | None, actor) -> tuple[LedgerImport, LedgerPlan]:
    """Read and preview an uploaded ledger; the upload is kept (with its preview) until it is confirmed."""
    plan = ledger_preview(content=content, file_name=file_name, year=year)
    upload = LedgerImport.objects.create(
        file_name=file_name[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        year=plan.year,
        status=LedgerImport.Status.PREVIEWED if plan.ok else LedgerImport.Status.REJECTED,
        summary=plan.summary(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return upload, plan


def ledger_preview(*, content: bytes, file_name: str, year: int | None = None) -> LedgerPlan:
    sheet = read_ledger(content, filename=file_name, year=year)
    return ledger_plan(sheet, year=year, file_name=file_name)


def ledger_confirm_start(*, upload: LedgerImport, actor) -> None:
    """Claim a previewed upload and queue its import after commit: a large ledger takes longer than a web
    request may, so the page only starts it (in-process when no broker is configured)."""
    claimed = LedgerImport.objects.filter(pk=upload.pk, status=LedgerImport.Status.PREVIEWED).update(
        status=LedgerImport.Status.APPLYING
    )
    if not claimed:
        raise ValidationError(_("该台账已导入或有错误，不能再确认。"))
    from .tasks import ledger_apply_task

    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    queue_after_commit(ledger_apply_task, upload.pk, actor_id)


def ledger_confirm(*, upload: LedgerImport, actor) -> tuple[LedgerPlan, Counter]:
    """Apply a claimed upload (the task's work). The sheet is matched again first, so what is written is what
    the register holds now, not what it held at the preview. A failure leaves nothing saved and is recorded
    on the upload with its reason."""
    plan = ledger_preview(content=bytes(upload.content), file_name=upload.file_name, year=upload.year)
    try:
        written = ledger_apply(plan, actor=actor, ledger_import=upload)
    except ValidationError as exc:
        LedgerImport.objects.filter(pk=upload.pk).update(
            status=LedgerImport.Status.FAILED, error=" ".join(exc.messages)
        )
        raise
    return plan, written


# --- export -------------------------------------------------------------------------------------------


def ledger_rows(projects: Iterable[Project], *, year: int) -> Iterable[dict]:
    """The register as ledger rows (column key → value), in the reader's value types, for the export."""
    projects = list(projects)
    ids = [p.pk for p in projects]
    milestones = {
        (m.project_id, m.kind): m for m in Milestone.objects.filter(project_id__in=ids).select_related("batch")
    }
    contacts = {(c.project_id, c.role): c for c in ProjectContact.objects.filter(project_id__in=ids)}
    plans = {a.project_id: a for a in AnnualPlan.objects.filter(project_id__in=ids, campaign_year__year=year)}
    ytd = {y.project_id: y for y in LedgerYearToDate.objects.filter(project_id__in=ids, campaign_year__year=year)}
    for number, p in enumerate(projects, start=1):
        row = {
            "row_number": number,
            "company": p.company.name if p.company_id else None,
            "region": p.region.name if p.region_id else None,
            "park": p.park.name if p.park_id else None,
            "industry_chain": p.industry_chain.name if p.industry_chain_id else None,
            "annual_plan": plans[p.pk].planned_investment if p.pk in plans else None,
            "ledger_ytd": ytd[p.pk].investment_completed if p.pk in ytd else None,
        }
        for key, name in PROJECT_COLUMNS.items():
            value = getattr(p, name)
            row[key] = None if value in ("", None) else value
        batch = None
        for kind, (planned_key, actual_key) in MILESTONE_COLUMNS.items():
            milestone = milestones.get((p.pk, kind))
            row[planned_key] = _milestone_date(milestone, "planned_date", "planned_precision")
            row[actual_key] = _milestone_date(milestone, "actual_date", "date_precision")
        for kind in (Milestone.Kind.SIGNED, Milestone.Kind.STARTED, Milestone.Kind.IN_PRODUCTION):
            milestone = milestones.get((p.pk, kind))
            if milestone is not None and milestone.batch is not None and milestone.batch.year:
                b = milestone.batch
                batch = LedgerBatch(b.year, b.round, b.kind)
        row["batch"] = batch
        if row["planned_start"] is None and p.planned_start:
            row["planned_start"] = LedgerDate(p.planned_start, "day")
        phone = None
        for role, key in CONTACT_COLUMNS.items():
            contact = contacts.get((p.pk, role))
            row[key] = contact.name if contact else None
            phone = (contact.phone or None) if contact and contact.phone else phone
        row["phone"] = phone
        yield row


def ledger_export(projects: Iterable[Project], *, year: int, format: str = "xlsx") -> bytes:
    months = (
        LedgerYearToDate.objects.filter(campaign_year__year=year)
        .order_by("-months")
        .values_list("months", flat=True)
        .first()
    )
    return write_ledger(ledger_rows(projects, year=year), format=format, year=year, ytd_months=months)
