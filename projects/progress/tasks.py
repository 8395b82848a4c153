"""Celery tasks of the progress workflow: they call a service and own the retries."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    name="projects.progress_reminders",
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=5,
    acks_late=True,
)
def progress_reminders_task(today: str | None = None) -> int:
    """The daily reminder of months not submitted (beat: CELERY_BEAT_SCHEDULE); safe to run again."""
    day = dt.date.fromisoformat(today) if today else None
    return len(services.progress_reminders_send(today=day))
