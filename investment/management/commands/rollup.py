"""manage.py rollup: compute the roll-ups of a campaign year (or one project's scopes) and print a summary."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from investment.models import CampaignYear
from investment.rollups.run import RollupSummary, rollup_for_project, rollup_year
from projects.models import Project
from shangdang_portal.calendar import default_as_of

STEPS = ["progress and milestones", "report figures", "三个一批", "四库", "signals"]


class Command(BaseCommand):
    help = "Roll up progress, milestones and report figures against the campaign targets; set the signals."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="campaign year (default: every campaign year)")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default today, or 12-31 for past years)")
        parser.add_argument("--project", type=int, help="only the scopes and signal of this project")

    def handle(self, *args, year=None, as_of=None, project=None, verbosity=1, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError as exc:
            raise CommandError(f"--as-of must be YYYY-MM-DD: {as_of!r}") from exc
        if day and year and day.year != year:
            raise CommandError(f"--as-of {day} is not in --year {year}")
        if project is not None:
            if year is not None:
                # A project's roll-up covers every campaign year (or the year of --as-of); a --year would
                # be silently ignored, so say so instead.
                raise CommandError("--project rolls up every campaign year; give --as-of instead of --year")
            if not Project.objects.filter(pk=project).exists():
                raise CommandError(f"no project with id {project}")
            summaries = {"project": rollup_for_project(project_id=project, as_of=day)}
        else:
            years = CampaignYear.objects.order_by("year")
            if year or day:
                years = years.filter(year=year or day.year)
                if not years.exists():
                    raise CommandError(f"no campaign year {year or day.year}; import the reports first")
            summaries = {}
            for campaign_year in years:
                when = day or default_as_of(campaign_year.year)
                bar = tqdm(
                    total=len(STEPS),
                    desc=f"rollup {campaign_year.year} @ {when}",
                    disable=verbosity < 1,
                    file=self.stderr,
                )

                def progress(label, bar=bar):
                    bar.set_postfix_str(label)
                    bar.update(1)

                try:
                    summaries[campaign_year.year] = rollup_year(
                        campaign_year=campaign_year, as_of=when, progress=progress
                    )
                finally:
                    bar.close()
        if verbosity >= 1:
            if not summaries:
                self.stdout.write(self.style.WARNING("no campaign year to roll up"))
            for label, summary in summaries.items():
                for line in (summary or RollupSummary()).lines():
                    self.stdout.write(self.style.SUCCESS(f"{label}: {line}"))
