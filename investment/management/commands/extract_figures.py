"""manage.py extract_figures FILE: the candidate figures the extractor finds in a text file."""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from investment.sources.extraction import extract_candidates, name_book_from_db


def read_text(path: Path) -> str:
    """The file's text, or a CommandError that says why it cannot be read as a report."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise CommandError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise CommandError(f"{path}: is a folder, not a text file") from exc
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if b"\0" in data:
        raise CommandError(f"{path}: is a binary file, not UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: is not UTF-8 text (byte {exc.start} cannot be decoded)") from exc
    if not text.strip():
        raise CommandError(f"{path}: is empty")
    return text


def parse_day(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--published {value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Print the candidate figures the extractor finds in a UTF-8 text file (names from the database)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a UTF-8 text file")
        parser.add_argument("--json", action="store_true", dest="as_json", help="one JSON object per line")
        parser.add_argument("--published", help="the text's publication date, YYYY-MM-DD (resolves 今年 …)")

    def handle(self, *args, file, as_json=False, published=None, **options):
        published_on = parse_day(published)
        text = read_text(Path(file))
        try:
            names = name_book_from_db()
        except DatabaseError as exc:
            raise CommandError(f"the names of regions, parks and projects cannot be read: {exc} (run migrate)") from exc
        candidates = extract_candidates(text, published_on=published_on, names=names)
        for c in candidates:
            self.stdout.write(_as_json_line(c) if as_json else _as_line(c))
        if not as_json and options.get("verbosity", 1) >= 1:
            self.stderr.write(f"{len(candidates)} candidates")


def _as_json_line(candidate) -> str:
    return json.dumps(candidate.as_json(), ensure_ascii=False)


def _as_line(c) -> str:
    scope = f"{c.scope.kind}:{c.scope.name}{'' if c.scope.id is not None else '(new)'}" if c.scope else "-"
    what = c.milestone if c.kind == "milestone" else (c.indicator or "-")
    return (
        f"{c.offset:>6}  {c.kind:<9} {c.comparator}{c.value_printed}{c.unit_printed} = {c.value} {c.unit}  "
        f"{c.period or '-'}  {scope}  {what}  {c.confidence:.2f}  「{c.quote}」"
    )
