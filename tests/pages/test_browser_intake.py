"""An official brings in a new source report in a real browser, at a phone's and a desktop's width: uploads it,
reviews its candidates from the keyboard (j/k to move, a to accept, r to reject with a reason) and finds the
accepted figure on the report's page with its quote highlighted. No sideways scrolling, no console error."""

from datetime import date

import pytest

from investment.models import Figure, FigureCandidate, SourceReport
from tests.factories import PASSWORD, UserFactory
from tests.intake.builders import TEXT

from .conftest import shot

pytestmark = pytest.mark.browser

WIDTHS = {"phone": (390, 844), "desktop": (1440, 900)}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("device", list(WIDTHS))
def test_an_official_uploads_a_report_reviews_it_from_the_keyboard_and_sees_the_figure(site, page, tmp_path, device):
    width, height = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": height})
    UserFactory(username="intake-official", role="official")
    file = tmp_path / "上党区上半年综述.txt"
    file.write_text(TEXT, encoding="utf-8")

    page.goto(f"{site}/accounts/login/?next=/source-reports/")
    page.fill("input[name=username]", "intake-official")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{site}/source-reports/")
    page.click("#report-add")
    page.set_input_files("input[type=file]", str(file))
    page.fill("#id_publisher", "上党区融媒体中心")
    page.fill("#id_published_on", "2026-07-10")
    assert _fits(page), "add page"
    shot(page, f"intake-{device}-add")
    page.click("#report-add-submit")
    page.wait_for_selector("#candidates")
    report = SourceReport.objects.get(title="上党区2026年上半年重大项目建设综述")
    pending = list(report.candidates.order_by("quote_offset", "pk"))
    assert len(pending) >= 3
    assert page.locator("mark[data-candidates]").count() >= 3
    assert _fits(page), "review queue"
    shot(page, f"intake-{device}-review")

    # The queue starts on the first candidate; j moves down, k back up, with its quote lit in the text.
    first, second = pending[0], pending[1]
    assert first.quote == "上党区固定资产投资完成45.6亿元" and first.scope_name == "上党区"
    assert "current" in page.get_attribute(f"#candidate-row-{first.pk}", "class")
    page.keyboard.press("j")
    assert "current" in page.get_attribute(f"#candidate-row-{second.pk}", "class")
    assert "current" in page.get_attribute(f"#candidate-{second.pk}", "class")
    page.keyboard.press("k")
    assert "current" in page.get_attribute(f"#candidate-row-{first.pk}", "class")

    with page.expect_navigation():
        page.keyboard.press("a")
    first.refresh_from_db()
    assert first.status == "accepted"
    figure = Figure.objects.get(pk=first.figure_id)
    assert figure.region.name == "上党区"
    assert (figure.period_start, figure.period_end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert page.locator(f"#candidate-row-{first.pk}.status-accepted").count() == 1

    # After the save the queue is on the accepted one; the next pending one is rejected with a reason.
    page.keyboard.press("j")
    page.keyboard.press("r")
    page.keyboard.type("同比增速不单独入库")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    second.refresh_from_db()
    assert (second.status, second.reject_reason) == ("rejected", "同比增速不单独入库")
    shot(page, f"intake-{device}-reviewed")

    page.click(f"#candidate-row-{first.pk} a[href$='#figure-{figure.pk}']")
    page.wait_for_selector(f"mark#figure-{figure.pk}")
    assert page.inner_text(f"mark#figure-{figure.pk}") == "上党区固定资产投资完成45.6亿元"
    assert _fits(page), "report page"
    shot(page, f"intake-{device}-report")
    assert page.errors == []
    assert FigureCandidate.objects.filter(source_report=report, status="pending").count() == len(pending) - 2
