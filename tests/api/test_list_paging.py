"""The lists pick a page's keys before joining its rows: every page holds the same rows in the same order
as slicing the whole ordered list, totals are those of the detail view, choice filters add no DISTINCT,
and the database connection outlives a request."""

import datetime
from decimal import Decimal

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import selectors
from projects.models import Project
from projects.progress import selectors as progress_selectors
from shangdang_portal.pagination import keys_first
from tests.factories import CompanyFactory, ProgressReportFactory, ProjectFactory

PAGE = 4


@pytest.fixture
def register(world):
    """Projects with equal investments and dates (ties the key order must break the same way), a company
    whose name the search finds, and approved and open monthly reports."""
    company = CompanyFactory(name="光伏材料有限公司")
    projects = [
        ProjectFactory(
            name=f"项目{i:02d}",
            region=world["district"],
            category="industry" if i % 3 else "service",
            total_investment=Decimal(1000 * (i % 4)),
            planned_start=datetime.date(2025, 1 + i % 3, 1),
            company=company if i % 3 == 0 else None,
            is_public=i % 7 != 0,
        )
        for i in range(15)
    ]
    for i, project in enumerate(projects):
        for month in range(1, 1 + i % 4):
            ProgressReportFactory(
                project=project,
                period=datetime.date(2025, month, 1),
                investment_completed=Decimal(f"{10 * month}.{i:02d}"),
                approved=month != 3,
                submitted=month == 3,
            )
    return projects


def _all_pages(client, url: str) -> list[dict]:
    rows, page = [], 1
    while True:
        separator = "&" if "?" in url else "?"
        body = client.get(f"{url}{separator}page={page}&page_size={PAGE}").json()
        rows += body["results"]
        assert body["count"] >= len(rows)
        if not body["next"]:
            assert body["count"] == len(rows)
            return rows
        page += 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "official"])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?ordering=-total_investment",
        "?ordering=planned_start,-name",
        "?category=industry&category=service&ordering=total_investment",
        "?q=光伏",
        "?region={district}&category=industry",
    ],
)
def test_project_pages_hold_the_rows_of_the_whole_ordered_list(register, world, api_client_as, user_of, role, query):
    query = query.format(district=world["district"].pk)
    filters = QueryDict(query.lstrip("?"))
    expected = list(selectors.project_list(user=user_of(role), filters=filters).values_list("pk", flat=True))
    rows = _all_pages(api_client_as(role), reverse("api:project-list") + query)
    assert [row["id"] for row in rows] == expected
    assert len(expected) > PAGE


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?ordering=-investment_completed", "?status=approved&ordering=project,period"])
def test_progress_report_pages_hold_the_rows_of_the_whole_ordered_list(register, api_client_as, user_of, query):
    whole = progress_selectors.progress_report_list(user=user_of("official"), filters=QueryDict(query.lstrip("?")))
    rows = _all_pages(api_client_as("official"), reverse("api:progress-report-list") + query)
    assert [row["id"] for row in rows] == list(whole.values_list("pk", flat=True))
    by_pk = {report.pk: report for report in whole}
    for row in rows:
        assert Decimal(row["since_start"]) == by_pk[row["id"]].since_start
        assert Decimal(row["year_to_date"]) == by_pk[row["id"]].year_to_date


@pytest.mark.django_db
def test_a_page_counts_the_investment_the_detail_counts(register, world, api_client_as):
    client = api_client_as("official")
    rows = _all_pages(client, reverse("api:project-list"))
    assert {row["id"] for row in rows} == set(Project.objects.values_list("pk", flat=True))
    for row in rows:
        detail = client.get(reverse("api:project-detail", args=[row["id"]])).json()
        assert row["cumulative_investment"] == detail["cumulative_investment"]
        assert row["latest_progress"] == detail["latest_progress"]
    public = next(row for row in rows if row["id"] == world["public"].pk)
    assert public["cumulative_investment"] == "16200.50"  # the two approved months; the submitted one waits
    assert next(row for row in rows if row["name"] == "项目00")["cumulative_investment"] is None


@pytest.mark.django_db
def test_keys_first_slices_what_it_cannot_narrow_by_key(world):
    projects = Project.objects.order_by("name", "pk")
    assert list(keys_first(projects, 1, 3)) == list(projects[1:3])
    assert keys_first([1, 2, 3, 4], 1, 3) == [2, 3]
    names = projects.values_list("name", flat=True)
    assert list(keys_first(names, 0, 2)) == list(names[:2])
    distinct = projects.distinct()
    assert list(keys_first(distinct, 0, 2)) == list(distinct[:2])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, role",
    [
        (reverse("api:project-list") + "?category=industry&category=service&pool=construction&signal=red", "anonymous"),
        (reverse("api:progress-report-list") + "?status=approved&status=submitted", "official"),
        (reverse("api:figure-list") + "?kind=actual&scope=region&measure=level", "anonymous"),
    ],
)
def test_choice_filters_do_not_make_the_list_distinct(world, api_client_as, url, role):
    client = api_client_as(role)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert not [q["sql"] for q in ctx.captured_queries if "DISTINCT" in q["sql"].upper()]


@pytest.mark.django_db(transaction=True)
def test_the_database_connection_is_kept_between_requests(settings):
    """What Django does around each request (close_old_connections on request_started/finished) keeps the
    connection for CONN_MAX_AGE seconds, and checks it before reusing it."""
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True

    def request():
        request_started.send(sender=None)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        request_finished.send(sender=None)
        return connection.connection

    first = request()  # a healthy connection, whatever an earlier test left behind
    assert first is not None
    for _ in range(3):
        assert request() is first


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dropped_connection_is_replaced_before_the_next_request_uses_it():
    connection.ensure_connection()
    dropped = connection.connection
    dropped.close()  # as a database restart would leave it
    request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert connection.connection is not dropped
    request_finished.send(sender=None)


@pytest.mark.django_db
def test_serializers_derive_fields_once_but_never_share_them(world):
    from projects.api.serializers import ProjectSerializer

    first, second = ProjectSerializer(), ProjectSerializer()
    assert list(first.fields) == list(second.fields)
    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["name"].parent is first and second.fields["name"].parent is second
    assert first.fields["milestones"] is not second.fields["milestones"]
    (row,) = selectors.project_rows([world["public"].pk], user=None)
    assert ProjectSerializer(row).data == ProjectSerializer(row).data


@pytest.mark.django_db
def test_a_project_by_id_still_honours_filters_in_its_query_string(world, api_client_as):
    client = api_client_as("official")
    url = reverse("api:project-detail", args=[world["public"].pk])
    assert client.get(url).status_code == 200
    assert client.get(url, {"category": "industry"}).status_code == 200
    assert client.get(url, {"category": "ecology"}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "official"])
def test_figure_scopes_read_with_the_row_equal_the_scope_objects(world, api_client_as, user_of, role):
    from investment.models import Figure
    from tests.factories import FigureFactory

    for kind, scope in (("park", world["zone"]), ("project", world["public"]), ("company", world["company"])):
        FigureFactory(
            source_report=world["report"], indicator=world["indicator"], scope_kind=kind, region=None, **{kind: scope}
        )
    rows = _all_pages(api_client_as(role), reverse("api:figure-list"))
    assert {row["scope_kind"] for row in rows} == {"region", "park", "project", "company"}
    for row in rows:
        scope = Figure.objects.get(pk=row["id"]).scope
        assert row["scope"] == {"id": scope.pk, "name": scope.name}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["project", "figure"])
def test_a_page_brings_its_count_with_its_keys(register, world, api_client_as, endpoint):
    client = api_client_as("anonymous")
    url = reverse(f"api:{endpoint}-list")
    whole = client.get(url, {"page_size": 200}).json()
    assert whole["count"] == len(whole["results"]) > 0
    client.get(url, {"page_size": 1})  # warm per-process caches
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url, {"page_size": 1})
    assert first.json()["count"] == whole["count"]
    counted = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counted) == 1 and "LIMIT" in counted[0]  # the count rode with the page's keys
    assert counted[0] == queries[0]["sql"] and '"page"' in counted[0]  # ... in the statement reading its rows
    last = client.get(url, {"page_size": 1, "page": "last"}).json()
    assert last["count"] == whole["count"] and last["results"][0]["id"] == whole["results"][-1]["id"]
    assert client.get(url, {"page_size": 1, "page": whole["count"]}).json()["next"] is None
    for page in (whole["count"] + 1, 10**30, 0, -1, "abc", "1.5"):
        answer = client.get(url, {"page_size": 1, "page": page})
        assert answer.status_code == 404, page
    empty = client.get(url, {"q": "没有这样的名称"})
    assert empty.json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.django_db
def test_an_unfiltered_anonymous_page_reuses_its_compiled_query_and_reads_todays_rows(register, world, api_client_as):
    from shangdang_portal import built_once, keyed_rows

    client = api_client_as("anonymous")
    url = reverse("api:project-list")
    first = client.get(url, {"page_size": 3}).json()
    compiled = [key for key in keyed_rows._ONCE if "page_keys" in key and key[-2:] == (0, 3)]
    assert any("project_page" in str(key) for key in compiled)
    added = ProjectFactory(name="一个新项目", region=world["district"])  # sorts first by name
    again = client.get(url, {"page_size": 3}).json()
    assert again["count"] == first["count"] + 1 and again["results"][0]["id"] == added.pk
    assert [row["id"] for row in again["results"]] == list(
        selectors.project_page(user=None).values_list("pk", flat=True)[:3]
    )
    # Filtered, or changed after it was handed out, a list is not the built-once query and is not marked.
    marked = built_once.for_anonymous("project_page", None, lambda: Project.objects.none())
    assert marked.built_once == "project_page"
    assert not hasattr(marked.filter(pk=added.pk), "built_once")
    filtered = client.get(url, {"page_size": 3, "category": "service"}).json()
    assert {row["category"] for row in filtered["results"]} == {"service"}
