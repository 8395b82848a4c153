"""The 上党区 major-project portal: settings, Celery app, root URLs."""

from .celery_app import app as celery_app

__all__ = ["celery_app"]
