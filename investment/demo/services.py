"""Load and remove the demo data set.

The demo's projects come in through the ledger import (a sample ledger written with ``write_ledger``, read
and applied by the ledger services), first as the year's opening sheet, then as an updated sheet that moves
some projects on between pools, reports productions and states the 1-N月 figure. Every project of the
district then gets a plan and approved monthly progress for the campaign year up to the current month.

What marks a row as the demo's (and what ``demo_clear`` removes):
- ``is_synthetic=True``: projects, companies, progress reports (also on real projects), annual plans (also
  of real projects), 三个一批 batches the demo created, and the campaign year when the demo created it;
- rows that belong to synthetic projects and go with them: milestones, contacts, pool moves, the
  ledger's 1-N月 figures (LedgerYearToDate), signals, and the history rows of all of these.
Figures quoted from reports are never written to.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from parks.models import IndustryChain, Park, Region
from projects.models import Batch, Company, Milestone, PoolMove, ProgressReport, Project, ProjectContact, ProjectIssue
from projects.synthetic import purge
from shangdang_portal.calendar import default_as_of

from ..ledger import write_ledger
from ..ledger.services import ledger_apply, ledger_preview
from ..models import AnnualPlan, BatchRate, CampaignYear, LedgerYearToDate
from ..rollups.run import rollup_year
from .sample import demo_projects, real_project_figures

DEFAULT_PROJECTS = 80
# History tables of the rows the demo writes, with the column that ties a history row to its project.
HISTORY_BY_PROJECT = [Milestone, ProgressReport, ProjectIssue, ProjectContact, AnnualPlan, LedgerYearToDate]
CHUNK = 5000
STEPS = ["clear", "opening ledger", "plans and progress", "updated ledger", "roll-up"]


def _noop(label: str) -> None:
    return None


@dataclass
class DemoSummary:
    counts: Counter = field(default_factory=Counter)
    signals: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        counts = ", ".join(f"{name}: {n}" for name, n in self.counts.items())
        signals = ", ".join(f"{signal}: {n}" for signal, n in sorted(self.signals.items()))
        return [f"demo rows: {counts}", f"signals: {signals or 'none'}"]


def demo_exists() -> bool:
    return Project.objects.filter(is_synthetic=True).exists()


def demo_load(
    *, projects: int = DEFAULT_PROJECTS, today: dt.date | None = None, progress: Callable[[str], None] = _noop
) -> DemoSummary:
    """Replace any synthetic rows with the demo data set for the campaign year of ``today`` and roll it up.
    Running it twice leaves the same rows (the data are seeded and the previous set is removed first)."""
    today = today or timezone.localdate()
    year = today.year
    with transaction.atomic():
        progress("clear")
        demo_clear(rollup=False)
        home = Region.objects.filter(name=settings.HOME_REGION).first()
        if home is None:
            raise ValidationError(f"{settings.HOME_REGION} is not in the register: load the reports first")
        parks = list(Park.objects.filter(region=home).order_by("name").values_list("name", flat=True))
        chains = list(IndustryChain.objects.order_by("name").values_list("name", flat=True))
        known_years = set(CampaignYear.objects.values_list("year", flat=True))
        known_batches = set(Batch.objects.values_list("pk", flat=True))
        known_companies = set(Company.objects.values_list("pk", flat=True))
        real = list(
            Project.objects.filter(region=home, is_synthetic=False).order_by("pk").values_list("pk", "total_investment")
        )
        sample = demo_projects(count=projects, today=today, parks=parks, chains=chains, region=home.name)

        progress("opening ledger")
        _import([p.values for p in sample], year=year, ytd_months=None, name=f"上党区{year}年重大项目台账（演示）.xlsx")
        codes = [p.values["code"] for p in sample]
        Project.objects.filter(code__in=codes).update(is_synthetic=True)
        Company.objects.filter(projects__is_synthetic=True).exclude(pk__in=known_companies).update(is_synthetic=True)
        Batch.objects.exclude(pk__in=known_batches).update(is_synthetic=True)
        if year not in known_years:
            CampaignYear.objects.filter(year=year).update(is_synthetic=True)
        campaign_year = CampaignYear.objects.get(year=year)

        progress("plans and progress")
        ids = dict(Project.objects.filter(code__in=codes).values_list("code", "pk"))
        reports = [
            (ids[p.values["code"]], period, amount) for p in sample for period, amount in sorted(p.progress.items())
        ]
        plans = []
        for pk, plan, months in real_project_figures(real, today=today):
            plans.append(AnnualPlan(project_id=pk, campaign_year=campaign_year, planned_investment=plan))
            reports += [(pk, period, amount) for period, amount in sorted(months.items())]
        # A real project keeps any plan it has; the demo only fills in the missing ones.
        planned = set(AnnualPlan.objects.filter(campaign_year=campaign_year).values_list("project_id", flat=True))
        AnnualPlan.objects.bulk_create([a for a in plans if a.project_id not in planned])
        AnnualPlan.objects.filter(project__is_synthetic=True).update(is_synthetic=True)
        AnnualPlan.objects.filter(project__is_synthetic=False, campaign_year=campaign_year).exclude(
            project_id__in=planned
        ).update(is_synthetic=True)
        _progress_reports(reports)

        progress("updated ledger")
        _import(
            [p.updated for p in sample],
            year=year,
            ytd_months=today.month,
            name=f"上党区{year}年1-{today.month}月重大项目台账（演示）.xlsx",
        )
        Batch.objects.exclude(pk__in=known_batches).update(is_synthetic=True)

        progress("roll-up")
        rolled = rollup_year(campaign_year=campaign_year, as_of=today)
    summary = DemoSummary(signals=rolled.signals)
    synthetic = Project.objects.filter(is_synthetic=True)
    summary.counts.update(
        {
            "projects": synthetic.count(),
            "companies": Company.objects.filter(is_synthetic=True).count(),
            "annual plans": AnnualPlan.objects.filter(is_synthetic=True).count(),
            "progress reports": ProgressReport.objects.filter(is_synthetic=True).count(),
            "batches": Batch.objects.filter(is_synthetic=True).count(),
            "batch rates": BatchRate.objects.filter(batch__is_synthetic=True, as_of=today).count(),
            "pool moves": PoolMove.objects.filter(project__in=synthetic).exclude(from_pool="").count(),
        }
    )
    return summary


def _import(rows: list[dict], *, year: int, ytd_months: int | None, name: str) -> None:
    """Through the front door: the rows written as a ledger file, read, previewed and applied."""
    content = write_ledger(rows, year=year, ytd_months=ytd_months)
    plan = ledger_preview(content=content, file_name=name, year=year)
    if not plan.ok:
        first = plan.errors[0]
        raise ValidationError(f"the demo ledger has {len(plan.errors)} errors, first: {first}")
    ledger_apply(plan, actor=None)


def _progress_reports(rows: list[tuple[int, dt.date, object]]) -> None:
    now = timezone.now()
    existing = set(
        ProgressReport.objects.filter(project_id__in={pk for pk, _, _ in rows}, corrects=None).values_list(
            "project_id", "period"
        )
    )
    months_by_project: dict[int, int] = Counter(pk for pk, _, _ in rows)
    seen: Counter = Counter()
    reports = []
    for pk, period, amount in rows:
        seen[pk] += 1
        if (pk, period) in existing:  # a month someone reported for real stays as it is
            continue
        reports.append(
            ProgressReport(
                project_id=pk,
                period=period,
                investment_completed=amount,
                physical_progress=min(100, 100 * seen[pk] // (months_by_project[pk] + 2)),
                stage="演示数据",
                narrative="演示数据：按月推进",
                status=ProgressReport.Status.APPROVED,
                submitted_at=now,
                reviewed_at=now,
                is_synthetic=True,
            )
        )
    ProgressReport.objects.bulk_create(reports, batch_size=CHUNK)


def demo_clear(*, rollup: bool = True) -> Counter:
    """Remove every synthetic row and what belongs to it, then roll the remaining years up again, so the
    register holds exactly the report data (and whatever staff entered) again."""
    removed = Counter()
    with transaction.atomic():
        project_ids = list(Project.objects.filter(is_synthetic=True).values_list("pk", flat=True))
        report_ids = list(ProgressReport.objects.filter(is_synthetic=True).values_list("pk", flat=True))
        plan_ids = list(AnnualPlan.objects.filter(is_synthetic=True).values_list("pk", flat=True))
        removed["progress reports"] = purge(ProgressReport.objects.filter(is_synthetic=True))
        removed["annual plans"] = purge(AnnualPlan.objects.filter(is_synthetic=True))
        removed["projects"] = purge(Project.objects.filter(is_synthetic=True))
        removed["companies"] = purge(Company.objects.filter(is_synthetic=True))
        removed["batches"] = purge(Batch.objects.filter(is_synthetic=True))
        _forget_history(Project, "id", project_ids)
        for model in HISTORY_BY_PROJECT:
            _forget_history(model, "project_id", project_ids)
        _forget_history(ProgressReport, "id", report_ids)
        _forget_history(AnnualPlan, "id", plan_ids)
        for campaign_year in CampaignYear.objects.filter(is_synthetic=True):
            try:
                with transaction.atomic():
                    pk = campaign_year.pk
                    campaign_year.delete()  # its roll-ups, signals and rankings go with it
                    _forget_history(CampaignYear, "id", [pk])  # the demo's year leaves no trace
                removed["campaign years"] += 1
            except ProtectedError:
                # Someone has since entered real plans or targets for the year: it stays, as a real year.
                CampaignYear.objects.filter(pk=campaign_year.pk).update(is_synthetic=False)
    if rollup and any(removed.values()):
        for campaign_year in CampaignYear.objects.order_by("year"):
            rollup_year(campaign_year=campaign_year, as_of=default_as_of(campaign_year.year))
    return removed


def _forget_history(model, column: str, ids: list[int]) -> None:
    history = model.history.model
    for start in range(0, len(ids), CHUNK):
        history.objects.filter(**{f"{column}__in": ids[start : start + CHUNK]}).delete()
