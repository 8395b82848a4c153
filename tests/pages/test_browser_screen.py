"""The big screen at 1920×1080 and the monthly briefing on a phone and a desktop, in a real headless
Chromium: no console errors, nothing overflowing, charts drawn, the screen refreshing itself; screenshots
in test-artifacts/."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from investment.models import CampaignYear
from parks.models import Region
from projects.models import ProgressReport, Project

from . import district_month
from .conftest import shot
from .test_browser import _canvas_has_pixels

pytestmark = pytest.mark.browser

CHART_PANELS = ["screen-trend", "screen-signals", "screen-funnel", "screen-batches"]


def _context(browser, width: int, height: int, locale: str):
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return context, page


def _overflowing(page) -> list[str]:
    """The screen's document and every panel body must fit: a wall display cannot scroll."""
    return page.evaluate(
        """() => {
            const out = [];
            const doc = document.documentElement;
            if (doc.scrollWidth > window.innerWidth || doc.scrollHeight > window.innerHeight) out.push('document');
            const head = document.querySelector('.screen-head');
            if (head.scrollWidth > head.clientWidth + 1) out.push('the header is too wide');
            document.querySelectorAll('.panel .body').forEach((body) => {
                if (body.scrollHeight > body.clientHeight + 1) out.push(body.id + ' is too tall');
                if (body.scrollWidth > body.clientWidth + 1) out.push(body.id + ' is too wide');
            });
            return out;
        }"""
    )


def test_screen_fills_the_wall_draws_its_charts_and_refreshes_itself(site, browser):
    district_month.build()
    for locale, name in (("zh-CN", "zh"), ("en-US", "en")):
        context, page = _context(browser, 1920, 1080, locale)
        page.clock.install()
        page.goto(f"{site}/screen/?year=2025&refresh=30")
        page.wait_for_load_state("networkidle")
        drawn = 0
        for panel in CHART_PANELS:
            node = page.locator(f"#{panel}")
            if node.get_attribute("data-empty") == "true":
                assert node.inner_text().strip() in ("暂无数据", "No data")
                continue
            page.wait_for_selector(f"#{panel}[data-rendered='true'] canvas")
            assert _canvas_has_pixels(page, panel), panel
            drawn += 1
        assert drawn >= 3
        assert page.locator("#screen-kpis .kpi-row").count() >= 1
        assert page.locator("#screen-ranking tr").count() >= 1
        assert _overflowing(page) == []
        # Readable from across the room.
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 22
        assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('.kpi-row .value')).fontSize)") >= 26
        shot(page, f"screen-{name}-1920")
        if name == "zh":
            # A new approval shows up at the next refresh, without reloading the page.
            project = Project.objects.create(
                name="大屏刷新测试项目", region=Region.objects.get(name="上党区"), total_investment=Decimal(100)
            )
            ProgressReport.objects.create(
                project=project,
                period=date(2025, 12, 1),
                investment_completed=Decimal(12),
                status=ProgressReport.Status.APPROVED,
                reviewed_at=timezone.now(),
            )
            assert "大屏刷新测试项目" not in page.locator("#screen-approvals").inner_text()
            page.clock.run_for(31_000)
            # (expect polls from outside the page: a predicate string would be an eval the CSP refuses)
            expect(page.locator("#screen-approvals")).to_contain_text("大屏刷新测试项目")
            assert page.locator("#screen-stale").is_hidden()
        assert page.errors == []
        context.close()


def test_screen_of_a_year_without_data_says_no_data_and_draws_no_line(site, browser):
    CampaignYear.objects.create(year=2024, name="2024年重大项目建设年")
    context, page = _context(browser, 1920, 1080, "zh-CN")
    page.goto(f"{site}/screen/?year=2024")
    page.wait_for_load_state("networkidle")
    for panel in [*CHART_PANELS, "screen-kpis", "screen-ranking"]:
        assert page.locator(f"#{panel}").inner_text().strip() == "暂无数据", panel
        assert page.locator(f"#{panel} canvas").count() == 0
    assert _overflowing(page) == []
    shot(page, "screen-zh-1920-empty")
    assert page.errors == []
    context.close()


def test_briefing_reads_on_a_phone_and_a_desktop_in_both_languages_and_prints(site, browser):
    district_month.build()
    for locale, name in (("zh-CN", "zh"), ("en-US", "en")):
        for width in (390, 1440):
            context, page = _context(browser, width, 900, locale)
            response = page.goto(f"{site}/briefing/")
            assert response.status == 200
            page.wait_for_load_state("networkidle")
            assert page.locator("#briefing").is_visible()
            assert page.locator("#laggards tr[data-signal]").count() >= 4
            assert page.locator("#briefing-pdf").get_attribute("href") == "/briefing/pdf/?month=2025-12"
            title = page.locator("#briefing h1").inner_text()
            assert ("月度简报" in title) if name == "zh" else ("monthly briefing" in title)
            # The page itself never scrolls sideways; wide tables scroll inside their own box.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            shot(page, f"briefing-{name}-{width}")
            if width == 1440 and name == "zh":
                page.emulate_media(media="print")
                assert page.locator("header.site-header").is_hidden()
                assert page.locator("#month-form").is_hidden()
                assert page.locator("#notes li").count() >= 10
                shot(page, "briefing-zh-print")
            assert page.errors == []
            context.close()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1440, 900)])
def test_screen_on_a_smaller_window_is_the_whole_wall_scaled_down(site, browser, width, height):
    context, page = _context(browser, width, height, "zh-CN")
    page.goto(f"{site}/screen/")
    page.wait_for_load_state("networkidle")
    scale = min(width / 1920, height / 1080)
    box = page.evaluate("(() => { const r = document.body.getBoundingClientRect(); return [r.width, r.height]; })()")
    assert box == pytest.approx([1920 * scale, 1080 * scale], abs=1)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.documentElement.scrollHeight") <= height
    shot(page, f"screen-zh-{width}")
    assert page.errors == []
    context.close()
