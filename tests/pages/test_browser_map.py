"""The map in a real browser: it draws from the portal's own files only (every request goes to the portal's
host), a filter narrows the points, a click on a point opens the project; phone and desktop, Chinese and English."""

from decimal import Decimal
from urllib.parse import urlparse

import pytest

from parks.models import Region
from projects.models import Project

from .conftest import shot

pytestmark = pytest.mark.browser

EMBEDDED = "(d => [d.projects.length, d.unplaced])(JSON.parse(document.getElementById('map-data').textContent))"
POINTS = "echarts.getInstanceByDom(document.getElementById('project-map')).getOption().series[2].data.length"


@pytest.fixture
def mapped_site(site):
    district = Region.objects.get(name="上党区")
    far = Project.objects.create(
        name="地图测试项目（坐标）",
        region=district,
        pool="construction",
        signal="green",
        total_investment=Decimal("80000.00"),
        longitude=Decimal("113.300000"),
        latitude=Decimal("36.420000"),
    )
    Project.objects.create(
        name="地图测试项目（谋划）", region=district, pool="planning", signal="red", total_investment=Decimal("500")
    )
    return site, far


def _open_map(browser, site, *, width: int, locale: str, query: str = ""):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    page = context.new_page()
    page.errors, page.requests = [], []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto(f"{site}/map/{query}")
    page.wait_for_selector("#project-map[data-ready='true']", timeout=15000)
    return context, page


def _only_own_host(page, site) -> None:
    host = urlparse(site).netloc
    others = [url for url in page.requests if not url.startswith("data:") and urlparse(url).netloc != host]
    assert others == []
    assert any(url.endswith("/map/boundaries.json") for url in page.requests)


def test_map_draws_offline_filters_and_opens_a_project(browser, mapped_site):
    site, far = mapped_site
    context, page = _open_map(browser, site, width=1440, locale="zh-CN")
    try:
        everything = page.evaluate(POINTS)
        placed, unplaced = page.evaluate(EMBEDDED)
        # Every public project is drawn, except those whose region the boundary data does not cover (长治市).
        assert everything == placed and placed + unplaced == Project.objects.filter(is_public=True).count()
        shot(page, "map-1440-zh")
        _only_own_host(page, site)

        page.select_option("#id_pool", "construction")
        page.click("#project-filters button[type=submit]")
        page.wait_for_selector("#project-map[data-ready='true']", timeout=15000)
        assert "pool=construction" in page.url
        narrowed = page.evaluate(POINTS)
        placed, unplaced = page.evaluate(EMBEDDED)
        assert narrowed == placed
        assert 0 < narrowed + unplaced == Project.objects.filter(is_public=True, pool="construction").count()
        assert narrowed < everything

        # The point of the project with its own coordinates, in page pixels, clicked like a user would.
        x, y = page.evaluate(
            "echarts.getInstanceByDom(document.getElementById('project-map'))"
            ".convertToPixel({seriesId: 'projects'}, [113.3, 36.42])"
        )
        page.locator("#project-map").scroll_into_view_if_needed()
        box = page.locator("#project-map").bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_url(f"**/projects/{far.pk}/", timeout=10000)
        assert "地图测试项目（坐标）" in page.locator("h1").inner_text()
        _only_own_host(page, site)
        assert page.errors == []
    finally:
        context.close()


@pytest.mark.parametrize(("width", "locale"), [(390, "zh-CN"), (390, "en-US"), (1440, "en-US")])
def test_map_on_a_phone_and_in_english(browser, mapped_site, width, locale):
    site, _far = mapped_site
    context, page = _open_map(browser, site, width=width, locale=locale)
    try:
        english = locale.startswith("en")
        assert page.locator("h1").inner_text() == ("Project map" if english else "项目地图")
        box = page.locator("#project-map").bounding_box()
        assert box["width"] <= width and box["height"] >= 400
        # Nothing wider than the screen: the page does not scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"map-{width}-{'en' if english else 'zh'}")
        _only_own_host(page, site)
        assert page.errors == []
    finally:
        context.close()
