"""Pages whose filters name one company or project render the same whatever the number of companies and
projects: an autocomplete in place of a select of every row, with the chosen row's name on the page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Company, Project
from tests.factories import CompanyFactory, ProjectFactory, RegionFactory

PAGES = [reverse("projects:list"), reverse("projects:map"), reverse("progress:obstacles")]


def _render(client, url: str) -> tuple[int, int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return len(queries), len(html), html


def _grow(region, start: int, count: int) -> None:
    companies = Company.objects.bulk_create(
        Company(name=f"增长测试企业{n:04d}", region=region) for n in range(start, start + count)
    )
    Project.objects.bulk_create(
        Project(name=f"增长测试项目{n:04d}", region=region, company=c, is_public=False)
        for n, c in zip(range(start, start + count), companies, strict=True)
    )


@pytest.mark.django_db
def test_filter_pages_do_not_grow_with_companies_and_projects(client_as):
    """Hidden projects and companies are added: the pages list none of them, so their queries and their HTML
    stay the same; a select of every company or project would grow with each one."""
    client = client_as("official")
    region = RegionFactory(name="增长测试区")
    _grow(region, 0, 3)
    few = {url: _render(client, f"{url}?is_public=true") for url in PAGES[:2]}
    few_obstacles = _render(client, PAGES[2] + "?status=resolved")
    _grow(region, 3, 300)
    many = {url: _render(client, f"{url}?is_public=true") for url in PAGES[:2]}
    many_obstacles = _render(client, PAGES[2] + "?status=resolved")
    for url in PAGES[:2]:
        assert many[url][:2] == few[url][:2], url
        assert "增长测试企业" not in many[url][2]
    assert many_obstacles[:2] == few_obstacles[:2]
    assert "增长测试项目" not in many_obstacles[2]


@pytest.mark.django_db
def test_the_chosen_company_is_named_and_kept_in_the_filter(client):
    chosen = CompanyFactory(name="晋能光伏科技有限公司")
    other = CompanyFactory(name="长治煤化工有限公司")
    mine = ProjectFactory(name="光伏组件项目", company=chosen, is_public=True)
    ProjectFactory(name="煤化工项目", company=other, is_public=True)
    html = client.get(reverse("projects:list"), {"company": chosen.pk}).content.decode()
    field = re.search(r'<span class="autocomplete"[^>]*>.*?</span>', html, re.S).group(0)
    assert 'data-autocomplete="/api/v1/companies/"' in field
    assert 'data-chosen-label="晋能光伏科技有限公司"' in field
    assert f'name="company" value="{chosen.pk}"' in field  # the id field works without JavaScript
    assert mine.name in html and "煤化工项目" not in html
    assert "<option" not in field

    # An id that names no company is refused on the field, and its (missing) name is not invented.
    html = client.get(reverse("projects:list"), {"company": "999999"}).content.decode()
    assert 'data-chosen-label=""' in html and "errorlist" in html


@pytest.mark.django_db
def test_the_obstacles_filter_names_the_chosen_project(client_as):
    project = ProjectFactory(name="问题清单测试项目")
    html = client_as("official").get(reverse("progress:obstacles"), {"project": project.pk}).content.decode()
    assert 'data-autocomplete="/api/v1/projects/"' in html
    assert 'data-chosen-label="问题清单测试项目"' in html
