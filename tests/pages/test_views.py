"""The dashboard pages render the report data and its roll-ups, hide what anonymous users may not see,
escape report text."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investment.models import (
    AnnualPlan,
    BatchRate,
    CampaignYear,
    Figure,
    PipelinePool,
    ProjectSignal,
    Rollup,
    SourceReport,
)
from investment.rollups.rankings import competition_ranks
from parks.models import Park, Region
from projects.models import Project, ProjectContact
from tests.factories import (
    BatchFactory,
    FigureFactory,
    MilestoneFactory,
    ProgressReportFactory,
    ProjectFactory,
    RegionFactory,
    SourceReportFactory,
)

PAGES = [
    "dashboards:overview",
    "dashboards:pipeline",
    "projects:list",
    "projects:park-tree",
    "dashboards:rankings",
    "sources:list",
]
OVERVIEW = reverse("dashboards:overview")
PIPELINE = reverse("dashboards:pipeline")
# The report data's campaign year; today (the default year) is later, so dashboards of it ask for it.
IN_2025 = {"year": 2025}
PROJECTS = reverse("projects:list")


def project_url(project) -> str:
    return reverse("dashboards:project-detail", args=[project.pk])


def source_report_url(pk) -> str:
    return reverse("sources:detail", args=[pk])


@pytest.fixture
def official(user_of):
    return user_of("official")


@pytest.fixture
def rolled_up(report_data):
    """The report data rolled up as `make run` does it (2025 is past, so as of 2025-12-31)."""
    call_command("rollup", verbosity=0)


@pytest.mark.parametrize("url", PAGES)
def test_each_page_renders_the_report_data(client, rolled_up, url):
    response = client.get(reverse(url))
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in html
    assert 'id="language-form"' in html


def test_overview_shows_signed_amount_against_target_linked_to_its_figures(client, rolled_up):
    html = client.get(OVERVIEW, IN_2025).content.decode()
    actual = Figure.objects.get(indicator__code="signed_amount", kind="actual", region__name="上党区")
    target = Figure.objects.get(indicator__code="signed_amount", kind="target", region__name="上党区")
    row = Rollup.objects.get(indicator__code="signed_amount", region__name="上党区", source="report")
    assert row.figure == actual and row.target_ref.source_figure == target
    assert f"{source_report_url(actual.source_report_id)}#figure-{actual.pk}" in html
    assert f"{source_report_url(target.source_report_id)}#figure-{target.pk}" in html
    # 1,623,000 万元 shown in 亿元, the stored completion, and the gap in points and in 亿元.
    assert "162.3 亿元" in html
    assert f"{row.completion_rate.quantize(Decimal('0.1'))}%" in html
    assert f"+{(row.completion_rate - row.elapsed_rate).quantize(Decimal('0.1'))} 个百分点" in html
    assert f"{(row.gap_amount / 10000).quantize(Decimal('0.01')).normalize()} 亿元" in html
    assert "数据截至 2025-12-31" in html


def test_overview_without_roll_ups_says_so_and_invents_nothing(client, report_data):
    html = client.get(OVERVIEW, IN_2025).content.decode()
    assert "尚未汇总" in html
    assert "162.3 亿元" not in html and 'id="chart-trend"' not in html


def test_overview_keeps_reported_and_approved_progress_apart(client, report_data):
    project = Project.objects.filter(region__name="上党区", is_public=True).order_by("pk").first()
    year = CampaignYear.objects.get(year=2025)
    AnnualPlan.objects.create(project=project, campaign_year=year, planned_investment=Decimal("24000"))
    for month, amount in ((2, "1500"), (5, "2500.5")):
        ProgressReportFactory(
            project=project, period=date(2025, month, 1), investment_completed=Decimal(amount), approved=True
        )
    call_command("rollup", verbosity=0)
    response = client.get(OVERVIEW, IN_2025)
    html = response.content.decode()
    progress = Rollup.objects.get(indicator__code="project_investment", region__name="上党区", source="progress")
    assert progress.actual == Decimal("4000.5") and progress.target == Decimal("24000")
    assert "4,000.5 万元" in html and "162.3 亿元" in html
    # The two sources are never added together anywhere on the page.
    assert "166.3" not in html
    trend = json.loads(html.split('id="trend-data" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert [Decimal(v) for v in trend["actual"][:2]] == [0, 1500] and Decimal(trend["actual"][-1]) == progress.actual
    assert Decimal(trend["planned"][-1]) == progress.target
    # The signal counts and the rule come from the stored signals and the year's thresholds.
    counts = response.context["signal_chart"]["items"]
    stored = ProjectSignal.objects.filter(as_of=date(2025, 12, 31))
    assert {i["value"]: i["count"] for i in counts} == {
        "green": stored.filter(signal="green").count(),
        "yellow": stored.filter(signal="yellow").count(),
        "red": stored.filter(signal="red").count(),
        "none": stored.filter(signal="").count(),
    }
    assert stored.get(project=project).signal == "red"  # 4000.5 of 24000 by December
    # A threshold changed as the admin and the API change it (saved, so recorded) shows on the next visit.
    year.refresh_from_db()
    year.yellow_lag_points = 15
    year.save()
    assert "落后序时进度超过15个百分点" in client.get(OVERVIEW, IN_2025).content.decode()


def test_pipeline_counts_projects_per_pool_and_links_to_the_filtered_list(client, rolled_up):
    html = client.get(PIPELINE, IN_2025).content.decode()
    region = Region.objects.get(name="上党区")
    row = PipelinePool.objects.get(region=region, pool="construction")
    assert row.project_count == Project.objects.filter(region=region, pool="construction").count() > 0
    link = re.escape(f'href="{PROJECTS}?region={region.pk}&amp;pool=construction">{row.project_count}</a>')
    assert re.search(link, html)
    # The city's printed rates are on the city's pipeline, not on the district's.
    city_html = client.get(PIPELINE, {**IN_2025, "region": Region.objects.get(name="长治市").pk}).content.decode()
    for value in ("90.7", "35", "100"):
        figure = Figure.objects.get(indicator__code__endswith="_rate", value=Decimal(value), region__name="长治市")
        assert f"#figure-{figure.pk}" in city_html and f"{value}%" in city_html
        assert f"#figure-{figure.pk}" not in html
    zone = Park.objects.get(name="上党经济技术开发区")
    park_html = client.get(PIPELINE, {"park": zone.pk, **IN_2025}).content.decode()
    in_zone = PipelinePool.objects.get(park=zone, pool="construction").project_count
    assert f'href="{PROJECTS}?park={zone.pk}&amp;pool=construction">{in_zone}</a>' in park_html
    assert client.get(PIPELINE, {"park": 999999}).status_code == 404


def test_pipeline_shows_each_batch_rate_with_the_projects_behind_it(client, report_data):
    region = Region.objects.get(name="上党区")
    batch = BatchFactory(name="2025年第一批", held_on=date(2025, 3, 1), region=region)
    signed = list(Project.objects.filter(region=region, is_public=True).order_by("pk")[:4])
    for project in signed:
        MilestoneFactory(project=project, kind="signed", actual_date=date(2025, 3, 1), batch=batch)
    for project in signed[:3]:
        MilestoneFactory(project=project, kind="started", actual_date=date(2025, 6, 1))
    call_command("rollup", verbosity=0)
    rate = BatchRate.objects.get(batch=batch, kind="signed_to_started_rate")
    assert (rate.numerator, rate.denominator, rate.rate) == (3, 4, Decimal("75.00"))
    html = client.get(PIPELINE, IN_2025).content.decode()
    assert "<strong>75%</strong> = 3 / 4" in html
    for project in signed:
        assert f'href="{project_url(project)}?year=2025">{project.name}</a>' in html
    chart = json.loads(html.split('id="batches-data" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert chart["series"][0]["data"][0] == "75.00"


def test_project_list_filter_changes_the_list(client, report_data):
    all_count = client.get(PROJECTS).context["page"].paginator.count
    pool = client.get(PROJECTS, {"pool": "construction"}).context["page"].paginator.count
    assert all_count == Project.objects.count()
    assert pool == Project.objects.filter(pool="construction").count() < all_count
    name = Project.objects.filter(pool="construction").first().name
    found = client.get(PROJECTS, {"q": name[:6]}).context["page"]
    assert name in [p.name for p in found]


def test_project_list_export_links_keep_the_query_string(client, report_data):
    html = client.get(PROJECTS, {"pool": "planning"}).content.decode()
    api = reverse("api:project-list")
    assert f"{api}?pool=planning&amp;format=csv" in html
    assert f"{api}?pool=planning&amp;format=xlsx" in html


def test_bad_filter_value_is_reported_on_the_field(client, report_data):
    response = client.get(PROJECTS, {"pool": "nonsense"})
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

    assert client.get(project_url(hidden)).status_code == 404
    assert client.get(PROJECTS, {"q": hidden.name}).context["page"].paginator.count == 0
    anonymous = client.get(project_url(shown)).content.decode()
    assert "李四光" not in anonymous and "13900000000" not in anonymous

    client.force_login(official)
    assert "张三丰" in client.get(project_url(hidden)).content.decode()
    assert client.get(PROJECTS, {"q": hidden.name}).context["page"].paginator.count == 1


def test_report_page_marks_every_figure_and_escapes_the_text(client, db):
    region = RegionFactory(name="测试市", city=True)
    text = '开头<script>alert("x")</script>签约额145亿元，开工率70%，结尾&'
    report = SourceReportFactory(title="测试<b>报道</b>", text=text, published_on=date(2025, 6, 1))
    quotes = ["签约额145亿元", "145亿元，开工率70%", "<script>"]
    figures = [
        FigureFactory(source_report=report, indicator=None, subject="测试", region=region, quote=quote)
        for quote in quotes
    ]
    html = client.get(source_report_url(report.pk)).content.decode()
    body = html.split('id="report-text">', 1)[1].split("</div>", 1)[0]
    assert "<script>" not in html.replace('<script src="', "").replace("<script id=", "")
    assert "&lt;script&gt;" in body and "&amp;" in body
    for figure in figures:
        assert f'id="figure-{figure.pk}"' in body
    assert body.count("<mark") == 2  # the two overlapping quotes share one mark
    assert "测试&lt;b&gt;报道&lt;/b&gt;" in html


def test_rankings_rank_regions_by_completion_among_peers(client, rolled_up):
    response = client.get(reverse("dashboards:rankings"), IN_2025)
    groups = response.context["sections"][0]["live"]
    assert groups, "the report data has regions with printed targets"
    for group in groups:
        scored = [b.score for b in group.rows if b.score is not None]
        assert scored == sorted(scored, reverse=True)
        assert [b.rank for b in group.rows if b.score is not None] == competition_ranks(scored)
    # A district is never ranked beside the city it belongs to.
    labels = {b.name: g.label for g in groups for b in g.rows}
    assert labels["长治市"] != labels["上党区"] and labels["上党区"] == "长治市所辖区县"
    # Two rules side by side, each labelled with its own.
    html = response.content.decode()
    assert "当前排名（平均完成率）" in html and "冻结排名（单项指标）" in html


def test_both_ranking_rules_share_the_tie_rule():
    assert competition_ranks([Decimal("90"), Decimal("80"), Decimal("80"), Decimal("70"), None]) == [1, 2, 2, 4, None]
    assert competition_ranks([]) == []


def test_language_switch_turns_the_interface_to_english(client, rolled_up):
    assert "项目库" in client.get(OVERVIEW, IN_2025).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": f"{OVERVIEW}?year=2025"})
    html = client.get(OVERVIEW, IN_2025).content.decode()
    assert "Pipeline" in html and "Rankings" in html


def _make_projects(count: int, region: Region, park: Park, start: int = 0) -> None:
    for index in range(start, start + count):
        project = ProjectFactory(
            name=f"规模测试项目{index:03d}", region=region, park=park, pool="construction", total_investment=1000
        )
        MilestoneFactory(project=project, kind="started", actual_date=date(2025, 3, 1))


def _query_counts(client) -> dict[str, int]:
    counts = {}
    project = Project.objects.order_by("pk").first()
    pages = [reverse(name) for name in PAGES]
    dashboards = {OVERVIEW, PIPELINE, reverse("dashboards:rankings"), project_url(project)}
    for url in [*pages, project_url(project), source_report_url(SourceReport.objects.first().pk)]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, IN_2025 if url in dashboards else {}).status_code == 200
        counts[url.split("/")[1] or "overview"] = len(queries)
    return counts


def test_no_page_issues_more_queries_as_projects_grow(client, report_data):
    region = Region.objects.get(name="上党区")
    park = Park.objects.get(name="光伏产业园")
    Project.objects.all().delete()
    _make_projects(5, region, park)
    call_command("rollup", verbosity=0)
    few = _query_counts(client)
    _make_projects(45, region, park, start=5)
    call_command("rollup", verbosity=0)
    assert Project.objects.count() == 50
    many = _query_counts(client)
    assert few == many


def test_unpublished_report_is_hidden_from_anonymous_users(client, db, official):
    report = SourceReportFactory(title="未发布", text="正文", published_on=None)
    assert client.get(source_report_url(report.pk)).status_code == 404
    assert "未发布" not in client.get(reverse("sources:list")).content.decode()
    client.force_login(official)
    assert client.get(source_report_url(report.pk)).status_code == 200


def test_project_file_shows_counted_progress_and_obstacles(client, report_data):
    from projects.models import ProjectIssue

    project = Project.objects.filter(is_public=True).order_by("pk").first()
    ProgressReportFactory(
        project=project, period=date(2025, 3, 1), investment_completed=321, approved=True, stage="主体结构封顶"
    )
    ProgressReportFactory(project=project, period=date(2025, 4, 1), investment_completed=999, draft=True)
    ProjectIssue.objects.create(project=project, description="用地指标待落实", raised_on="2025-03-10")
    html = client.get(project_url(project)).content.decode()
    assert "主体结构封顶" in html and "321 万元" in html
    assert "999 万元" not in html  # drafts do not count
    assert "用地指标待落实" in html


def test_rankings_show_the_frozen_month_beside_the_live_rank(client, rolled_up):
    from investment.models import CampaignYear, RollupSource
    from investment.rollups.rankings import ranking_publish

    year = CampaignYear.objects.get(year=2025)
    assert "本年度尚无冻结发布的排名。" in client.get(reverse("dashboards:rankings"), IN_2025).content.decode()
    ranking = ranking_publish(
        campaign_year=year,
        period=date(2025, 12, 1),
        scope_kind="region",
        indicator_code="signed_amount",
        source=RollupSource.REPORT,
    )
    assert ranking.frozen_at is not None
    frozen = {e.region_id: e.rank for e in ranking.entries.all()}
    response = client.get(reverse("dashboards:rankings"), IN_2025)
    assert "2025-12 · 按招商引资签约额（报道数据）完成率" in response.content.decode()
    assert frozen, "the published ranking has entries"
    for group in response.context["sections"][0]["live"]:
        for bucket in group.rows:
            region_id = Region.objects.get(name=bucket.name).pk
            assert bucket.snapshot_rank == frozen.get(region_id)


def _frozen_rows(html: str) -> list[tuple[str, str, str]]:
    """(peer group, rank, name) of each row of the page's frozen ranking tables."""
    rows = []
    for table in re.findall(r'<table class="ranking frozen">(.*?)</table>', html, re.S):
        caption = re.search(r"<caption>(.*?)</caption>", table).group(1)
        for rank, name in re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+)</td>', table):
            rows.append((caption, rank, name))
    return rows


def test_rankings_show_the_chosen_frozen_month_with_peers_ranked_apart(client, rolled_up):
    """The frozen ranking the API returns is on the page, for the month chosen, a district never beside its city."""
    from investment.models import CampaignYear, Ranking
    from investment.rollups.rankings import ranking_publish

    year = CampaignYear.objects.get(year=2025)
    shangdang = Project.objects.filter(region__name="上党区", park__name="光伏产业园").order_by("pk").first()
    AnnualPlan.objects.create(project=shangdang, campaign_year=year, planned_investment=Decimal("1000"))
    ProgressReportFactory(project=shangdang, period=date(2025, 3, 1), investment_completed=400, approved=True)
    for month in (3, 4):
        ranking_publish(campaign_year=year, period=date(2025, month, 1), scope_kind="region")
        ranking_publish(campaign_year=year, period=date(2025, month, 1), scope_kind="park")
    march = Ranking.objects.get(campaign_year=year, scope_kind="region", period=date(2025, 3, 1))
    api = client.get(f"/api/v1/rankings/{march.pk}/").json()
    assert {e["region"]["name"] for e in api["entries"]} >= {"长治市", "上党区"}

    response = client.get(reverse("dashboards:rankings"), {"year": 2025, "month": "2025-03"})
    html = response.content.decode()
    assert response.context["frozen"].month == date(2025, 3, 1)
    assert '<option value="2025-03" selected>' in html and '<option value="2025-04">' in html
    rows = _frozen_rows(html)
    for entry in api["entries"]:
        assert (entry["peer_group"], str(entry["rank"]), entry["region"]["name"]) in rows
    groups = {name: caption for caption, _, name in rows}
    assert groups["长治市"] == "各市" and groups["上党区"] == "长治市所辖区县"
    # Parks: the zone, its parks and its clusters are each ranked among their own kind.
    assert groups["上党经济技术开发区"] == "各开发区"
    assert groups["先进装备制造园"] == "上党经济技术开发区 · 园区"
    assert groups["光伏产业园"] == "先进装备制造园 · 园中园"
    # Without a month the newest frozen month; a month without one says so and shows the newest.
    assert client.get(reverse("dashboards:rankings"), IN_2025).context["frozen"].month == date(2025, 4, 1)
    missing = client.get(reverse("dashboards:rankings"), {"year": 2025, "month": "2025-07"})
    assert missing.context["frozen"].month == date(2025, 4, 1)
    assert "所选月份没有冻结排名" in missing.content.decode()
    assert client.get(reverse("dashboards:rankings"), {"year": 2025, "month": "bad"}).status_code == 200


def test_charts_without_data_say_so_instead_of_drawing_zeros(client, rolled_up):
    # The report data has no approved progress and no plan: no flat line at zero.
    html = client.get(OVERVIEW, IN_2025).content.decode()
    assert 'id="chart-trend"' not in html and "暂无数据" in html
    # A scope without projects: no funnel of empty bands, no empty axes.
    empty = Region.objects.get(name="北京市")
    html = client.get(PIPELINE, {**IN_2025, "region": empty.pk}).content.decode()
    assert 'id="chart-funnel"' not in html and 'id="chart-batches"' not in html
    assert html.count("暂无数据") == 2


def test_the_batch_chart_shows_only_the_home_districts_batches(client, rolled_up):
    response = client.get(PIPELINE, IN_2025)
    html = response.content.decode()
    chart = json.loads(html.split('id="batches-data" type="application/json">', 1)[1].split("</script>", 1)[0])
    names = [series["name"] for series in chart["series"]]
    assert names and all("上党区" in name for name in names if name.startswith("报道"))
    assert not any("长治市" in name for name in names)
    printed = [f for step in response.context["steps"] for f in step["printed"]]
    assert printed and {f.region.name for f in printed} == {"上党区"}


@pytest.mark.parametrize("role,offered", [("anonymous", False), ("staff", True), ("official", True), ("admin", True)])
def test_the_demo_data_filter_is_offered_to_those_who_work_with_the_register(client_as, report_data, role, offered):
    html = client_as(role).get(PROJECTS).content.decode()
    assert ('name="is_synthetic"' in html) is offered


def test_the_sort_menu_speaks_the_pages_language(client, report_data):
    html = client.get(PROJECTS).content.decode()
    assert '<option value="-total_investment">总投资(万元)（倒序）</option>' in html
    assert "descending" not in html and ">Name<" not in html
    client.post(reverse("set_language"), {"language": "en", "next": PROJECTS})
    html = client.get(PROJECTS).content.decode()
    assert "(descending)" in html and "总投资" not in html.split('name="ordering"', 1)[1].split("</select>", 1)[0]


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": OVERVIEW})
    return client


def test_english_pages_show_english_units_names_and_signal_reasons(client, rolled_up):
    html = _english(client).get(OVERVIEW, IN_2025).content.decode()
    # Counts and tonnes in the English interface (the quotes in the links' titles stay as printed), the
    # campaign year's default name translated.
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)
    assert not re.search(r"\d吨", text) and "35,980,000 t" in text
    assert not re.search(r"\d个", text)
    assert "2025 Major Project Construction Year" in html and "2025年重大项目建设年" not in html
    project = Project.objects.filter(region__name="上党区").order_by("pk").first()
    signal = ProjectSignal.objects.filter(project=project, campaign_year__year=2025).first()
    assert signal is not None and signal.reason.startswith("无本年度计划投资")  # stored in the roll-up's language
    html = client.get(project_url(project), IN_2025).content.decode()
    assert "No planned investment for this year" in html and "无本年度计划投资" not in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": OVERVIEW})
    assert "无本年度计划投资，不按序时进度亮灯" in client.get(project_url(project), IN_2025).content.decode()
    assert "35,980,000吨" in client.get(OVERVIEW, IN_2025).content.decode()
