"""Fixtures for the roll-up tests."""

import pytest

from shangdang_portal.celery_app import app

from .builders import world as build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def eager_tasks():
    """Run tasks in-process for tests that are about a service's effect, not about the broker."""
    # The app reads its settings under the CELERY_ namespace, so that key is the one that counts.
    before = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = before
