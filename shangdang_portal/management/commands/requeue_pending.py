"""manage.py requeue_pending: send again the background work that a broker outage left owed (PendingTask rows)."""

import datetime as dt

from django.core.management.base import BaseCommand

from shangdang_portal.models import PendingTask
from shangdang_portal.outbox import requeue_pending


class Command(BaseCommand):
    help = "Send owed background work (roll-ups, ledger imports) to the broker again, or run it here with --run."

    def add_arguments(self, parser):
        parser.add_argument("--run", action="store_true", help="run the owed tasks in this process (broker down)")
        parser.add_argument("--list", action="store_true", help="only list what is owed")

    def handle(self, *args, run=False, list=False, **options):
        if list:
            for row in PendingTask.objects.all():
                queued = row.queued_at.isoformat() if row.queued_at else "not sent"
                self.stdout.write(f"{row.created_at.isoformat()}  {row.key}  {queued}  {row.last_error[:80]}")
            return
        # An operator asks for everything owed now, also what a request still hands over (running twice is harmless).
        counts = requeue_pending(run_here=run, grace=dt.timedelta(0))
        verb = "ran" if run else "sent"
        self.stdout.write(f"{verb} {counts['sent']}, failed {counts['failed']}, still owed {counts['left']}")
