"""The big screen's data and the monthly briefing over HTTP: what they show, to whom, in how many queries,
and that the briefing (page and PDF) states the same figures as the overview for the same date."""

import io
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from investment.models import CampaignYear, ProjectSignal, Rollup
from projects.models import ProgressReport

from . import district_month
from .district_month import PRIVATE_NAME

SCREEN = reverse("dashboards:screen")
SCREEN_DATA = reverse("dashboards:screen-data")
BRIEFING = reverse("dashboards:briefing")
BRIEFING_PDF = reverse("dashboards:briefing-pdf")
OVERVIEW = reverse("dashboards:overview")
IN_2025 = {"year": 2025}


@pytest.fixture
def district(report_data):
    return district_month.build()


def _classes(node, base: str) -> str:
    return next(c for c in node["class"] if c != base)


def overview_figures(html: str) -> dict:
    """The overview's key figures as shown: (indicator, source) → the actual's text and the card's text."""
    soup = BeautifulSoup(html, "html.parser")
    figures = {}
    for card in soup.select(".kpi[data-indicator]"):
        for row in card.select(".source-row"):
            key = (card["data-indicator"], _classes(row.select_one(".source"), "source"))
            figures[key] = {"actual": row.select_one(".value").get_text(strip=True), "card": card.get_text(" ")}
    return figures


def overview_signals(html: str) -> dict:
    soup = BeautifulSoup(html, "html.parser")
    return {
        _classes(li.select_one(".signal"), "signal"): li.select_one("strong").get_text(strip=True)
        for li in soup.select("#signals .legend li")
    }


def briefing_lines(html: str) -> dict:
    soup = BeautifulSoup(html, "html.parser")
    lines = {}
    for row in soup.select("#standing tr[data-indicator]"):
        cells = {name: row.select_one(f".{name} a.cited") for name in ("actual", "completion", "elapsed", "gap")}
        lines[(row["data-indicator"], row["data-source"], row["data-measure"])] = {
            name: cell.get_text(strip=True) if cell else None for name, cell in cells.items()
        }
    return lines


def briefing_signals(html: str) -> dict:
    soup = BeautifulSoup(html, "html.parser")
    return {
        li["data-signal"]: li.select_one(".count a.cited").get_text(strip=True)
        for li in soup.select("#signal-counts li")
    }


# --- the big screen ---------------------------------------------------------------------------------------


def test_screen_data_has_every_panel_for_what_the_viewer_may_see(client, client_as, district):
    data = client.get(SCREEN_DATA, IN_2025).json()
    year = CampaignYear.objects.get(year=2025)
    assert data["as_of"] == "2025-12-31" and data["year"] == 2025
    counts = {item["value"]: item["count"] for item in data["signals"]}
    public = ProjectSignal.objects.filter(campaign_year=year, as_of="2025-12-31", project__is_public=True)
    for value in ("green", "yellow", "red"):
        assert counts[value] == public.filter(signal=value).count()
    assert counts["red"] >= 2 and counts["yellow"] >= 2 and counts["green"] >= 2
    kpi = next(k for k in data["kpis"] if k["code"] == "project_investment" and k["completion"])
    assert kpi["target"] != "—" and kpi["elapsed"] == "100.00"
    assert [m for m in data["trend"]["months"]][-1] == "12月" and len(data["trend"]["actual"]) == 12
    assert data["funnel"] and data["ranking"]["rows"]
    names = [a["project"] for a in data["approvals"]]
    assert names and PRIVATE_NAME not in names
    # The unpublished project counts for officials, as on the overview.
    official = client_as("official").get(SCREEN_DATA, IN_2025).json()
    assert {i["value"]: i["count"] for i in official["signals"]}["red"] == counts["red"] + 1
    assert PRIVATE_NAME in [a["project"] for a in official["approvals"]]


def test_screen_page_embeds_its_data_and_refresh_interval(client, district, settings):
    settings.SCREEN_REFRESH_SECONDS = 45
    response = client.get(SCREEN, IN_2025)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    payload = json.loads(soup.select_one("#screen-data").get_text())
    assert payload["refresh"] == 45
    assert soup.body["data-url"] == f"{SCREEN_DATA}?year=2025"
    assert "/static/vendor/echarts/echarts.min.js" in response.content.decode()
    assert not soup.select("script:not([src]):not([type='application/json'])")  # no inline code
    for asked, used in (("15", 15), ("1", 10), ("999999", 3600), ("abc", 45)):
        assert client.get(SCREEN_DATA, {"year": 2025, "refresh": asked}).json()["refresh"] == used


def test_screen_answers_bad_years_with_400(client, district):
    assert client.get(SCREEN, {"year": "20x5"}).status_code == 400
    response = client.get(SCREEN_DATA, {"year": "1999"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["year"]


def test_screen_without_data_sends_empty_panels_not_zero_lines(client, district):
    CampaignYear.objects.create(year=2024, name="2024年重大项目建设年")
    data = client.get(SCREEN_DATA, {"year": 2024}).json()
    assert data["as_of"] is None
    assert data["kpis"] == [] and data["signals"] == [] and data["trend"] is None and data["ranking"]["rows"] == []
    # Rolled up but with no approved progress: still no trend line at zero.
    ProgressReport.objects.all().delete()
    district_month.rollup()
    data = client.get(SCREEN_DATA, IN_2025).json()
    assert data["trend"] is None and data["approvals"] == []


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_screen_and_briefing_queries_do_not_grow_with_the_projects(client, report_data):
    district_month.build(count=3)
    urls = [(SCREEN, IN_2025), (SCREEN_DATA, IN_2025), (BRIEFING, {}), (BRIEFING, {"month": "2025-06"})]
    few = [_queries(client, url, params) for url, params in urls]
    district_month.add_projects(30, start=100)
    district_month.rollup()
    many = [_queries(client, url, params) for url, params in urls]
    assert few == many


# --- the monthly briefing ---------------------------------------------------------------------------------


def test_briefing_defaults_to_the_latest_month_and_states_the_overviews_figures(client, district):
    briefing = client.get(BRIEFING)
    assert briefing.status_code == 200
    html = briefing.content.decode()
    assert 'data-month="2025-12"' in html and "数据截至 2025-12-31" in html
    overview = client.get(OVERVIEW, IN_2025).content.decode()
    figures, lines = overview_figures(overview), briefing_lines(html)
    assert figures
    for (code, source), shown in figures.items():
        line = lines[(code, source, "level")]
        assert line["actual"] == shown["actual"], (code, source)
        for name in ("completion", "elapsed", "gap"):
            if line[name]:
                assert line[name] in shown["card"], (code, source, name)
    assert overview_signals(overview) == briefing_signals(html)


def test_briefing_pdf_opens_and_carries_the_overviews_numbers_with_their_sources(client, district):
    response = client.get(BRIEFING_PDF)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert "上党区重大项目建设月度简报·2025-12" in text
    overview = client.get(OVERVIEW, IN_2025).content.decode()
    for (code, source), shown in overview_figures(overview).items():
        assert re.sub(r"\s+", "", shown["actual"]) in text, (code, source)
    for value, count in overview_signals(overview).items():
        assert re.search(rf"{count}\[\d+\]", text), value
    # Footnotes: the roll-up rows and the approved progress reports, as full links.
    rollup = Rollup.objects.filter(as_of="2025-12-31", region__name="上党区", source="progress").first()
    assert f"http://testserver/api/v1/rollups/{rollup.pk}/" in text
    assert "/api/v1/progress-reports/?status=approved" in text


def test_every_number_on_the_briefing_links_to_a_numbered_source(client, district):
    soup = BeautifulSoup(client.get(BRIEFING).content, "html.parser")
    cited = soup.select("a.cited")
    assert len(cited) > 10
    notes = {li["id"]: li.select_one("a.note-url")["href"] for li in soup.select("#notes li")}
    for link in cited:
        marker = link.find_next_sibling("sup").select_one("a")["href"].lstrip("#")
        assert notes[marker] == link["href"]
    progress = soup.select_one('#standing tr[data-indicator="project_investment"][data-source="progress"] .actual a')
    assert "status=approved" in progress["href"] and "period_before=2025-12" in progress["href"]


def test_briefing_lists_the_laggards_with_reasons_and_the_months_obstacles(client, client_as, district):
    html = client.get(BRIEFING).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    rows = soup.select("#laggards tr[data-signal]")
    signals = ProjectSignal.objects.filter(as_of="2025-12-31", project__is_public=True, signal__in=["red", "yellow"])
    assert len(rows) == signals.count()
    assert [r["data-signal"] for r in rows] == sorted((r["data-signal"] for r in rows), key=lambda s: s != "red")
    for signal in signals:
        assert signal.reason in html
    assert PRIVATE_NAME not in html
    assert PRIVATE_NAME in client_as("official").get(BRIEFING).content.decode()
    assert district["opened"].description in soup.select_one("#obstacles-opened").get_text()
    assert district["closed"].description in soup.select_one("#obstacles-closed").get_text()
    assert district["earlier"].description not in html


def test_briefing_names_the_laggards_furthest_behind_and_counts_them_all(client, district, monkeypatch):
    from investment.dashboards import briefing

    signals = ProjectSignal.objects.filter(as_of="2025-12-31", project__is_public=True, signal__in=["red", "yellow"])
    assert signals.count() >= 2
    monkeypatch.setattr(briefing, "LAGGARDS_SHOWN", 1)
    soup = BeautifulSoup(client.get(BRIEFING).content, "html.parser")
    rows = soup.select("#laggards tr[data-signal]")
    assert len(rows) == 1 and rows[0]["data-signal"] == ("red" if signals.filter(signal="red").exists() else "yellow")
    assert str(signals.count()) in soup.select_one("#laggards-shown").get_text()


def test_briefing_of_another_month_reads_that_months_roll_up(client, district):
    june = client.get(BRIEFING, {"month": "2025-06"}).content.decode()
    assert "数据截至 2025-06-30" in june
    june_line = briefing_lines(june)[("project_investment", "progress", "level")]
    december_line = briefing_lines(client.get(BRIEFING).content.decode())[("project_investment", "progress", "level")]
    assert june_line["elapsed"] == "50%" and december_line["elapsed"] == "100%"
    assert june_line["actual"] != december_line["actual"]
    options = BeautifulSoup(june, "html.parser").select("#month-select option")
    assert [o["value"] for o in options][:1] == ["2025-12"] and "2025-06" in [o["value"] for o in options]


def test_briefing_refuses_months_it_cannot_show(client, district):
    for month, status in (("2025-13", 400), ("june", 400), ("2019-01", 404)):
        for url in (BRIEFING, BRIEFING_PDF):
            response = client.get(url, {"month": month})
            assert response.status_code == status, (month, url)
            assert BeautifulSoup(response.content, "html.parser").select_one("#briefing-error").get_text(strip=True)


def test_briefing_without_any_roll_up_says_so(client, report_data):
    html = client.get(BRIEFING).content.decode()
    assert "暂无数据" in html and "#briefing" not in html
    assert client.get(BRIEFING_PDF).status_code == 404


def test_overview_links_to_the_screen_and_the_briefing_which_speaks_english(client, district):
    soup = BeautifulSoup(client.get(OVERVIEW, IN_2025).content, "html.parser")
    links = [a["href"] for a in soup.select("#overview-views a")]
    assert links == [f"{SCREEN}?year=2025", BRIEFING]
    client.post(reverse("set_language"), {"language": "en", "next": BRIEFING})
    html = client.get(BRIEFING).content.decode()
    assert "Standing against targets" in html and "Notes: where each number comes from" in html


def test_screen_ranks_one_peer_group_the_home_districts_and_names_it(client, district):
    data = client.get(SCREEN_DATA, IN_2025).json()
    names = [row["name"] for row in data["ranking"]["rows"]]
    # The district is ranked among 长治市's districts and counties, never beside 长治市 itself.
    assert "上党区" in names and "长治市" not in names
    assert "长治市所辖区县" in data["ranking"]["title"]


def test_briefing_pdf_without_weasyprints_system_libraries_says_so_instead_of_failing(client, district, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as when Pango is missing: the import fails
    response = client.get(reverse("dashboards:briefing-pdf"))
    assert response.status_code == 503 and response["Retry-After"]
    assert "Pango" in response.content.decode()
