"""The rankings (with a frozen month) and a project's change history in a real browser, at a phone's and a
desktop's width, in Chinese and English: no sideways scroll, no console error, the frozen ranking and the
readable history on the page. Screenshots land in test-artifacts/."""

from datetime import date
from decimal import Decimal

import pytest

from investment.models import AnnualPlan, CampaignYear
from investment.rollups.rankings import ranking_publish
from projects import services as register
from projects.models import ProgressReport, Project, ProjectContact
from tests.factories import PASSWORD, UserFactory

from .conftest import shot

pytestmark = pytest.mark.browser

WIDTHS = {"phone": (390, 844), "desktop": (1440, 900)}
LANGUAGES = {"zh": "zh-hans", "en": "en"}


def _sign_in(page, site: str, username: str, target: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/?next={target}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_url(f"{site}{target}")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("device", list(WIDTHS))
def test_rankings_and_project_history_in_a_browser(site, page, device, language):
    width, height = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": height})
    official = UserFactory(username="history-official", role="official", last_name="王领导")
    year = CampaignYear.objects.get(year=2025)
    project = Project.objects.filter(region__name="上党区", park__name="光伏产业园").order_by("pk").first()
    AnnualPlan.objects.create(project=project, campaign_year=year, planned_investment=Decimal("1000"))
    ProgressReport.objects.create(project=project, period=date(2025, 3, 1), investment_completed=400, status="approved")
    for scope_kind in ("region", "park"):
        ranking_publish(campaign_year=year, period=date(2025, 3, 1), scope_kind=scope_kind)
    register.project_update(project=project, actor=official, is_major=not project.is_major)
    contact = register.contact_save(
        contact=ProjectContact(project=project, role="leader", name="张三", title="副区长"), actor=official
    )
    contact.name = "李四"
    register.contact_save(contact=contact, actor=official)

    _sign_in(page, site, "history-official", "/rankings/")
    page.context.add_cookies([{"name": "django_language", "value": LANGUAGES[language], "url": site}])
    page.goto(f"{site}/rankings/?year=2025&month=2025-03")
    frozen = page.locator("table.ranking.frozen")
    assert frozen.count() >= 4  # cities, districts, zones, the zone's parks and clusters each apart
    captions = page.locator("table.ranking.frozen caption").all_inner_texts()
    assert ("长治市所辖区县" if language == "zh" else "Districts and counties of 长治市") in captions
    assert _fits(page), "rankings"
    shot(page, f"fixes-{language}-{device}-rankings")

    page.goto(f"{site}/projects/{project.pk}/?year=2025#history")
    history = page.locator("#history table.history").inner_text()
    if language == "zh":
        assert "重大项目" in history and ("否 → 是" in history or "是 → 否" in history)
        assert "姓名: 张三 → 李四" in history and "王领导" in history
    else:
        assert ("no → yes" in history or "yes → no" in history) and "张三 → 李四" in history
    assert "True" not in history and "False" not in history
    assert _fits(page), "project file"
    shot(page, f"fixes-{language}-{device}-project-history")
    page.goto(f"{site}/progress/projects/{project.pk}/history/")
    assert "张三 → 李四" in page.locator("table.history").inner_text()
    assert _fits(page), "history page"
    shot(page, f"fixes-{language}-{device}-history-page")
    assert page.errors == []
