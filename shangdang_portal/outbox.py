"""The one way a write asks for background work: `queue_after_commit(task, *args)`.

The request is stored as a `PendingTask` row in the write's own transaction, then handed to Celery once the
transaction has committed. A broker that is down at that moment is logged and never reaches the user: the row
stays, and the sweep (`requeue_pending`, run by beat every few minutes and by `manage.py requeue_pending`) sends
it again. A task that succeeds clears the rows that asked for it before it started; the tasks are idempotent,
so a row sent twice costs a second run, never a wrong result.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from celery import signals
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# A row this old that was handed to the broker but never ran is taken as lost (a broker restarted without its
# data) and sent again; a younger one is left alone while it waits in line.
LOST_AFTER = dt.timedelta(hours=1)
# Rows younger than this are still being handed over by the request that wrote them.
GRACE = dt.timedelta(minutes=1)
# A task sent this many times by the sweep and still owed keeps failing: it is left (and listed by
# `manage.py requeue_pending --list`) for someone to look at, not sent every few minutes for ever.
MAX_ATTEMPTS = 20


def task_key(name: str, args) -> str:
    return json.dumps([name, list(args)], ensure_ascii=False, separators=(",", ":"), default=str)


def queue_after_commit(task, *args) -> None:
    """Owe `task(*args)` from the current transaction on, and send it to the broker once it commits."""
    from .models import PendingTask

    args = list(args)
    row = PendingTask.objects.create(task=task.name, args=args, key=task_key(task.name, args))
    transaction.on_commit(lambda: _send(task, args, row_ids=[row.pk]))


def _send(task, args, *, row_ids) -> bool:
    """Hand the task to the broker (or run it, when tasks run in-process); never raises."""
    from .models import PendingTask

    try:
        task.apply_async(args=args)
    except Exception as exc:  # broker or in-process run failed: the row stays owed and the sweep sends it again
        logger.error(
            "task %s%s not sent, left for the sweep: %r", task.name, tuple(args), exc, exc_info=not _is_broker(exc)
        )
        PendingTask.objects.filter(pk__in=row_ids).update(last_error=repr(exc)[:1000])
        return False
    # The task may already have run (in-process) and cleared its rows; this touches only those left.
    PendingTask.objects.filter(pk__in=row_ids).update(queued_at=timezone.now())
    return True


def _is_broker(exc: Exception) -> bool:
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return isinstance(exc, BrokerError | RedisConnectionError | RedisTimeoutError | OSError)


def requeue_pending(*, run_here: bool = False, grace: dt.timedelta = GRACE) -> dict:
    """Send again what is owed: rows never handed to the broker, and rows handed over so long ago that the
    message must have been lost. Each task and arguments once, however many rows ask for it. With `run_here`
    the tasks run in this process instead (for an operator while the broker is down). Rows younger than `grace`
    are left to the request that wrote them.

    Returns counts: {"sent": n, "failed": n, "left": rows still owed}."""
    from celery import current_app

    from .models import PendingTask

    now = timezone.now()
    unsent_or_lost = Q(queued_at__isnull=True) | Q(queued_at__lte=now - LOST_AFTER)
    due = PendingTask.objects.filter(unsent_or_lost, created_at__lte=now - grace, attempts__lt=MAX_ATTEMPTS)
    groups: dict[str, list[PendingTask]] = {}
    for row in due.order_by("created_at", "pk"):
        groups.setdefault(row.key, []).append(row)
    sent = failed = 0
    for rows in groups.values():
        first = rows[0]
        task = current_app.tasks.get(first.task)
        if task is None:
            logger.error("pending task %s is not a known task; left as it is", first.task)
            failed += 1
            continue
        ids = [r.pk for r in rows]
        PendingTask.objects.filter(pk__in=ids).update(attempts=first.attempts + 1)
        if run_here:
            ok = _run_here(task, first.args, row_ids=ids)
        else:
            ok = _send(task, first.args, row_ids=ids)
        sent += ok
        failed += not ok
        if not ok and not run_here:
            break  # the broker is down: the next sweep tries again, no use hammering it now
    return {"sent": sent, "failed": failed, "left": PendingTask.objects.count()}


def _run_here(task, args, *, row_ids) -> bool:
    from .models import PendingTask

    try:
        task.apply(args=args, throw=True)
    except Exception as exc:
        logger.error("task %s%s failed when run here: %r", task.name, tuple(args), exc, exc_info=True)
        PendingTask.objects.filter(pk__in=row_ids).update(last_error=repr(exc)[:1000])
        return False
    return True


@signals.task_prerun.connect
def _note_start(sender=None, task=None, **kwargs):
    (task or sender).request.outbox_started_at = timezone.now()


@signals.task_success.connect
def _clear_done(sender=None, **kwargs):
    """A task that succeeded has done what every row asking for it before it started wanted."""
    from .models import PendingTask

    request = sender.request
    started = getattr(request, "outbox_started_at", None) or timezone.now()
    key = task_key(sender.name, request.args or [])
    try:
        PendingTask.objects.filter(key=key, created_at__lte=started).delete()
    except Exception as exc:  # the work is done; a row left behind only costs one more run by the sweep
        logger.warning("task %s done but its pending rows were not cleared: %r", key, exc)
