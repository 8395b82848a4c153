"""manage.py extraction_eval: the extractor's recall and precision against the curation files."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from investment.sources.curation import CurationError
from investment.sources.extraction import name_book_from_db
from investment.sources.extraction.evaluation import evaluate, overall


class Command(BaseCommand):
    help = (
        "Score the figure extractor against fixtures/curation: a curated figure is found when a candidate's "
        "quote overlaps its quote and the values agree after normalisation. -v 2 also lists the candidates "
        "that match nothing curated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", help="curation folder (default fixtures/curation)")

    def handle(self, *args, directory=None, verbosity=1, **options):
        try:
            names = name_book_from_db()
        except DatabaseError:
            names = None  # not migrated yet: the curation files' own names serve as well
        try:
            scores = evaluate(directory, names=names)
        except CurationError as exc:
            raise CommandError(f"the curation files cannot be read: {exc}") from exc
        w = self.stdout.write
        header = ("report", "curated", "found", "candidates", "matching", "recall", "precision")
        w("{:<28} {:>7} {:>6} {:>10} {:>8} {:>7} {:>9}".format(*header))
        for s in scores:
            w(
                f"{s.file:<28} {len(s.truths):>7} {s.found:>6} {len(s.candidates):>10} {s.matching:>8} "
                f"{s.recall:>7.1%} {s.precision:>9.1%}"
            )
        recall, precision = overall(scores)
        truths = sum(len(s.truths) for s in scores)
        candidates = sum(len(s.candidates) for s in scores)
        found = sum(s.found for s in scores)
        matching = sum(s.matching for s in scores)
        w(f"{'overall':<28} {truths:>7} {found:>6} {candidates:>10} {matching:>8} {recall:>7.1%} {precision:>9.1%}")
        missed = [(s.file, t) for s in scores for t in s.missed]
        w(f"missed: {len(missed)}")
        for file, t in missed:
            w(f"  {file} @{t.start} {t.label}: {t.quote}")
        if verbosity >= 2:
            unmatched = [(s.file, c) for s in scores for c in s.unmatched]
            w(f"unmatched candidates: {len(unmatched)}")
            for file, c in unmatched:
                w(f"  {file} @{c.offset} {c.kind} {c.value_printed}{c.unit_printed}: {c.quote}")
