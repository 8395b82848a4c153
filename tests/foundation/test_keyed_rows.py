"""KeyedRows reads what values() reads, for any keys, from SQL compiled once; on PostgreSQL its statements are
prepared, and still logged and counted as every other query."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Project
from shangdang_portal.keyed_rows import KeyedRows
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
