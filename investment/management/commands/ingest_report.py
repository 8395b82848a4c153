"""manage.py ingest_report FILE [--title --publisher --published --url]: a new source report in (plain text,
.docx, .pdf with a text layer or a saved .html page), stored as the text its figures will quote, with its
candidate figures extracted into the review queue (/source-reports/<id>/review/)."""

from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator

from investment.sources.intake import MAX_REPORT_BYTES, read_report_file
from investment.sources.services import DuplicateReport, report_ingest


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Store a new source report (text, .docx, .pdf, .html) and extract its candidate figures for review."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the report: .txt (UTF-8), .docx, .pdf (with a text layer) or .html")
        parser.add_argument("--title", default="", help="default: the file's title or its first line")
        parser.add_argument("--publisher", default="", help="who published it")
        parser.add_argument("--published", default="", help="publication date, YYYY-MM-DD")
        parser.add_argument("--url", default="", help="where it was published")

    def handle(self, *args, file, title, publisher, published, url, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"file: {file}: no such file")
        if path.stat().st_size > MAX_REPORT_BYTES:
            raise CommandError(f"file: {file}: larger than {MAX_REPORT_BYTES // 2**20} MB")
        try:
            published_on = date.fromisoformat(published) if published else None
        except ValueError:
            raise CommandError(f"published: {published!r} is not a date (YYYY-MM-DD)") from None
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                raise CommandError(f"url: {url!r} is not a web address") from None
        try:
            read = read_report_file(path.read_bytes(), path.name)
            report = report_ingest(
                text=read.text,
                title=title or read.title,
                publisher=publisher or read.publisher,
                published_on=published_on or read.published_on,
                source_url=url,
                file_name=path.name,
                text_field="file",
            )
        except DuplicateReport as duplicate:
            raise CommandError(
                f"{_errors(duplicate)} Stored as /source-reports/{duplicate.report.pk}/; nothing was saved."
            ) from None
        except ValidationError as exc:
            raise CommandError(f"{_errors(exc)} Nothing was saved.") from None
        count = report.candidates.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"stored source report {report.pk} “{report.title}”: {len(report.text)} characters, "
                f"{count} candidate figures to review at /source-reports/{report.pk}/review/"
            )
        )
