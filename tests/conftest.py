"""Shared test set-up: users and clients by role, service requirements, the real Celery worker, the loaded
report data.

Tests that need PostgreSQL, the Redis broker or Chromium are marked. Without the service they are
skipped on a developer's machine; under CI=true nothing may be skipped: a skip is a failure.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _missing(item) -> str | None:
    if item.get_closest_marker("postgres") and settings.DATABASES["default"]["ENGINE"].find("postgresql") < 0:
        return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    if item.get_closest_marker("broker") and not settings.REDIS_URL:
        return "needs the Redis broker: set REDIS_URL=redis://…"
    if item.get_closest_marker("browser") and not CHROMIUM:
        return "needs Debian's chromium (make browser installs it)"
    return None


def pytest_collection_modifyitems(items):
    # Broker tests share one Redis queue and each starts a real worker: under pytest-xdist they run in one
    # process, one after another (`--dist loadgroup`), so no worker takes another test's tasks.
    for item in items:
        if item.get_closest_marker("broker"):
            item.add_marker(pytest.mark.xdist_group("broker"))


def pytest_runtest_setup(item):
    reason = _missing(item)
    if reason:
        if IN_CI:
            pytest.fail(f"CI requires every service: {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped:
        # Under CI a skipped test would hide a missing service or a broken fixture: fail it instead.
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which is not allowed: {report.longrepr}"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language: a request or task run in English (LocaleMiddleware,
    a queued export) leaves its language active in the thread, and a later test would read English messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _own_page_cache(monkeypatch):
    """Each test its own namespace for the overview's cached body, as each has its own database state (the
    cache, Redis under CI, outlives a test's rolled-back transaction)."""
    from investment.dashboards import page_cache

    monkeypatch.setattr(page_cache, "KEY_PREFIX", f"overview-test-{uuid.uuid4().hex}")


@pytest.fixture
def user_of(db):
    """`user_of("staff")`: the test's one user holding that role ("staff_unassigned" is a second staff member,
    "anonymous" is nobody). Asking twice for a role gives the same user."""
    from shangdang_portal import roles

    from .factories import UserFactory

    roles.ensure_groups()
    users = {}

    def user_of(role: str):
        if role == "anonymous":
            return None
        if role not in users:
            users[role] = UserFactory(username=f"{role}-user", role=role)
        return users[role]

    return user_of


@pytest.fixture
def client_as(user_of):
    """`client_as("reviewer")`: a Django test client signed in as that role's user, for the pages."""
    from django.test import Client

    def client_as(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(user_of(role))
        return client

    return client_as


@pytest.fixture
def api_client_as(user_of):
    """`api_client_as("official")`: a REST framework client authenticated as that role's user."""
    from rest_framework.test import APIClient

    def api_client_as(role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(user_of(role))
        return client

    return api_client_as


@pytest.fixture
def places(db):
    """The district's places: 长治市 > 上党区, 潞州区; 上党经济技术开发区 > 先进装备制造园 > 光伏产业园."""
    from .factories import ParkFactory, RegionFactory

    city = RegionFactory(name="长治市", city=True)
    district = RegionFactory(name="上党区", parent=city)
    other = RegionFactory(name="潞州区", parent=city)
    zone = ParkFactory(name="上党经济技术开发区", zone=True, region=district, leading_industries=["新能源装备"])
    sub_park = ParkFactory(name="先进装备制造园", sub_park=True, parent=zone)
    cluster = ParkFactory(name="光伏产业园", cluster=True, parent=sub_park, aliases=["光伏园"])
    return {"city": city, "district": district, "other": other, "zone": zone, "sub_park": sub_park, "cluster": cluster}


@pytest.fixture
def report_data(db):
    """The five reports and their curated figures, loaded by the same command users run."""
    from django.core.management import call_command

    call_command("import_reports", verbosity=0)


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real `celery worker` process on the real Redis broker, using this test's database.

    The test must commit its data (transactional_db) for the worker, a separate process, to see it.
    """
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env["DJANGO_SETTINGS_MODULE"] = "shangdang_portal.settings.test"
    queue = f"test-{os.getpid()}"
    env["CELERY_TEST_QUEUE"] = queue
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "shangdang_portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    from shangdang_portal.celery_app import app

    # The app reads Django settings under the CELERY_ namespace, so the keys carry that prefix here too.
    app.conf.CELERY_TASK_DEFAULT_QUEUE = queue
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if app.send_task("shangdang_portal.ping", queue=queue).get(timeout=5) == "pong":
                    break
            except Exception as exc:  # the worker may still be starting; give up only at the deadline
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                    pytest.fail(f"celery worker did not answer ({exc!r}): {out[-2000:]}")
        yield {"process": proc, "queue": queue, "app": app}
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER = settings.CELERY_TASK_ALWAYS_EAGER
        app.conf.CELERY_TASK_DEFAULT_QUEUE = "celery"
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def eager_tasks():
    """Run tasks in-process for tests that are about a service's effect, not about the broker."""
    # The app reads its settings under the CELERY_ namespace, so that key is the one that counts.
    from shangdang_portal.celery_app import app

    before = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = before
