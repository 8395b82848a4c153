"""manage.py restore FOLDER: put a backup back (see shangdang_portal/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shangdang_portal.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a folder written by `manage.py backup`: the database (replacing its tables) and the media files."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder written by manage.py backup")
        parser.add_argument("--database-url", help="restore into this database instead (e.g. a fresh one)")
        parser.add_argument("--no-media", action="store_true", help="leave the media files as they are")
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the database")

    def handle(self, *args, folder, database_url=None, no_media=False, yes=False, **options):
        if not Path(folder).is_dir():
            raise CommandError(f"{folder} is not a folder written by manage.py backup")
        if not yes:
            answer = input(f"Replace the contents of {database_url or 'the configured database'}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("nothing restored")
        try:
            result = restore(folder=Path(folder), database_url=database_url, media=not no_media)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {result['database']} and {result['media_files']} media files")
