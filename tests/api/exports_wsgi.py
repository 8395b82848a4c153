"""The portal's WSGI application for a gunicorn started by a test: its tasks go to the test's own queue, where
the test's worker (tests/conftest.py `celery_worker_process`) takes them."""

import os

from shangdang_portal.celery_app import app
from shangdang_portal.wsgi import application  # noqa: F401  (sets Django up)

# The app reads Django settings under the CELERY_ namespace, so the key carries that prefix here too.
app.conf.CELERY_TASK_DEFAULT_QUEUE = os.environ["CELERY_TEST_QUEUE"]
app.conf.CELERY_TASK_ALWAYS_EAGER = False
