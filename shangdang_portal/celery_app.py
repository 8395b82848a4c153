"""The Celery app: configured from Django settings (CELERY_*), tasks found in each app's tasks.py and in
investment/ledger/tasks.py and projects/progress/tasks.py."""

import os

from celery import Celery

# Connects the signals that clear a PendingTask once its task has succeeded, in every process that runs tasks.
from . import outbox  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shangdang_portal.settings.dev")

app = Celery("shangdang_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app's tasks.py, and those living with a package inside an app (the ledger's, the progress workflow's).
app.autodiscover_tasks()
app.autodiscover_tasks(["investment.ledger", "projects.progress"])


@app.task(name="shangdang_portal.ping")
def ping() -> str:
    """Answers from whichever process runs it; the broker test and /healthz use it."""
    return "pong"
