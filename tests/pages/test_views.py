"""The dashboard pages render the report data, hide what anonymous users may not see, escape report text."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from investment.models import Figure, Report
from parks.models import Park, Region
from projects.models import Milestone, Project, ProjectContact
from shangdang_portal import roles

PAGES = ["/", "/pipeline/", "/projects/", "/parks/", "/rankings/", "/reports/"]


@pytest.fixture
def official(db):
    roles.ensure_groups()
    user = get_user_model().objects.create_user("leader", password="pw-long-enough-123")
    user.groups.add(Group.objects.get(name=roles.OFFICIAL))
    return user


@pytest.mark.parametrize("url", PAGES)
def test_each_page_renders_the_report_data(client, report_data, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in html
    assert 'id="language-form"' in html


def test_overview_shows_signed_amount_against_target_linked_to_its_figures(client, report_data):
    html = client.get("/").content.decode()
    actual = Figure.objects.get(indicator__code="signed_amount", kind="actual", region__name="上党区")
    target = Figure.objects.get(indicator__code="signed_amount", kind="target", region__name="上党区")
    assert f"/reports/{actual.report_id}/#figure-{actual.pk}" in html
    assert f"/reports/{target.report_id}/#figure-{target.pk}" in html
    # 1,623,000 万元 shown in 亿元, and the completion against the 145 亿 target.
    assert "162.3 亿元" in html
    completion = (actual.value * 100 / target.value).quantize(__import__("decimal").Decimal("0.1"))
    assert f"{completion}%" in html


def test_pipeline_counts_projects_per_pool_and_links_to_the_filtered_list(client, report_data):
    html = client.get("/pipeline/").content.decode()
    count = Project.objects.filter(pool="construction").count()
    assert count > 0
    assert re.search(rf'href="/projects/\?pool=construction">{count}</a>', html)
    rate = Figure.objects.filter(indicator__code="signed_to_started_rate").order_by("period_end", "id").last()
    assert f"#figure-{rate.pk}" in html


def test_project_list_filter_changes_the_list(client, report_data):
    all_count = client.get("/projects/").context["page"].paginator.count
    pool = client.get("/projects/", {"pool": "construction"}).context["page"].paginator.count
    assert all_count == Project.objects.count()
    assert pool == Project.objects.filter(pool="construction").count() < all_count
    name = Project.objects.filter(pool="construction").first().name
    found = client.get("/projects/", {"q": name[:6]}).context["page"]
    assert name in [p.name for p in found]


def test_project_list_export_links_keep_the_query_string(client, report_data):
    html = client.get("/projects/", {"pool": "planning"}).content.decode()
    assert "/api/v1/projects/?pool=planning&amp;format=csv" in html
    assert "/api/v1/projects/?pool=planning&amp;format=xlsx" in html


def test_bad_filter_value_is_reported_on_the_field(client, report_data):
    response = client.get("/projects/", {"pool": "nonsense"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "pool" in response.context["filterset"].form.errors


def test_anonymous_users_see_public_projects_only_and_no_contacts(client, report_data, official):
    hidden = Project.objects.filter(pool="construction").first()
    hidden.is_public = False
    hidden.save()
    ProjectContact.objects.create(project=hidden, role="leader", name="张三丰", phone="13800000000")
    shown = Project.objects.filter(is_public=True).first()
    ProjectContact.objects.create(project=shown, role="officer", name="李四光", phone="13900000000")

    assert client.get(f"/projects/{hidden.pk}/").status_code == 404
    assert client.get("/projects/", {"q": hidden.name}).context["page"].paginator.count == 0
    anonymous = client.get(f"/projects/{shown.pk}/").content.decode()
    assert "李四光" not in anonymous and "13900000000" not in anonymous

    client.force_login(official)
    assert "张三丰" in client.get(f"/projects/{hidden.pk}/").content.decode()
    assert client.get("/projects/", {"q": hidden.name}).context["page"].paginator.count == 1


def test_report_page_marks_every_figure_and_escapes_the_text(client, db):
    region = Region.objects.create(name="测试市", level="city")
    text = '开头<script>alert("x")</script>签约额145亿元，开工率70%，结尾&'
    report = Report.objects.create(
        file_name="t.md", title="测试<b>报道</b>", text=text, sha256="0" * 64, published_on="2025-06-01"
    )
    quotes = ["签约额145亿元", "145亿元，开工率70%", "<script>"]
    figures = []
    for quote in quotes:
        figures.append(
            Figure.objects.create(
                report=report,
                subject="测试",
                scope_kind="region",
                region=region,
                value_printed="1",
                value=1,
                kind="actual",
                quote=quote,
                quote_offset=text.index(quote),
            )
        )
    html = client.get(f"/reports/{report.pk}/").content.decode()
    body = html.split('id="report-text">', 1)[1].split("</div>", 1)[0]
    assert "<script>" not in html.replace('<script src="', "").replace("<script id=", "")
    assert "&lt;script&gt;" in body and "&amp;" in body
    for figure in figures:
        assert f'id="figure-{figure.pk}"' in body
    assert body.count("<mark") == 2  # the two overlapping quotes share one mark
    assert "测试&lt;b&gt;报道&lt;/b&gt;" in html


def test_park_tree_sums_each_subtree(client, report_data):
    zone = Park.objects.get(name="上党经济技术开发区")
    ids = zone.descendant_ids()
    expected = Project.objects.filter(park_id__in=ids).count()
    rows = client.get("/parks/").context["rows"]
    node = next(r for r in rows if r.park == zone)
    assert node.count == expected
    child_total = sum(c.count for c in node.children) + node.own_count
    assert node.count == child_total


def test_rankings_rank_regions_by_completion(client, report_data):
    response = client.get("/rankings/")
    ranked = response.context["sections"][0][1]
    scored = [b.score for b in ranked if b.score is not None]
    assert scored == sorted(scored, reverse=True)
    assert [b.rank for b in ranked if b.score is not None] == list(range(1, len(scored) + 1))


def test_language_switch_turns_the_interface_to_english(client, report_data):
    assert "项目库" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Pipeline" in html and "Rankings" in html


def _make_projects(count: int, region: Region, park: Park, start: int = 0) -> None:
    for index in range(start, start + count):
        project = Project.objects.create(
            name=f"规模测试项目{index:03d}", region=region, park=park, pool="construction", total_investment=1000
        )
        Milestone.objects.create(project=project, kind="started", actual_date="2025-03-01")


def _query_counts(client) -> dict[str, int]:
    counts = {}
    project = Project.objects.order_by("pk").first()
    for url in [*PAGES, f"/projects/{project.pk}/", f"/reports/{Report.objects.first().pk}/"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url.split("/")[1] or "overview"] = len(queries)
    return counts


def test_no_page_issues_more_queries_as_projects_grow(client, report_data):
    region = Region.objects.get(name="上党区")
    park = Park.objects.get(name="光伏产业园")
    Project.objects.all().delete()
    _make_projects(5, region, park)
    few = _query_counts(client)
    _make_projects(45, region, park, start=5)
    assert Project.objects.count() == 50
    many = _query_counts(client)
    assert few == many


def test_unpublished_report_is_hidden_from_anonymous_users(client, db, official):
    report = Report.objects.create(file_name="draft.md", title="未发布", text="正文", sha256="1" * 64)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert "未发布" not in client.get("/reports/").content.decode()
    client.force_login(official)
    assert client.get(f"/reports/{report.pk}/").status_code == 200


def test_project_file_shows_counted_progress_and_obstacles(client, report_data):
    from projects.models import ProgressReport, ProjectIssue

    project = Project.objects.filter(is_public=True).order_by("pk").first()
    ProgressReport.objects.create(
        project=project, period="2025-03-01", investment_completed=321, status="approved", stage="主体结构封顶"
    )
    ProgressReport.objects.create(project=project, period="2025-04-01", investment_completed=999, status="draft")
    ProjectIssue.objects.create(project=project, description="用地指标待落实", raised_on="2025-03-10")
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert "主体结构封顶" in html and "321 万元" in html
    assert "999 万元" not in html  # drafts do not count
    assert "用地指标待落实" in html


def test_rankings_show_the_frozen_month_beside_the_live_rank(client, report_data):
    from datetime import date

    from investment.models import CampaignYear, RollupSource
    from investment.rollups.rankings import ranking_publish

    year = CampaignYear.objects.get(year=2025)
    assert "本月排名尚未冻结发布。" in client.get("/rankings/").content.decode()
    ranking = ranking_publish(
        campaign_year=year,
        period=date(2025, 12, 1),
        scope_kind="region",
        indicator_code="signed_amount",
        source=RollupSource.REPORT,
    )
    assert ranking.frozen_at is not None
    frozen = {e.region_id: e.rank for e in ranking.entries.all()}
    response = client.get("/rankings/")
    assert "冻结排名：2025-12" in response.content.decode()
    regions = response.context["sections"][0][1]
    assert frozen, "the published ranking has entries"
    for bucket in regions:
        region_id = Region.objects.get(name=bucket.name).pk
        assert bucket.snapshot_rank == frozen.get(region_id)
