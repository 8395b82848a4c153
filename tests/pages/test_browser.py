"""The pages in a real headless Chromium: no console errors, charts drawn, filters, language switch.

Screenshots land in test-artifacts/ (git-ignored) for people to look at.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from investment.models import AnnualPlan, CampaignYear, SourceReport
from projects.models import ProgressReport, Project

from .conftest import shot

pytestmark = pytest.mark.browser

# The report data's year; today's year (the dashboards' default) has no campaign year in it.
CHARTS = {
    "/?year=2025": ["chart-completion", "chart-trend", "chart-signals"],
    "/pipeline/?year=2025": ["chart-funnel", "chart-batches"],
}


def _canvas_has_pixels(page, chart_id: str) -> bool:
    return page.evaluate(
        """(id) => {
            const canvas = document.querySelector('#' + id + ' canvas');
            if (!canvas || !canvas.width) return false;
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
            return false;
        }""",
        chart_id,
    )


def planned_and_approved_project() -> Project:
    """A district project with an annual plan and two approved months, so its planned-vs-actual chart, its
    signal and the district's trend on the overview have data; rolled up again, as approving does."""
    project = Project.objects.filter(pool="construction", region__name="上党区").order_by("name").first()
    Project.objects.filter(pk=project.pk).update(total_investment=12000)
    AnnualPlan.objects.create(
        project=project, campaign_year=CampaignYear.objects.get(year=2025), planned_investment=Decimal("6000")
    )
    for month, amount in ((1, 800), (2, 1200)):
        ProgressReport.objects.create(
            project=project, period=date(2025, month, 1), investment_completed=amount, status="approved"
        )
    call_command("rollup", verbosity=0)
    return project


def test_every_page_loads_without_console_errors_and_draws_its_charts(site, page):
    project = planned_and_approved_project()
    project_file = f"/projects/{project.pk}/?year=2025"
    charts = {**CHARTS, project_file: ["chart-investment"]}
    urls = [*CHARTS, "/projects/", "/parks/", "/rankings/?year=2025", "/source-reports/", project_file]
    urls.append(f"/source-reports/{SourceReport.objects.order_by('pk').first().pk}/")
    for url in urls:
        response = page.goto(site + url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        for chart in charts.get(url, []):
            page.wait_for_selector(f"#{chart}[data-rendered='true'] canvas")
            assert _canvas_has_pixels(page, chart), f"{chart} on {url} is blank"
        if url == project_file:
            # 2000 of 6000 万元 by December: the stored rule and figures are on the page.
            assert "年度计划完成33.33%，序时进度100.00%，落后66.67个百分点" in page.locator("#signal").inner_text()
        name = url.split("?")[0].strip("/").replace("/", "-") or "overview"
        shot(page, f"zh-desktop-{name}")
    # 一项目一档 prints without the site around it.
    page.goto(site + project_file)
    page.emulate_media(media="print")
    assert page.locator("header.site-header").is_hidden()
    assert page.locator("[data-print]").is_hidden()
    shot(page, "zh-print-project")
    page.emulate_media(media="screen")
    assert page.errors == []


def test_filter_round_trip_changes_the_list(site, page):
    page.goto(site + "/projects/")
    rows_before = page.locator("#project-table tbody tr").count()
    total_before = page.locator("#result-count").inner_text()
    page.select_option("#id_pool", "construction")
    page.click("#project-filters button[type=submit]")
    page.wait_for_url("**/projects/?*pool=construction*")
    expected = Project.objects.filter(pool="construction").count()
    assert page.locator("#project-table tbody tr").count() == expected
    assert page.locator("#result-count").inner_text() != total_before
    assert rows_before != expected
    assert page.locator("#id_pool").input_value() == "construction"
    assert page.errors == []


def test_pipeline_click_opens_the_filtered_project_list(site, page):
    page.goto(site + "/pipeline/?year=2025")
    page.click("#pool-table >> text=建设库")
    page.wait_for_url("**/projects/?region=*&pool=construction")
    expected = Project.objects.filter(region__name="上党区", pool="construction").count()
    assert page.locator("#project-table tbody tr").count() == expected


def test_language_switch_turns_the_pages_to_english_on_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site + "/?year=2025")
    assert "项目库" in page.locator("nav.site-nav").inner_text()
    shot(page, "zh-phone-overview")
    page.click("#nav-toggle")  # on a phone the language list is in the menu
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert "Pipeline" in page.locator("nav.site-nav").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    page.wait_for_selector("#chart-completion[data-rendered='true'] canvas")
    shot(page, "en-phone-overview")
    for url in ["/pipeline/?year=2025", "/projects/", "/parks/", "/rankings/?year=2025"]:
        page.goto(site + url)
        page.wait_for_load_state("networkidle")
        shot(page, "en-phone-" + url.split("?")[0].strip("/"))
    page.set_viewport_size({"width": 1366, "height": 900})
    for url in ["/?year=2025", "/pipeline/?year=2025"]:
        page.goto(site + url)
        page.wait_for_load_state("networkidle")
        shot(page, "en-desktop-" + (url.split("?")[0].strip("/") or "overview"))
    assert errors == []
    context.close()
