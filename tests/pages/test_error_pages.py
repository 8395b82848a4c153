"""The portal's own 403, 404 and 500 pages: in the site's frame, in Chinese and English; the 500 page
renders with the database out of reach."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from shangdang_portal import roles
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _language_left_as_found():
    """The test client runs the locale middleware in this thread; English must not outlive these tests (a
    roll-up run later would store its signal reasons in English)."""
    with translation.override(translation.get_language()):
        yield


def test_the_500_page_renders_without_the_database():
    # No db fixture: pytest-django fails any query, so this proves the page needs none.
    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/projects/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert 'id="error-500"' in html and "服务器错误" in html
    assert 'id="site-menu"' in html and "退出" not in html  # the header without the signed-in tools
    assert reverse("projects:list") in html  # the header's sections still lead on
    with translation.override("en"):
        assert "Server error" in server_error(RequestFactory().get("/")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "reason"),
    [
        ("zh-hans", "无权访问", "只有审核人员可以审核进度报告。"),
        ("en", "Access denied", "Only reviewers can review progress reports."),
    ],
)
def test_a_refused_page_says_why_in_the_portals_frame(client, language, title, reason):
    client.force_login(UserFactory(role=roles.STAFF))
    client.cookies["django_language"] = language
    response = client.get(reverse("progress:review"))
    html = response.content.decode()
    assert response.status_code == 403
    assert 'id="error-403"' in html and title in html and 'id="site-menu"' in html
    assert reason in html


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "title"), [("zh-hans", "页面不存在"), ("en", "Page not found")])
def test_a_missing_page_is_the_portals_404(client, language, title):
    client.cookies["django_language"] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="error-404"' in html and title in html
