"""KeyedRows reads what values() reads, for any keys, from SQL compiled once; on PostgreSQL its statements are
prepared, and still logged and counted as every other query."""

import datetime
from decimal import Decimal

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Project
from shangdang_portal.keyed_rows import KeyedRows
from shangdang_portal.pagination import page_keys
from shangdang_portal.prepared import prepared_cursor
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "name", "aliases", "total_investment", "planned_start", "is_public", "updated_at", "region__name")


def _projects():
    return [
        ProjectFactory(
            name=f"项目{i}",
            aliases=[f"别名{i}", "甲"] if i % 2 else [],
            total_investment=Decimal(f"{i}000.50") if i % 3 else None,
            planned_start=datetime.date(2025, 1 + i, 1) if i % 2 else None,
            is_public=bool(i % 2),
        )
        for i in range(6)
    ]


def test_rows_equal_those_values_gives_for_the_same_keys():
    projects = _projects()
    rows = KeyedRows(lambda: Project.objects.order_by("name").values(*COLUMNS))
    for keys in ([p.pk for p in projects], [projects[4].pk, projects[1].pk], [projects[2].pk]):
        expected = list(Project.objects.filter(pk__in=keys).order_by("name").values(*COLUMNS))
        assert rows(keys) == expected
        assert rows(keys)[0]["aliases"] == expected[0]["aliases"]  # JSON read back as lists, not text
    backwards = [p.pk for p in reversed(projects)] + [987654321]
    assert [row["id"] for row in rows.in_order(backwards)] == backwards[:-1]  # a page's order; unknown keys left out


def test_rows_keyed_by_another_column():
    projects = _projects()
    rows = KeyedRows(lambda: Project.objects.order_by("pk").values("id", "region_id"), key="region_id")
    assert {row["id"] for row in rows([projects[0].region_id])} == {
        p.pk for p in projects if p.region_id == projects[0].region_id
    }


def test_no_keys_ask_nothing_and_unknown_keys_find_nothing():
    rows = KeyedRows(lambda: Project.objects.values("id"))
    with CaptureQueriesContext(connection) as queries:
        assert rows([]) == []
    assert len(queries) == 0
    assert rows([987654321]) == []


def test_each_read_is_one_logged_query():
    projects = _projects()
    rows = KeyedRows(lambda: Project.objects.values("id"))
    rows([projects[0].pk])
    with CaptureQueriesContext(connection) as queries:
        rows([p.pk for p in projects])
    assert len(queries) == 1
    assert '"projects_project"' in queries[0]["sql"]  # logged as any query is, prepared or not


@pytest.mark.postgres
def test_on_postgresql_the_statement_is_prepared_once_and_reused():
    projects = _projects()
    rows = KeyedRows(lambda: Project.objects.order_by("name").values("id", "name"))
    for project in projects:
        rows([project.pk])
    with prepared_cursor(connection) as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ['SELECT "projects_project"."id" AS "id", "projects_project"."name" AS "name" FROM %'],
        )
        (runs,) = cursor.fetchone()
    assert runs == len(projects)


@pytest.mark.postgres
def test_prepared_statements_can_be_turned_off(settings):
    settings.PREPARED_STATEMENTS = False
    project = ProjectFactory()

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    before = prepared()
    rows = KeyedRows(lambda: Project.objects.values("id", "code"))
    assert rows([project.pk]) == [{"id": project.pk, "code": project.code}]
    assert prepared() == before


def test_a_page_reads_its_keys_rows_and_count_in_one_query():
    projects = _projects()
    rows = KeyedRows(lambda: Project.objects.order_by().values(*COLUMNS))
    listed = Project.objects.filter(pk__in=[p.pk for p in projects[1:]]).order_by("-name", "pk")
    expected = {row["id"]: row for row in Project.objects.values(*COLUMNS)}
    for bottom, top in ((0, 2), (2, 4), (4, 6)):
        page = page_keys(listed, bottom, top)
        with CaptureQueriesContext(connection) as queries:
            found = rows.in_order(page)
        assert len(queries) == 1
        assert "COUNT(*)" in queries[0]["sql"] and "LIMIT" in queries[0]["sql"]
        keys = list(listed.values_list("pk", flat=True)[bottom:top])
        assert [row["id"] for row in found] == keys == page.keys  # in the list's order, not the keys'
        assert found == [expected[key] for key in keys]
        assert page.total == 5 if keys else page.total is None


def test_page_keys_read_by_anything_else_run_their_own_query():
    projects = _projects()
    page = page_keys(Project.objects.order_by("name"), 1, 3)
    with CaptureQueriesContext(connection) as queries:
        assert list(page) == [projects[1].pk, projects[2].pk]
        assert list(page) == [projects[1].pk, projects[2].pk]
    assert len(queries) == 1
    assert page.total == len(projects)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_prepared_read_replaces_a_connection_the_server_dropped():
    # A persistent connection is health-checked once per request before it is used (CONN_HEALTH_CHECKS), by a
    # prepared read as by Django's own cursors: a request after the server dropped it is answered, not failed.
    project = ProjectFactory()
    rows = KeyedRows(lambda: Project.objects.values("id"))
    assert rows([project.pk]) == [{"id": project.pk}]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    params = connection.get_connection_params()
    dsn = {key: params[key] for key in ("dbname", "host", "port", "user", "password") if params.get(key)}
    with psycopg.connect(**dsn, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    connection.health_check_done = False  # a new request (close_old_connections on request_started)
    assert rows([project.pk]) == [{"id": project.pk}]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_prepared_read_is_the_check_of_a_healthy_kept_connection(monkeypatch):
    project = ProjectFactory()
    rows = KeyedRows(lambda: Project.objects.values("id"))
    rows([project.pk])
    checks = []
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or True)
    connection.health_check_done = False  # a new request
    assert rows([project.pk]) == [{"id": project.pk}]
    assert checks == []  # no SELECT 1 before it: the read itself showed the connection works
    assert connection.health_check_done  # and nothing later in the request checks again
    connection.health_check_done = False
    with connection.cursor() as cursor:  # a request that starts with any other query is checked first
        cursor.execute("SELECT 1")
    assert checks == [1]


@pytest.mark.postgres
def test_timestamps_are_read_as_django_reads_them():
    projects = _projects()
    keys = [p.pk for p in projects]
    rows = KeyedRows(lambda: Project.objects.order_by("pk").values("id", "created_at", "updated_at"))
    expected = list(Project.objects.filter(pk__in=keys).order_by("pk").values("id", "created_at", "updated_at"))
    assert [repr(row) for row in rows(keys)] == [repr(row) for row in expected]  # the same instants and zone
