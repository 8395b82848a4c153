"""Every page of the portal in a real browser, as the role that can see it, at a phone's (390 px) and a
desktop's (1440 px) width, in Chinese and English: the page never scrolls sideways, every header section is
reachable (on a phone through the menu button), nothing is logged to the console. One page load per page,
width and language; a screenshot of each lands in test-artifacts/."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from investment.ledger.services import ledger_upload
from investment.models import CampaignYear, SourceReport
from projects.models import Notification, Project
from projects.progress import selectors, services
from shangdang_portal import roles
from shangdang_portal.models import ExportJob
from tests.factories import ProgressReportFactory, UserFactory
from tests.ledger.builders import realistic_ledger

from .conftest import ARTIFACTS, shot

pytestmark = pytest.mark.browser

WIDTHS = {"phone": (390, 844), "desktop": (1440, 900)}
LANGUAGES = {"zh": "zh-hans", "en": "en"}
SECTIONS = 7  # the header's sections: 总览 项目库 项目 园区 地图 晾晒比拼 来源报道


@dataclass
class Visit:
    name: str
    url: str
    status: int = 200
    ready: str = ""  # what to wait for on a page that draws itself after loading
    framed: bool = True  # in the portal's frame (header, language); the API docs and the big screen are not


def _portal(admin) -> dict[str, list[Visit]]:
    """The data the pages need (a staff member's month at each step of review, an obstacle, a ledger
    upload), and the pages to visit by the role that sees them."""
    staff = UserFactory(username="tian", first_name="田填报", email="tian@example.org", role=roles.STAFF)
    reviewer = UserFactory(username="shen", first_name="沈审核", role=roles.REVIEWER)
    UserFactory(username="ling", first_name="林领导", role=roles.OFFICIAL)
    projects = list(Project.objects.filter(region__name="上党区").order_by("name")[:3])
    for project in projects:
        project.staff.add(staff)
    this_month = selectors.current_period()
    last_month = selectors.previous_period(this_month)
    approved = ProgressReportFactory(
        project=projects[0],
        period=selectors.previous_period(last_month),
        approved=True,
        created_by=staff,
        physical_progress=45,
        stage="主体施工",
        workers_on_site=120,
        narrative="厂房主体封顶，设备基础施工中。",
    )
    correction = services.progress_report_correct(original=approved, actor=staff)
    services.issue_raise(project=projects[0], description="施工用电增容待供电公司批复", actor=staff, report=approved)
    queued = services.progress_report_create(
        project=projects[1], period=last_month, actor=staff, investment_completed=850
    )
    services.progress_report_submit(report=queued, actor=staff)
    sent_back = services.progress_report_create(
        project=projects[2], period=last_month, actor=staff, investment_completed=320
    )
    sent_back = services.progress_report_submit(report=sent_back, actor=staff)
    services.progress_report_return(report=sent_back, reviewer=reviewer, review_note="请补充现场照片，金额与台账核对。")
    Notification.objects.create(recipient=staff, verb=Notification.Verb.REMINDER, period=this_month)
    upload, _plan = ledger_upload(content=realistic_ledger(12)[0], file_name="上党区台账.xlsx", year=None, actor=admin)
    year = CampaignYear.objects.order_by("-year").first().year
    project = Project.objects.filter(pool="construction").order_by("name").first()
    source = SourceReport.objects.order_by("pk").first()
    # A large export's waiting page as an anonymous caller sees it while the file is written, and when it failed.
    exporting = {
        status: ExportJob.objects.create(
            view="projects.api.views.ProjectViewSet", format="xlsx", filename="projects", status=status, rows=120_000
        )
        for status in (ExportJob.Status.RUNNING, ExportJob.Status.FAILED)
    }
    return {
        "": [
            Visit("overview", f"/?year={year}"),
            Visit("pipeline", f"/pipeline/?year={year}"),
            Visit("projects", "/projects/"),
            Visit("project", f"/projects/{project.pk}/?year={year}"),
            Visit("parks", "/parks/"),
            Visit("rankings", f"/rankings/?year={year}"),
            Visit("source-reports", "/source-reports/"),
            Visit("source-report", f"/source-reports/{source.pk}/"),
            Visit("login", "/accounts/login/"),
            Visit("api-docs", "/api/docs/", ready=".swagger-ui .info", framed=False),
            Visit("map", "/map/"),
            Visit("briefing", f"/briefing/?year={year}"),
            Visit("screen", f"/screen/?year={year}", framed=False),
            Visit("not-found", "/no-such-page/", 404),
            Visit("export-waiting", f"/exports/{exporting[ExportJob.Status.RUNNING].pk}/"),
            Visit("export-failed", f"/exports/{exporting[ExportJob.Status.FAILED].pk}/"),
        ],
        "tian": [
            Visit("my-projects", "/progress/"),
            Visit("report-form", f"/progress/projects/{projects[2].pk}/report/?period={last_month:%Y-%m}"),
            Visit("report-history", f"/progress/projects/{projects[0].pk}/history/"),
            Visit("returned", "/progress/returned/"),
            Visit("report", f"/progress/reports/{approved.pk}/"),
            Visit("correction", f"/progress/corrections/{correction.pk}/"),
            Visit("notifications", "/progress/notifications/"),
            Visit("xlsx-upload", "/progress/xlsx/upload/"),
            Visit("review-refused", "/progress/review/", 403),
        ],
        "shen": [Visit("review", "/progress/review/")],
        "ling": [
            Visit("plans", f"/plans/{year}/"),
            Visit("targets", f"/plans/{year}/targets/"),
            Visit("thresholds", f"/plans/{year}/thresholds/"),
            Visit("obstacles", "/progress/obstacles/"),
            Visit("source-report-add", "/source-reports/add/"),
            Visit("source-report-review", f"/source-reports/{source.pk}/review/"),
            Visit("project-edit", f"/projects/{project.pk}/?year={year}"),
        ],
        admin.username: [Visit("ledger", "/ledger/"), Visit("ledger-preview", f"/ledger/{upload.pk}/")],
    }


def _session_cookie(site: str, username: str) -> dict:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}


# One round trip: does the page fit, which language is it in, which header sections can be seen (shown and
# inside the window), is the menu button there.
LOOK = """() => {
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.left >= 0 && box.right <= window.innerWidth
      && getComputedStyle(el).visibility !== "hidden";
  };
  const toggle = document.getElementById("nav-toggle");
  return {
    fits: document.documentElement.scrollWidth <= window.innerWidth,
    lang: document.documentElement.lang,
    sections: [...document.querySelectorAll("nav.site-nav a")].filter(shown).length,
    toggle: toggle !== null && shown(toggle),
  };
}"""


def _look(page, visit: Visit, where: str, language: str) -> list[str]:
    """What is wrong with the page just loaded; opens the menu on a phone to reach the sections."""
    found = []
    seen = page.evaluate(LOOK)
    if not seen["fits"]:
        found.append(f"{where}: scrolls sideways")
    if not visit.framed:
        return found
    if seen["lang"] != ("en" if language == "en" else "zh-CN"):
        found.append(f"{where}: not in {language}")
    if visit.status >= 400 and not page.locator(f"#error-{visit.status}").count():
        found.append(f"{where}: not the portal's {visit.status} page")
    if seen["sections"] < SECTIONS and seen["toggle"]:
        page.click("#nav-toggle")
        seen = page.evaluate(LOOK)
        if not seen["fits"]:
            found.append(f"{where}: the open menu scrolls sideways")
    if seen["sections"] != SECTIONS:
        found.append(f"{where}: {seen['sections']} of {SECTIONS} header sections reachable")
    return found


def test_every_page_fits_shows_every_section_and_logs_no_error(site, browser, eager_tasks):
    admin = UserFactory(username="guan", first_name="关管理", role=roles.ADMIN)
    visits = _portal(admin)
    ARTIFACTS.mkdir(exist_ok=True)
    failures = []
    for username, pages in visits.items():
        # One context per role; the width and the language change within it, so static files stay cached.
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        if username:
            context.add_cookies([_session_cookie(site, username)])
        page = context.new_page()
        errors = []
        page.on("console", lambda m, errors=errors: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        for device, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            for language, code in LANGUAGES.items():
                context.add_cookies([{"name": "django_language", "value": code, "url": site}])
                for visit in pages:
                    where = f"{visit.name} ({username or 'anonymous'}, {device}, {language})"
                    response = page.goto(site + visit.url, wait_until="load")
                    if visit.ready:
                        page.wait_for_selector(visit.ready)
                    if response.status != visit.status:
                        failures.append(f"{where}: status {response.status}")
                    # The browser logs a document that answers 4xx itself; what counts is that it is ours.
                    errors[:] = [e for e in errors if f"status of {visit.status}" not in e]
                    page.screenshot(
                        path=str(ARTIFACTS / f"every-{language}-{device}-{visit.name}.jpg"),
                        full_page=True,
                        type="jpeg",
                        quality=70,
                    )
                    failures += _look(page, visit, where, language)
                    if errors:
                        failures.append(f"{where}: console {errors}")
                        errors.clear()
        if not username:
            failures += _menu_by_keyboard(page, site)
        context.close()
    assert failures == []


def _menu_by_keyboard(page, site: str) -> list[str]:
    """On a phone the menu button opens with Enter, moves the focus into the menu, and Escape closes it
    and gives the focus back."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + "/projects/")
    toggle = page.locator("#nav-toggle")
    found = []
    toggle.focus()
    page.keyboard.press("Enter")
    if toggle.get_attribute("aria-expanded") != "true" or not page.locator("nav.site-nav a").last.is_visible():
        found.append("menu: Enter does not open it")
    shot(page, "every-phone-menu-open")
    if not page.evaluate("document.activeElement.closest('#site-menu') !== null"):
        found.append("menu: the focus stays outside it")
    page.keyboard.press("Escape")
    if page.locator("nav.site-nav").is_visible() or page.evaluate("document.activeElement.id") != "nav-toggle":
        found.append("menu: Escape does not close it and give the focus back")
    return found
