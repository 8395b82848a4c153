"""The real services CI provides: PostgreSQL as the database, Redis as the broker of a real worker."""

import pytest
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@pytest.mark.broker
def test_a_task_goes_through_redis_to_a_real_worker_process(celery_worker_process):
    from shangdang_portal.celery_app import ping

    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    # Not eager: the result came back from the worker through the broker.
    assert result.backend.__class__.__name__ == "RedisBackend"
    assert celery_worker_process["process"].poll() is None
