"""An admin brings in the district's ledger in a real browser: signs in, uploads it, reads the preview,
confirms, and sees the overview change (the new year's signals lit)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Max

from investment.models import ProjectSignal
from projects.models import Project
from tests.ledger.builders import realistic_ledger

from .conftest import shot

pytestmark = pytest.mark.browser


def _signal_count(page, colour: str) -> int:
    found = page.locator(f"#signals li:has(span.signal.{colour}) strong")
    return int(found.first.inner_text()) if found.count() else 0


def test_an_admin_uploads_a_ledger_previews_confirms_and_the_overview_changes(site, page, tmp_path, eager_tasks):
    get_user_model().objects.create_superuser("ledger-admin", "admin@example.org", "secret-pw-1")
    ledger = tmp_path / "上党区台账.xlsx"
    ledger.write_bytes(realistic_ledger(300)[0])

    page.goto(f"{site}/")
    red_before = _signal_count(page, "red")
    page.goto(f"{site}/accounts/login/?next=/ledger/")
    page.fill("input[name=username]", "ledger-admin")
    page.fill("input[name=password]", "secret-pw-1")
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_url(f"{site}/ledger/")

    page.set_input_files("input[type=file]", str(ledger))
    page.click("#ledger-preview")
    page.wait_for_selector("#ledger-counts")
    assert page.inner_text("#count-new") == "300"
    assert page.inner_text("#count-error") == "0"
    assert "上党区第1号示范项目（一期）" in page.inner_text("#ledger-rows")
    shot(page, "ledger-preview")
    assert not Project.objects.filter(code__startswith="SD2026").exists()  # nothing saved before confirming

    page.click("#ledger-confirm")
    page.wait_for_selector("#ledger-applied")
    assert Project.objects.filter(code__startswith="SD2026").count() == 300

    # The roll-up the confirmation queued, run here as the worker would (the broker tests cover the queue).
    call_command("rollup", "--year", "2026", verbosity=0)
    page.goto(f"{site}/")
    assert "2026" in page.inner_text("main h1, main .muted")
    red_after = _signal_count(page, "red")
    assert red_after > red_before
    newest = ProjectSignal.objects.aggregate(newest=Max("as_of"))["newest"]
    assert newest.year == 2026
    assert red_after == ProjectSignal.objects.filter(as_of=newest, signal="red").count()
    assert page.errors == []
    shot(page, "ledger-overview-after")
    assert Project.objects.get(code="SD20260002").total_investment == Decimal("123400")
