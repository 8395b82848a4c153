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
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
