"""The pages the planning inputs are edited on, in a real browser at a phone's and a desktop's width: the
ledger upload and its preview (as an admin), the year's plans and the project file with its edit forms (as an
official). None may scroll the page sideways or log a console error; screenshots land in test-artifacts/."""

import pytest
from django.contrib.auth import get_user_model

from projects.models import Milestone, Project
from shangdang_portal import roles
from tests.factories import PASSWORD, UserFactory
from tests.ledger.builders import HEADERS, project, xlsx

from .conftest import shot

pytestmark = pytest.mark.browser

WIDTHS = {"phone": (390, 844), "desktop": (1440, 900)}


def _sign_in(page, site: str, username: str, password: str, target: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/?next={target}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_url(f"{site}{target}")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _small_ledger() -> bytes:
    keys = list(HEADERS)
    return xlsx([[HEADERS[key] for key in keys], *[[project(i)[0].get(key) for key in keys] for i in range(3)]])


@pytest.mark.parametrize("device", list(WIDTHS))
def test_the_planning_pages_fit_a_phone_and_a_desktop(site, page, tmp_path, eager_tasks, device):
    width, height = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": height})
    roles.ensure_groups()
    get_user_model().objects.create_superuser("layout-admin", "admin@example.org", "secret-pw-1")
    UserFactory(username="layout-official", role="official")
    ledger = tmp_path / "小台账.xlsx"
    ledger.write_bytes(_small_ledger())

    _sign_in(page, site, "layout-admin", "secret-pw-1", "/ledger/")
    assert _fits(page), "/ledger/"
    shot(page, f"planning-{device}-ledger")
    page.set_input_files("input[type=file]", str(ledger))
    page.click("#ledger-preview")
    page.wait_for_selector("#ledger-counts")
    assert page.inner_text("#count-new") == "3"
    assert _fits(page), "ledger preview"
    shot(page, f"planning-{device}-ledger-preview")

    _sign_in(page, site, "layout-official", PASSWORD, "/plans/2025/")
    assert page.locator("form.row-form").count() > 0
    assert _fits(page), "/plans/2025/"
    shot(page, f"planning-{device}-plans")

    shown = Project.objects.filter(is_public=True, milestones__kind=Milestone.Kind.STARTED).order_by("name").first()
    page.goto(f"{site}/projects/{shown.pk}/?year=2025")
    assert page.locator("#milestone-started").is_visible() and page.locator("#pool-move").is_visible()
    assert _fits(page), "project file"
    shot(page, f"planning-{device}-project")
    # A save from the page: the row comes back saved, with the message.
    page.fill("#id_signed_actual_date", "2024-12-05")
    page.click("#milestone-signed button[type=submit]")
    page.wait_for_selector(".messages", timeout=5000)
    assert Milestone.objects.get(project=shown, kind="signed").actual_date.isoformat() == "2024-12-05"
    assert _fits(page), "project file after a save"
    assert page.errors == []
