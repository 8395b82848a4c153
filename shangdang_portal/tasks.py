"""The portal's own periodic task: sending again the work a broker outage left owed."""

from celery import shared_task

from .outbox import requeue_pending


@shared_task(name="shangdang_portal.requeue_pending")
def requeue_pending_task() -> dict:
    return requeue_pending()
