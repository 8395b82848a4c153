"""The company autocomplete of the project list in a real browser, on a phone and a desktop: type part of
a name, pick the company (keyboard on one, pointer on the other), and the list narrows to its projects."""

import pytest
from django.urls import reverse

from tests.factories import CompanyFactory, ProjectFactory

from .conftest import shot

pytestmark = pytest.mark.browser


@pytest.fixture
def companies(transactional_db, live_server):
    chosen = CompanyFactory(name="晋能光伏科技有限公司")
    CompanyFactory(name="晋能储能装备有限公司")
    other = CompanyFactory(name="长治煤化工有限公司")
    ProjectFactory(name="光伏组件扩产项目", company=chosen, is_public=True)
    ProjectFactory(name="煤化工升级项目", company=other, is_public=True)
    return live_server.url, chosen


@pytest.mark.parametrize("width,by_keyboard", [(390, True), (1440, False)])
def test_type_pick_and_the_list_narrows_to_the_company(browser, companies, width, by_keyboard):
    site, chosen = companies
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{site}{reverse('projects:list')}")
        page.click("#project-filters summary")
        combobox = page.locator("#id_company")
        assert combobox.get_attribute("role") == "combobox"
        assert page.locator("input[name=company]").get_attribute("type") == "hidden"

        combobox.click()
        combobox.type("晋能")
        page.wait_for_selector("#id_company-listbox [role=option]")
        names = page.locator("#id_company-listbox [role=option]").all_inner_texts()
        assert sorted(names) == ["晋能储能装备有限公司", "晋能光伏科技有限公司"]
        assert combobox.get_attribute("aria-expanded") == "true"
        listbox = page.locator("#id_company-listbox").bounding_box()
        assert listbox["x"] >= 0 and listbox["x"] + listbox["width"] <= width
        shot(page, f"autocomplete-{width}-open")

        if by_keyboard:
            index = names.index(chosen.name)
            for _ in range(index + 1):
                combobox.press("ArrowDown")
            assert page.locator("[role=option][aria-selected=true]").inner_text() == chosen.name
            combobox.press("Enter")  # picks, does not send the form
            assert combobox.get_attribute("aria-expanded") == "false"
            combobox.press("Enter")  # now sends it
        else:
            page.click(f"#id_company-listbox [role=option][data-value='{chosen.pk}']")
            page.click("#project-filters button[type=submit]")
        page.wait_for_url(f"**company={chosen.pk}**")

        rows = page.locator("table tbody tr").all_inner_texts()
        assert len(rows) == 1 and "光伏组件扩产项目" in rows[0]
        # Loaded with ?company=<id>, the field shows the company's name.
        assert page.locator("#id_company").input_value() == chosen.name
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"autocomplete-{width}-chosen")

        # Clearing the text clears the filter.
        page.fill("#id_company", "")
        page.click("#project-filters button[type=submit]")
        page.wait_for_load_state()
        assert "company=&" in page.url or page.url.endswith("company=")
        assert errors == []
    finally:
        context.close()
