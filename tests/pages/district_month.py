"""A district's year of approved progress for the big screen and briefing tests: projects in 上党区 with an
annual plan and twelve approved months of 2025, on track, lagging or far behind, and obstacles raised and
resolved in December, rolled up at the year end (and at the end of June)."""

from datetime import date
from decimal import Decimal

from django.core.management import call_command

from investment.models import AnnualPlan, CampaignYear
from parks.models import Region
from projects.models import ProgressReport, Project, ProjectIssue

# Per month of a 1,200 万元 plan: on track (green), 20 points behind (yellow), 50 points behind (red).
MONTHLY = [Decimal(100), Decimal(80), Decimal(50)]
PRIVATE_NAME = "未公开的测试项目"


def add_projects(count: int, *, start: int = 0) -> list[Project]:
    """`count` public projects in the home district with plans and approved progress for every month of 2025."""
    region = Region.objects.get(name="上党区")
    year = CampaignYear.objects.get(year=2025)
    projects = [
        Project.objects.create(
            name=f"简报测试项目{index:03d}", region=region, pool="construction", total_investment=Decimal(5000)
        )
        for index in range(start, start + count)
    ]
    AnnualPlan.objects.bulk_create(
        AnnualPlan(project=p, campaign_year=year, planned_investment=Decimal(1200)) for p in projects
    )
    ProgressReport.objects.bulk_create(
        ProgressReport(
            project=p,
            period=date(2025, month, 1),
            investment_completed=MONTHLY[(start + i) % 3],
            status=ProgressReport.Status.APPROVED,
            stage="主体施工",
        )
        for i, p in enumerate(projects)
        for month in range(1, 13)
    )
    return projects


def build(count: int = 6) -> dict:
    """The projects, one unpublished red project, December's obstacles, then the roll-ups."""
    projects = add_projects(count)
    private = add_projects(1, start=count + (2 - count) % 3)[0]  # far behind: red
    Project.objects.filter(pk=private.pk).update(name=PRIVATE_NAME, is_public=False)
    opened = ProjectIssue.objects.create(
        project=projects[1], description="施工用电线路迁改待协调", raised_on=date(2025, 12, 5)
    )
    closed = ProjectIssue.objects.create(
        project=projects[2],
        description="土地手续待办结",
        raised_on=date(2025, 11, 3),
        status=ProjectIssue.Status.RESOLVED,
        department="自然资源局",
        resolution="已办结",
        assigned_on=date(2025, 11, 5),
        resolved_on=date(2025, 12, 18),
    )
    earlier = ProjectIssue.objects.create(project=projects[0], description="十月的旧问题", raised_on=date(2025, 10, 9))
    rollup()
    return {"projects": projects, "private": private, "opened": opened, "closed": closed, "earlier": earlier}


def rollup() -> None:
    call_command("rollup", verbosity=0)
    call_command("rollup", year=2025, as_of="2025-06-30", verbosity=0)
