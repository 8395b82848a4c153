"""Faults an operator meets: Redis (broker and cache) or PostgreSQL down. Committed work is never answered with a
500 and never lost: a roll-up the broker could not take stays owed (PendingTask) until the sweep sends it again.

The broker faults are real: a port nothing listens on, or a private redis-server this test starts and stops.
"""

import datetime as dt
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import kombu.pools
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from investment.models import CampaignYear, Rollup
from investment.rollups.run import rollup_year
from shangdang_portal.celery_app import app
from shangdang_portal.models import PendingTask
from shangdang_portal.outbox import requeue_pending
from tests.factories import UserFactory
from tests.investment.builders import project, report
from tests.investment.builders import world as build_world

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def celery_broker(url: str, *, queue: str = "celery"):
    """Point this process's Celery app at a real broker (tasks are sent, not run in-process), then back."""
    conf = app.conf
    before = (conf.CELERY_BROKER_URL, conf.CELERY_TASK_ALWAYS_EAGER, conf.get("CELERY_TASK_DEFAULT_QUEUE", "celery"))

    def reconnect():
        # Close and forget every pooled broker connection (kombu keeps one pool per URL), as Celery does after a fork.
        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    conf.CELERY_BROKER_URL, conf.CELERY_TASK_ALWAYS_EAGER, conf.CELERY_TASK_DEFAULT_QUEUE = url, False, queue
    reconnect()
    try:
        yield
    finally:
        conf.CELERY_BROKER_URL, conf.CELERY_TASK_ALWAYS_EAGER, conf.CELERY_TASK_DEFAULT_QUEUE = before
        reconnect()


def _approve(reviewer, draft):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(reviewer)
    return api.post(f"/api/v1/progress-reports/{draft.pk}/approve/", HTTP_IF_MATCH=f'"{draft.version}"')


def _progress_row(scope, day):
    return Rollup.objects.get(region=scope, as_of=day, source="progress", indicator__code="project_investment")


@pytest.mark.django_db(transaction=True)
def test_an_approval_while_the_broker_is_down_answers_200_and_the_sweep_rolls_it_up(caplog):
    today = dt.date.today()
    w = build_world(year=today.year)
    draft = report(project(w["district"]), today.replace(day=1), "88.5", status="submitted")
    rollup_year(campaign_year=CampaignYear.objects.get(year=today.year), as_of=today)
    reviewer = UserFactory(username="reviewer-broker-down", role="reviewer")

    with celery_broker(f"redis://127.0.0.1:{_free_port()}/3"), caplog.at_level(logging.ERROR):
        response = _approve(reviewer, draft)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    # The approval is committed, its roll-up owed and said so in the log; nothing computed yet.
    owed = PendingTask.objects.get()
    assert (owed.task, owed.args, owed.queued_at) == ("investment.rollup_project", [draft.project_id], None)
    assert "Connection refused" in owed.last_error or "Error" in owed.last_error
    assert any("left for the sweep" in r.getMessage() for r in caplog.records)
    assert _progress_row(w["district"], today).actual == 0

    # The operator's sweep (tasks in-process here, as without a broker) does the owed work and clears it.
    call_command("requeue_pending", "--run", stdout=open(os.devnull, "w"))
    assert _progress_row(w["district"], today).actual == Decimal("88.5")
    assert not PendingTask.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_sweep_leaves_work_owed_while_the_broker_is_down_and_does_each_task_once():
    today = dt.date.today()
    w = build_world(year=today.year)
    reviewer = UserFactory(username="reviewer-sweep", role="reviewer")
    p = project(w["district"])
    this_month = report(p, today.replace(day=1), "10", status="submitted")
    last_month = report(p, (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1), "5", status="submitted")
    with celery_broker(f"redis://127.0.0.1:{_free_port()}/3"):
        assert _approve(reviewer, this_month).status_code == 200
        assert _approve(reviewer, last_month).status_code == 200
        # Two approvals of one project owe the same roll-up; the broker is still down, so it stays owed.
        assert requeue_pending(grace=dt.timedelta(0)) == {"sent": 0, "failed": 1, "left": 2}
    assert list(PendingTask.objects.values_list("attempts", "queued_at")) == [(1, None), (1, None)]
    # Run here (as `requeue_pending --run` does): one run for both rows, which it clears.
    assert requeue_pending(run_here=True, grace=dt.timedelta(0)) == {"sent": 1, "failed": 0, "left": 0}


@pytest.mark.django_db
def test_anonymous_api_reads_answer_while_the_cache_is_down(client, settings):
    # The throttle counts anonymous requests in the cache; a cache that does not answer lets the request through.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_free_port()}/3",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    assert settings.CACHES["default"]["OPTIONS"] == _production_cache_options()
    response = client.get("/api/v1/projects/")
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 0


def _production_cache_options() -> dict:
    """The cache options the settings give when REDIS_URL is set (read as an operator's process would)."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "o = s.CACHES['default']['OPTIONS']; print(json.dumps({**o, 'SOCKET_CONNECT_TIMEOUT': 1, 'SOCKET_TIMEOUT': 1}))"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="shangdang_portal.settings.dev", REDIS_URL="redis://x:6379/0")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    import json

    return json.loads(out.stdout)


# --- the database down -------------------------------------------------------------------------------------


@contextmanager
def database_unreachable():
    """The default connection pointed at a port nothing listens on."""
    conn = connections["default"]
    before = dict(conn.settings_dict)
    conn.close()
    conn.settings_dict["PORT"] = _free_port()
    conn.settings_dict["HOST"] = "127.0.0.1"
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict.clear()
        conn.settings_dict.update(before)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/", "/projects/", "/parks/"])
def test_a_page_answers_503_with_retry_after_while_the_database_is_down(client, path):
    with database_unreachable():
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert "数据库暂时无法访问" in response.content.decode() or "database" in response.content.decode().lower()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_in_the_shared_error_shape_while_the_database_is_down(client):
    with database_unreachable():
        response = client.get("/api/v1/projects/", HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER_SECONDS)
    error = response.json()["error"]
    assert (error["status"], error["code"], error["fields"]) == (503, "service_unavailable", {})
    assert error["message"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_on_a_port_nothing_listens_on_gives_503_not_500(client):
    with database_unreachable():
        page = client.get("/projects/")
        api = client.get("/api/v1/figures/")
    assert (page.status_code, api.status_code) == (503, 503)
    assert api.json()["error"]["code"] == "service_unavailable"
    # Once it answers again, so does the portal.
    assert client.get("/api/v1/figures/").status_code == 200


# --- a private Redis stopped during approvals, a real worker, the sweep once it is back -----------------------


class PrivateRedis:
    def __init__(self):
        self.port = _free_port()
        self.process = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis.from_url(self.url(0))
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("private redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis():
    if not REDIS_SERVER:
        pytest.fail("redis-server is not installed (the CI script starts one)")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def _worker(broker_url: str, queue: str) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="shangdang_portal.settings.test", REDIS_URL=broker_url)
    env["DATABASE_URL"] = f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    command = [sys.executable, "-m", "celery", "-A", "shangdang_portal", "worker", "--pool=solo", "-Q", queue]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _wait_for(check, what: str, seconds: int = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    pytest.fail(f"{what} within {seconds} s")


@pytest.mark.broker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_redis_stopped_during_approvals_loses_nothing_once_it_returns(private_redis, client, settings):
    today = dt.date.today()
    w = build_world(year=today.year)
    p = project(w["district"])
    first = report(p, today.replace(day=1), "100", status="submitted")
    second = report(project(w["district"]), today.replace(day=1), "23.5", status="submitted")
    rollup_year(campaign_year=CampaignYear.objects.get(year=today.year), as_of=today)
    reviewer = UserFactory(username="reviewer-redis-fault", role="reviewer")
    # The cache the throttle uses lives in the same Redis, as in docker-compose.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": private_redis.url(2),
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    queue = f"faults-{os.getpid()}"
    worker = _worker(private_redis.url(1), queue)
    try:
        with celery_broker(private_redis.url(1), queue=queue):
            assert _approve(reviewer, first).status_code == 200
            _wait_for(lambda: _progress_row(w["district"], today).actual == 100, "the worker rolled up the first")
            _wait_for(lambda: not PendingTask.objects.exists(), "the finished roll-up cleared what it owed")

            private_redis.stop()
            response = _approve(reviewer, second)
            assert response.status_code == 200, response.content
            assert client.get("/api/v1/projects/").status_code == 200  # the throttle's cache is down too
            assert PendingTask.objects.filter(args=[second.project_id], queued_at=None).count() == 1
            assert _progress_row(w["district"], today).actual == 100

            private_redis.start()
            # The worker reconnects on its own; the sweep (beat's task, here called directly) sends what is owed.
            assert requeue_pending(grace=dt.timedelta(0))["sent"] == 1
            _wait_for(lambda: _progress_row(w["district"], today).actual == Decimal("123.5"), "the sweep's roll-up ran")
            _wait_for(lambda: not PendingTask.objects.exists(), "the owed roll-up was cleared")
        assert worker.poll() is None
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
