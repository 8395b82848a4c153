"""manage.py import_ledger FILE [--year Y] [--dry-run]: the district's ledger (台账) in, with the same preview
the portal's page shows; nothing is saved when any row is in error."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from investment.ledger.reader import MAX_FILE_BYTES
from investment.ledger.services import ledger_apply, ledger_preview


class Command(BaseCommand):
    help = "Import a project ledger (XLSX or CSV): preview every row, then save all of it or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the ledger, .xlsx or .csv")
        parser.add_argument(
            "--year", type=int, help="campaign year of the plan and 1-N月 columns (default: the sheet's)"
        )
        parser.add_argument("--dry-run", action="store_true", help="print the preview and save nothing")

    def handle(self, *args, file, year=None, dry_run=False, verbosity=1, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{file}: larger than {MAX_FILE_BYTES // 2**20} MB")
        if year is not None and not 2000 <= year <= 2100:
            raise CommandError("--year must be a year between 2000 and 2100")
        plan = ledger_preview(content=path.read_bytes(), file_name=path.name, year=year)
        self._print_preview(plan, verbosity)
        if not plan.ok:
            raise CommandError(f"{len(plan.errors)} error(s): nothing was imported")
        if dry_run:
            self.stdout.write("dry run: nothing was saved")
            return
        todo = plan.counts.get("new", 0) + plan.counts.get("changed", 0)
        bar = tqdm(total=todo, desc="import", unit="row", disable=verbosity < 1 or not todo, file=self.stderr)
        try:
            written = ledger_apply(plan, actor=None, progress=lambda: bar.update(1))
        except ValidationError as exc:
            raise CommandError(f"nothing was imported: {'; '.join(exc.messages)}") from exc
        finally:
            bar.close()
        self.stdout.write(
            self.style.SUCCESS(f"imported: {written.get('new', 0)} new, {written.get('changed', 0)} changed")
        )

    def _print_preview(self, plan, verbosity: int) -> None:
        counts = plan.counts
        self.stdout.write(
            f"{plan.file_name} ({plan.year}): {counts.get('new', 0)} new, {counts.get('changed', 0)} changed, "
            f"{counts.get('unchanged', 0)} unchanged, {counts.get('error', 0)} in error; skipped "
            + ", ".join(f"{n} {reason}" for reason, n in plan.sheet.skipped.items() if n)
        )
        for warning in plan.sheet.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        for error in plan.errors:
            where = f"line {error.line}, {error.column}" if error.line else "sheet"
            self.stderr.write(
                self.style.ERROR(f"error: {where}: {error.message}" + (f" ({error.value})" if error.value else ""))
            )
        if verbosity >= 2:
            for row in plan.rows:
                if row.action in ("new", "changed"):
                    self.stdout.write(f"{row.action}: line {row.line} {row.name}")
                    for change in row.changes:
                        self.stdout.write(f"    {change.label}: {change.before or '—'} → {change.after}")
