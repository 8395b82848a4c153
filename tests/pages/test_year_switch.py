"""Every dashboard has a year switch: the default is the campaign year containing today, `?year=` shows
another one at its newest as-of, a bad year answers 400 with a message, links keep the chosen year."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investment.models import CampaignYear
from projects.models import Project

DASHBOARDS = ["dashboards:overview", "dashboards:pipeline", "dashboards:rankings"]


@pytest.fixture
def today(monkeypatch):
    """Pin Asia/Shanghai's today (django.utils.timezone.localdate) to a given date."""

    def pin(day: str) -> None:
        fixed = dt.date.fromisoformat(day)
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: fixed)

    return pin


@pytest.fixture
def rolled_up(report_data):
    call_command("rollup", verbosity=0)


def _urls() -> list[str]:
    project = Project.objects.filter(is_public=True).order_by("pk").first()
    return [*(reverse(name) for name in DASHBOARDS), reverse("dashboards:project-detail", args=[project.pk])]


@pytest.mark.parametrize("name", DASHBOARDS)
def test_the_default_year_is_todays_even_without_its_campaign_year(client, rolled_up, today, name):
    today("2026-11-29")
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["year_switch"]["choice"].year == 2026
    assert '<option value="2026" selected>2026年（本年）（暂无汇总）</option>' in html
    # It says so and offers the year that has data, keeping the rest of the query.
    assert "2026年尚未设立重大项目建设年" in html
    assert f'href="{reverse(name)}?year=2025">2025</a>' in html
    assert "数据截至 2025-12-31" not in html


def test_in_the_report_year_the_default_is_that_year(client, rolled_up, today):
    today("2025-12-31")
    html = client.get(reverse("dashboards:overview")).content.decode()
    assert "数据截至 2025-12-31" in html and "162.3 亿元" in html
    assert 'id="year-notice"' not in html


def test_a_campaign_year_without_roll_ups_says_so_and_does_not_show_another_year(client, rolled_up, today):
    today("2026-03-02")
    CampaignYear.objects.create(year=2026, name="2026年重大项目建设年")
    html = client.get(reverse("dashboards:overview")).content.decode()
    assert "2026年尚无汇总数据" in html and "尚未汇总" in html
    assert "162.3 亿元" not in html and "数据截至 2025-12-31" not in html
    assert '<option value="2025">2025年</option>' in html


@pytest.mark.parametrize("name", DASHBOARDS)
def test_a_past_year_keeps_its_figures_at_its_newest_as_of(client, rolled_up, today, name):
    today("2026-11-29")
    html = client.get(reverse(name), {"year": "2025"}).content.decode()
    assert "数据截至 2025-12-31" in html
    assert '<option value="2025" selected>2025年</option>' in html
    assert "正在查看2025年的数据" in html and f'href="{reverse(name)}?year=2026">' in html
    # The links to the other dashboards keep the year.
    for other in DASHBOARDS:
        assert f'href="{reverse(other)}?year=2025"' in html


def test_the_overview_of_2025_shows_its_targets_and_report_figures(client, rolled_up, today):
    today("2026-11-29")
    html = client.get(reverse("dashboards:overview"), {"year": 2025}).content.decode()
    assert "162.3 亿元" in html and 'id="chart-completion"' in html


def test_the_pipeline_switch_keeps_the_scope_and_the_scope_form_keeps_the_year(client, rolled_up, today):
    today("2026-11-29")
    from parks.models import Park

    zone = Park.objects.get(name="上党经济技术开发区")
    html = client.get(reverse("dashboards:pipeline"), {"park": zone.pk, "year": 2025}).content.decode()
    switch = html.split('id="year-form"', 1)[1].split("</form>", 1)[0]
    assert f'<input type="hidden" name="park" value="{zone.pk}">' in switch
    assert 'name="region"' not in switch
    scope = html.split('id="scope-form"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="year" value="2025">' in scope
    # Works without JavaScript: the submit button is there for browsers that do not run scripts.
    assert '<noscript><button type="submit">' in switch


def test_the_project_file_shows_the_chosen_years_signal(client, rolled_up, today):
    today("2026-11-29")
    url = _urls()[-1]
    current = client.get(url).content.decode()
    assert "该项目在2026年还没有亮灯记录" in current and f'href="{url}?year=2025">2025</a>' in current
    past = client.get(url, {"year": 2025}).content.decode()
    assert "该项目在2025年还没有亮灯记录" not in past and "2025-12-31" in past


@pytest.mark.parametrize("bad", ["abc", "2024", "20255", "-1", "２０２５"])
def test_a_bad_year_answers_400_with_a_message_and_the_years_there_are(client, rolled_up, today, bad):
    today("2026-11-29")
    for url in _urls():
        response = client.get(url, {"year": bad})
        html = response.content.decode()
        assert response.status_code == 400, (url, bad)
        assert 'id="year-error"' in html
        assert "没有2024年的重大项目建设年" in html if bad == "2024" else "年度应为四位数字" in html
        assert '<option value="2025">2025年</option>' in html


def _counts(client) -> dict[str, int]:
    counts = {}
    for url in _urls():
        for year in ("", "2025"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, {"year": year}).status_code == 200
            counts[f"{url}?{year}"] = len(queries)
    return counts


def test_query_counts_do_not_grow_with_the_number_of_years(client, rolled_up, today):
    today("2025-12-31")
    few = _counts(client)
    for year in range(2015, 2025):
        CampaignYear.objects.create(year=year, name=f"{year}年重大项目建设年")
    call_command("rollup", "--year", "2024", verbosity=0)
    call_command("rollup", "--year", "2023", verbosity=0)
    many = _counts(client)
    assert few == many


def test_the_main_navigation_keeps_the_year_asked_for(client, report_data):
    from django.urls import reverse

    html = client.get(reverse("dashboards:rankings"), {"year": "2025"}).content.decode()
    assert f'href="{reverse("dashboards:pipeline")}?year=2025"' in html
    assert f'href="{reverse("dashboards:overview")}?year=2025"' in html
    plain = client.get(reverse("dashboards:rankings")).content.decode()
    assert f'href="{reverse("dashboards:pipeline")}"' in plain
