"""The ledger's Celery task: applying a confirmed upload, which can outlast a web request."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from ..models import LedgerImport
from ..tasks import RETRY
from .services import ledger_confirm


@shared_task(name="investment.ledger_apply", soft_time_limit=25 * 60, time_limit=30 * 60, **RETRY)
def ledger_apply_task(upload_id: int, actor_id: int | None = None) -> dict:
    """Apply a confirmed ledger upload; running it again finds every row unchanged and writes nothing."""
    upload = LedgerImport.objects.get(pk=upload_id)
    if upload.status != LedgerImport.Status.APPLYING:
        # Sent again after a broker outage (shangdang_portal.outbox) once it had already been applied or had failed:
        # what the user was shown stands.
        return {"skipped": upload.status}
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        _plan, written = ledger_confirm(upload=upload, actor=actor)
    except ValidationError as exc:
        return {"failed": exc.messages}
    except RETRY["autoretry_for"]:
        raise  # the database or broker blinked: retried, the upload stays 导入中 meanwhile
    except Exception as exc:
        # Anything else would leave the upload 导入中 for ever: say it failed (nothing was saved), then raise.
        LedgerImport.objects.filter(pk=upload_id).update(status=LedgerImport.Status.FAILED, error=repr(exc)[:500])
        raise
    return dict(written)
