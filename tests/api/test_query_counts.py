"""Every list answers in the same number of queries whether it returns 1 row or 100."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investment.models import CampaignYear, Figure, Indicator, SourceReport, Target
from parks.models import IndustryChain, Park, Region
from projects.models import ChainLeader, Company, Milestone, ProgressReport, Project, ProjectContact

ROWS = 110
TEXT = "全区完成投资10亿元。"


@pytest.fixture
def many_rows(world):
    district, zone = world["district"], world["zone"]
    Region.objects.bulk_create(Region(name=f"县{i}", level="county", parent=world["city"]) for i in range(ROWS))
    Park.objects.bulk_create(Park(name=f"园中园{i}", kind="cluster", parent=zone, region=district) for i in range(ROWS))
    companies = Company.objects.bulk_create(Company(name=f"企业{i}", region=district) for i in range(ROWS))
    chains = IndustryChain.objects.bulk_create(IndustryChain(name=f"产业链{i}", region=district) for i in range(ROWS))
    ChainLeader.objects.bulk_create(ChainLeader(chain=chains[i], company=companies[i]) for i in range(ROWS))
    projects = Project.objects.bulk_create(
        Project(
            name=f"项目{i}",
            region=district,
            park=world["cluster"],
            industry_chain=world["chain"],
            company=companies[i],
            total_investment=Decimal(i),
        )
        for i in range(ROWS)
    )
    Milestone.objects.bulk_create(Milestone(project=p, kind="signed") for p in projects)
    ProjectContact.objects.bulk_create(ProjectContact(project=p, role="leader", name="李四") for p in projects)
    ProgressReport.objects.bulk_create(
        ProgressReport(project=p, period=datetime.date(2024, m, 1), investment_completed=Decimal(m), status="approved")
        for p in projects
        for m in (1, 2)
    )
    reports = SourceReport.objects.bulk_create(
        SourceReport(
            file_name=f"b{i}.txt",
            title=f"报道{i}",
            text=TEXT,
            sha256=f"b{i:063x}",
            published_on=datetime.date(2024, 1, 1),
        )
        for i in range(ROWS)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(code=f"ind_{i}", name_zh=f"指标{i}", name_en=f"i{i}", nature="cumulative") for i in range(ROWS)
    )
    quote = "完成投资10亿元"
    Figure.objects.bulk_create(
        Figure(
            source_report=reports[i],
            indicator=indicators[i],
            scope_kind="project",
            project=projects[i],
            value_printed="10",
            unit_printed="亿元",
            value=Decimal("100000"),
            unit="万元",
            kind="actual",
            quote=quote,
            quote_offset=TEXT.index(quote),
        )
        for i in range(ROWS)
    )
    Target.objects.bulk_create(
        Target(campaign_year=world["year"], indicator=indicators[i], region=district, value=Decimal(i))
        for i in range(ROWS)
    )
    CampaignYear.objects.bulk_create(CampaignYear(year=1900 + i, name=f"{1900 + i}年") for i in range(ROWS))


ENDPOINTS = [
    "region",
    "park",
    "industry-chain",
    "company",
    "project",
    "source-report",
    "indicator",
    "figure",
    "target",
    "campaign-year",
]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries), response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "staff", "official"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_query_count_does_not_grow_with_page_size(many_rows, api_client_as, role, endpoint):
    client = api_client_as(role)
    _count(client, f"{reverse(f'api:{endpoint}-list')}?page_size=1")  # warm per-request caches (content types, roles)
    # Ten rows, not one: a page whose only row has no report or no visible contact has nothing to look up.
    small, ten = _count(client, f"{reverse(f'api:{endpoint}-list')}?page_size=10")
    large, hundred = _count(client, f"{reverse(f'api:{endpoint}-list')}?page_size=100")
    assert len(ten["results"]) == 10
    assert len(hundred["results"]) == 100
    assert hundred["count"] >= ROWS
    assert large == small, f"{endpoint}: {small} queries for 10 rows, {large} for 100"


@pytest.mark.django_db
def test_project_list_query_count_with_filters_and_search(many_rows, api_client_as):
    client = api_client_as("official")
    zone = Park.objects.get(kind="development_zone")
    base = f"{reverse('api:project-list')}?park={zone.pk}&q=项目&ordering=-total_investment"
    _count(client, base + "&page_size=1")
    small, _ = _count(client, base + "&page_size=1")
    large, page = _count(client, base + "&page_size=100")
    assert len(page["results"]) == 100
    assert large == small


@pytest.fixture
def staff_on_every_project(many_rows, accounts):
    """The assigned staff member reports for every generated project, so their list has 220 rows too."""
    through = Project.staff.through
    through.objects.bulk_create(
        [through(project_id=pk, user_id=accounts["staff"].pk) for pk in Project.objects.values_list("pk", flat=True)],
        ignore_conflicts=True,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "official", "reviewer", "admin"])
def test_progress_report_list_query_count_does_not_grow_with_page_size(staff_on_every_project, api_client_as, role):
    client = api_client_as(role)
    base = reverse("api:progress-report-list") + "?period_after=2024-01&period_before=2024-12&ordering=-period,project"
    _count(client, base + "&page_size=1")
    small, one = _count(client, base + "&page_size=1")
    large, hundred = _count(client, base + "&page_size=100")
    assert len(one["results"]) == 1
    assert len(hundred["results"]) == 100
    assert hundred["count"] >= 2 * ROWS
    assert large == small, f"progress-reports ({role}): {small} queries for 1 row, {large} for 100"


@pytest.mark.django_db
def test_project_history_query_count_does_not_grow_with_its_length(many_rows, api_client_as):
    """History is built from every historical row; its queries are one per table, not one per row."""
    from projects import services

    project = Project.objects.get(name="项目0")
    client = api_client_as("reviewer")
    url = reverse("api:project-history", args=[project.pk]) + "?page_size=100"

    def change(times: int, start: int = 0) -> None:
        for n in range(start, start + times):
            services.project_update(project=project, actor=None, description=f"第{n}次修改")
            # Rows of the other tables name the project (and a figure its indicator) in their description;
            # each save changes a field (a save that changes nothing is not a change in the history).
            milestone, report, figure = (
                project.milestones.first(),
                project.progress_reports.first(),
                project.figures.first(),
            )
            milestone.planned_date = datetime.date(2025, 1, 1) + datetime.timedelta(days=n + 1)
            report.narrative = f"第{n}次说明"
            figure.note = f"第{n}次备注"
            for related in (milestone, report, figure):
                related.save()

    change(1)
    _count(client, url)
    before, short = _count(client, url)
    change(10, start=1)
    after, long = _count(client, url)
    assert long["count"] == short["count"] + 40
    assert {entry["model"] for entry in long["results"]} == {"项目", "节点", "月度进度", "数据"}
    assert after == before, f"{before} queries for {short['count']} entries, {after} for {long['count']}"
