"""The Content-Security-Policy in a real browser: the main pages, the admin's sign-in and Swagger UI (/api/docs/)
work under it, with no violation reported, charts drawn and the select boxes that send their form still sending."""

import pytest

from .conftest import shot
from .test_browser import _canvas_has_pixels, planned_and_approved_project

pytestmark = pytest.mark.browser

PAGES = {
    "/?year=2025": ["chart-completion", "chart-trend", "chart-signals"],
    "/pipeline/?year=2025": ["chart-funnel", "chart-batches"],
    "/projects/": [],
    "/parks/": [],
    "/rankings/?year=2025": [],
    "/source-reports/": [],
    "/accounts/login/": [],
    "/admin/login/": [],
}


@pytest.fixture
def violations(page):
    """Every CSP violation the page reports, as the browser's own event (besides its console error)."""
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    return lambda: page.evaluate("window.__csp || []")


def test_the_main_pages_work_under_the_policy_without_a_violation(site, page, violations):
    planned_and_approved_project()  # the overview's trend draws only approved progress
    for url, charts in PAGES.items():
        response = page.goto(site + url)
        assert response.status == 200, url
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
        page.wait_for_load_state("networkidle")
        for chart in charts:
            page.wait_for_selector(f"#{chart}[data-rendered='true'] canvas")
            assert _canvas_has_pixels(page, chart), f"{chart} on {url} is blank"
        assert violations() == [], url
    assert page.errors == []


def test_swagger_ui_draws_the_operations_under_the_policy(site, page, violations):
    response = page.goto(site + "/api/docs/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=30000)
    assert page.locator(".swagger-ui .opblock").count() > 20
    shot(page, "api-docs")
    assert violations() == []
    assert page.errors == []


def test_the_select_boxes_still_send_their_form(site, page, violations):
    page.goto(site + "/pipeline/?year=2025")
    region = page.locator("#scope-form select[name=region] option").nth(1).get_attribute("value")
    with page.expect_navigation():
        page.select_option("#scope-form select[name=region]", region)
    assert f"region={region}" in page.url and "park=&" in page.url + "&"
    with page.expect_navigation():
        page.select_option("#year-select", "2025")
    assert "year=2025" in page.url
    assert violations() == []
    assert page.errors == []
