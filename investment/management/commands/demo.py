"""manage.py demo: load the demo data set on top of the report data (or remove it with --clear)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from investment.demo.services import DEFAULT_PROJECTS, STEPS, demo_clear, demo_load


class Command(BaseCommand):
    help = (
        "Load 演示数据: fictitious projects imported through a sample ledger, plans and approved monthly "
        "progress for the campaign year, rolled up (every row flagged is_synthetic). --clear removes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clear", action="store_true", help="remove every synthetic row and roll up again")
        parser.add_argument("--projects", type=int, default=DEFAULT_PROJECTS, help="fictitious projects (10–500)")
        parser.add_argument("--today", help="YYYY-MM-DD: the day the demo is loaded for (default today)")

    def handle(self, *args, clear=False, projects=DEFAULT_PROJECTS, today=None, verbosity=1, **options):
        if clear:
            removed = demo_clear()
            if verbosity >= 1:
                counts = ", ".join(f"{name}: {n}" for name, n in removed.items() if n)
                self.stdout.write(self.style.SUCCESS(f"removed demo rows: {counts or 'none'}"))
            return
        if not 10 <= projects <= 500:
            raise CommandError("--projects must be between 10 and 500")
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today must be YYYY-MM-DD: {today!r}") from exc
        bar = tqdm(total=len(STEPS), desc="demo", disable=verbosity < 1, file=self.stderr)

        def progress(label):
            if bar.n or label != STEPS[0]:
                bar.update(1)
            bar.set_postfix_str(label)

        try:
            summary = demo_load(projects=projects, today=day, progress=progress)
            bar.update(1)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        finally:
            bar.close()
        if verbosity >= 1:
            for line in summary.lines():
                self.stdout.write(self.style.SUCCESS(line))
            self.stdout.write("remove it with: python manage.py demo --clear (or make demo-clear)")
