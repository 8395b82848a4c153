"""manage.py backup: the database and the media files, into one new folder (see shangdang_portal/backups.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shangdang_portal.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format, or a SQLite copy) and the media files (a tar)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(settings.VAR_DIR / "backups"), help="folder for backups")

    def handle(self, *args, output, **options):
        try:
            folder = backup(output=Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))
