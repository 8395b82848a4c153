"""The back office as staff use it: every list and change page loads, Chinese search finds rows,
quotes are highlighted in the report text, provenance fields cannot be edited."""

import re
from html import unescape

import pytest
from django.contrib import admin
from django.urls import reverse

from investment.models import Figure, SourceReport
from projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model, report_data):
    user = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    client.force_login(user)
    return client


def test_every_admin_list_and_change_page_loads(staff_client):
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert staff_client.get(url).status_code == 200, url
        obj = model.objects.first()
        if obj is not None:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert staff_client.get(url).status_code == 200, url


def test_chinese_search_finds_projects(staff_client):
    project = Project.objects.get(name="华南智慧融创新科技园")
    response = staff_client.get(reverse("admin:projects_project_changelist"), {"q": "华南"})
    assert project.name in response.content.decode()
    assert response.context["cl"].result_count >= 1


def test_report_page_highlights_every_figure_quote(staff_client):
    report = SourceReport.objects.get(file_name__startswith="004")
    html = staff_client.get(reverse("admin:investment_sourcereport_change", args=[report.pk])).content.decode()
    marks = {
        int(pk): unescape(body)
        for ids, body in re.findall(
            r'<mark id="figure-\d+" class="quote" data-figures="([\d ]+)">(.*?)</mark>', html, re.S
        )
        for pk in ids.split()
    }
    figures = list(report.figures.all())
    assert len(figures) > 30
    for figure in figures:
        assert figure.quote in marks[figure.pk], figure.pk


def test_figure_provenance_is_read_only(staff_client):
    figure = Figure.objects.first()
    html = staff_client.get(reverse("admin:investment_figure_change", args=[figure.pk])).content.decode()
    assert 'name="quote"' not in html
    assert 'name="quote_offset"' not in html
    assert "<mark>" in html
