"""manage.py generate_synthetic: a synthetic data set of a chosen size for benchmarks (rows flagged is_synthetic)."""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from parks.models import IndustryChain, Park, Region
from projects.models import Category, Company, ConstructionType, Pool, PriorityLevel, ProgressReport, Project, Signal
from projects.synthetic import purge

BATCH = 2000


def _months(count: int, end: datetime.date) -> list[datetime.date]:
    months, year, month = [], end.year, end.month
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(months)


class Command(BaseCommand):
    help = "Create synthetic companies, projects and approved monthly progress (is_synthetic=True) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=1000, help="number of projects to add")
        parser.add_argument("--months", type=int, default=12, help="approved monthly reports per project")
        parser.add_argument("--companies", type=int, default=0, help="companies to add (default: projects / 5)")
        parser.add_argument("--seed", type=int, default=2024, help="random seed, for repeatable data")
        parser.add_argument("--clear", action="store_true", help="delete all synthetic rows first")

    def handle(self, *args, projects, months, companies, seed, clear, **options):
        if projects < 0 or months < 0 or months > 120:
            raise CommandError("--projects must be ≥ 0 and --months between 0 and 120")
        if companies < 0:
            raise CommandError("--companies must be ≥ 0 (0: one company per five projects)")
        rng = random.Random(seed)
        if clear:
            self._clear()
        if not projects:
            return
        with transaction.atomic():
            city, _ = Region.objects.get_or_create(name="长治市", defaults={"level": "city"})
            district, _ = Region.objects.get_or_create(
                name=settings.HOME_REGION, defaults={"level": "district", "parent": city}
            )
            parks = list(Park.objects.values_list("pk", flat=True)) or [None]
            chains = list(IndustryChain.objects.values_list("pk", flat=True)) or [None]
            # Numbering continues after earlier runs so names stay unique without --clear.
            start = Project.objects.filter(is_synthetic=True).count()
            company_count = companies or max(1, projects // 5)
            company_start = Company.objects.filter(is_synthetic=True).count()
            new_companies = self._bulk(
                Company,
                (
                    Company(name=f"合成企业{company_start + i:07d}", region=district, is_synthetic=True)
                    for i in range(company_count)
                ),
                company_count,
                "companies",
            )
            company_ids = [c.pk for c in new_companies]
            new_projects = self._bulk(
                Project,
                (self._project(rng, start + i, district, parks, chains, company_ids) for i in range(projects)),
                projects,
                "projects",
            )
            # The month as it is in the district (Asia/Shanghai), not on the host's clock.
            periods = _months(months, timezone.localdate().replace(day=1))
            reports = (
                ProgressReport(
                    project_id=project.pk,
                    period=period,
                    investment_completed=Decimal(rng.randint(0, 500000)) / 100,
                    physical_progress=min(100, (n + 1) * 100 // max(1, months)),
                    status=ProgressReport.Status.APPROVED,
                    is_synthetic=True,
                )
                for project in new_projects
                for n, period in enumerate(periods)
            )
            self._bulk(ProgressReport, reports, len(new_projects) * len(periods), "progress reports")
        if connection.vendor == "postgresql":
            # Fresh planner statistics, as autovacuum would gather a little later: on a table it still
            # believes small, PostgreSQL picks plans that walk every row once per lookup.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"added {company_count} companies, {projects} projects, {projects * months} progress reports")

    def _project(self, rng, n, region, parks, chains, company_ids) -> Project:
        start = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randint(0, 700))
        return Project(
            name=f"合成项目{n:07d}",
            region=region,
            park_id=rng.choice(parks),
            industry_chain_id=rng.choice(chains),
            company_id=rng.choice(company_ids),
            category=rng.choice(Category.values),
            construction_type=rng.choice(ConstructionType.values),
            priority_level=rng.choice(PriorityLevel.values),
            pool=rng.choice(Pool.values),
            signal=rng.choice(Signal.values),
            total_investment=Decimal(rng.randint(1000, 50_000_000)) / 100,
            planned_start=start,
            planned_end=start + datetime.timedelta(days=rng.randint(180, 1000)),
            in_statistics=rng.random() < 0.6,
            is_major=rng.random() < 0.2,
            is_public=rng.random() < 0.9,
            description="合成数据，用于性能测试",
            is_synthetic=True,
        )

    def _bulk(self, model, rows, total, label):
        created, batch = [], []
        with tqdm(total=total, desc=label, unit="rows", disable=total == 0) as bar:
            for row in rows:
                batch.append(row)
                if len(batch) == BATCH:
                    created += model.objects.bulk_create(batch)
                    bar.update(len(batch))
                    batch = []
            if batch:
                created += model.objects.bulk_create(batch)
                bar.update(len(batch))
        return created

    @transaction.atomic
    def _clear(self):
        # Set-based deletes, children before parents: Django's delete() collects and signals row by
        # row (history, cascades), which took minutes at 100,000 projects. Only synthetic projects and
        # companies and what hangs off them go; the database's foreign keys still refuse anything else.
        reports = ProgressReport.objects.filter(project__is_synthetic=True).count()
        try:
            projects = purge(Project.objects.filter(is_synthetic=True))
            companies = purge(Company.objects.filter(is_synthetic=True))
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        self.stdout.write(f"cleared synthetic rows: {projects} projects, {companies} companies, {reports} reports")
