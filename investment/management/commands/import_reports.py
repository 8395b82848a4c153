"""manage.py import_reports: (re)load the five reports and everything curated from them."""

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from tqdm import tqdm

from investment.sources.curation import CurationError
from investment.sources.importer import STEPS, import_reports


class Command(BaseCommand):
    help = "Load the report texts and the curation files (fixtures/) into the database, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("--directory", help="curation folder (default fixtures/curation)")

    def handle(self, *args, directory=None, verbosity=1, **options):
        bar = tqdm(total=len(STEPS), desc="import", unit="step", disable=verbosity < 1, file=self.stderr)

        def progress(label):
            bar.set_postfix_str(label)
            bar.update(1)

        try:
            summary = import_reports(directory=directory, progress=progress)
        except (CurationError, IntegrityError) as exc:
            raise CommandError(f"nothing was imported: {exc}") from exc
        finally:
            bar.close()
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS("imported: " + ", ".join(summary.lines())))
            for line in summary.skipped_targets:
                self.stdout.write(self.style.WARNING(f"not a target row: {line}"))
