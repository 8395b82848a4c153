"""manage.py export_oc4ids [--output FILE] [--base-url URL]: the public projects as an OC4IDS 0.9 project package."""

import json
import sys

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError

from investment.api.opendata import place_notes
from investment.opendata import oc4ids


class Command(BaseCommand):
    help = "Write the public projects as an OC4IDS 0.9 project package (JSON), to stdout or --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default: standard output)")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="the portal's address, for the package's and the documents' links",
        )

    def handle(self, *args, output=None, base_url, **options):
        base = base_url.rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise CommandError("--base-url must start with http:// or https://")
        # What anyone may see: the command publishes open data, never what only officials read.
        projects = oc4ids.project_queryset(user=AnonymousUser())
        package = oc4ids.project_package(
            projects, uri=f"{base}/api/v1/oc4ids/", request_uri=lambda path: base + path, place_note=place_notes()
        )
        text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
        if output:
            try:
                with open(output, "w", encoding="utf-8") as handle:
                    handle.write(text)
            except OSError as exc:
                raise CommandError(f"cannot write {output}: {exc.strerror}") from None
            self.stderr.write(f"{len(package['projects'])} projects written to {output}")
        else:
            sys.stdout.write(text)
