"""The 演示数据 banner: on every page while any synthetic row exists, at the cost of one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AnnualPlanFactory, ProgressReportFactory, ProjectFactory

pytestmark = pytest.mark.django_db
BANNER = 'class="demo-banner"'


def test_no_banner_without_synthetic_rows(client, places):
    ProjectFactory(region=places["district"])
    for name in ("projects:list", "dashboards:overview", "sources:list"):
        assert BANNER not in client.get(reverse(name)).content.decode()


@pytest.mark.parametrize("name", ["projects:list", "dashboards:overview", "dashboards:rankings", "login"])
def test_banner_while_a_synthetic_project_exists(client, places, name):
    ProjectFactory(region=places["district"], is_synthetic=True)
    page = client.get(reverse(name)).content.decode()
    assert BANNER in page and "演示数据" in page


def test_banner_for_synthetic_rows_of_real_projects(client, places):
    project = ProjectFactory(region=places["district"])
    report = ProgressReportFactory(project=project, is_synthetic=True)
    assert BANNER in client.get(reverse("projects:list")).content.decode()
    report.delete()
    AnnualPlanFactory(project=project, is_synthetic=True)
    assert BANNER in client.get(reverse("projects:list")).content.decode()


def test_banner_in_english(client, places):
    ProjectFactory(region=places["district"], is_synthetic=True)
    page = client.get(reverse("projects:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Demo data" in page


def test_the_banner_adds_at_most_one_query(client, places, settings):
    ProjectFactory(region=places["district"], is_synthetic=True)
    url = reverse("projects:list")
    client.get(url)  # warm up: sessions, content types, caches
    with CaptureQueriesContext(connection) as with_banner:
        assert BANNER in client.get(url).content.decode()
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [p for p in processors if not p.endswith("demo_data")],
            },
        }
    ]
    with CaptureQueriesContext(connection) as without:
        assert BANNER not in client.get(url).content.decode()
    assert len(with_banner) - len(without) <= 1
    assert sum(q["sql"].startswith("SELECT EXISTS") for q in with_banner.captured_queries) == 1
