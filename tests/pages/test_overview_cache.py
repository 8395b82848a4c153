"""The overview's body is kept in the cache per audience and language, and a change to what it is built from
shows on the next visit."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investment.dashboards import page_cache
from investment.models import CampaignYear, SourceReport
from tests.factories import SourceReportFactory

OVERVIEW = reverse("dashboards:overview")
IN_2025 = {"year": 2025}


@pytest.fixture
def rolled_up(report_data):
    call_command("rollup", verbosity=0)


def _visit(client, params=IN_2025) -> tuple[str, int]:
    """The page's <main> (the header around it carries a fresh CSRF token each time) and the query count."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(OVERVIEW, params)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main>") : html.index("</main>")], len(queries)


def test_a_second_visit_is_served_from_the_cache_with_the_same_page(client, rolled_up):
    first, built = _visit(client)
    again, served = _visit(client)
    assert again == first
    # The stamp and the demo-data banner; the roll-up reads, the year choice and the reports are not asked again.
    assert served <= 3 < built


def test_a_renamed_campaign_year_shows_on_the_next_visit(client, rolled_up):
    _visit(client)
    year = CampaignYear.objects.get(year=2025)
    year.name = "二〇二五重大项目攻坚年"
    year.save()
    html, _ = _visit(client)
    assert "二〇二五重大项目攻坚年" in html


def test_a_new_report_shows_on_the_next_visit(client, rolled_up):
    _visit(client)
    SourceReportFactory(title="上党区十一月项目简报", text="正文", published_on="2025-11-30")
    html, _ = _visit(client)
    assert "上党区十一月项目简报" in html


def test_what_an_official_sees_is_never_served_to_anonymous_visitors(client, client_as, rolled_up, monkeypatch):
    # One of the five reports taken back to unpublished: officials still see it listed, the public does not.
    report = SourceReport.objects.order_by("pk").first()
    SourceReport.objects.filter(pk=report.pk).update(published_on=None)
    official = client_as("official")
    assert report.title in _visit(official)[0]
    assert report.title in _visit(official)[0]
    served = _visit(client)[0]
    assert report.title not in served
    monkeypatch.setattr(page_cache, "KEY_PREFIX", "overview-empty-cache")
    assert served == _visit(client)[0]


def test_staff_are_not_served_from_the_cache(client_as, rolled_up):
    staff = client_as("staff")
    _, first = _visit(staff)
    _, again = _visit(staff)
    assert again == first


def test_each_language_has_its_own_body(client, rolled_up):
    chinese, _ = _visit(client)
    client.post(reverse("set_language"), {"language": "en", "next": OVERVIEW})
    english, _ = _visit(client)
    assert "总览" in chinese and "Overview" in english and "总览 ·" not in english


def test_a_refused_year_is_answered_every_time_and_never_kept(client, rolled_up):
    for _ in range(2):
        response = client.get(OVERVIEW, {"year": "abc"})
        assert response.status_code == 400
