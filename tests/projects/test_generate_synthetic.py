"""generate_synthetic: sized, flagged is_synthetic, approved monthly progress, --clear removes only its rows."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from investment.models import AnnualPlan, CampaignYear, Figure, SourceReport
from parks.models import Region
from projects.models import Company, Milestone, ProgressReport, Project


@pytest.mark.django_db
def test_generates_flagged_rows_and_clears_only_them():
    city = Region.objects.create(name="长治市", level="city")
    real = Project.objects.create(name="真实项目", region=city)
    call_command("generate_synthetic", projects=30, months=3)
    assert Project.objects.filter(is_synthetic=True).count() == 30
    assert Company.objects.filter(is_synthetic=True).count() == 6
    reports = ProgressReport.objects.filter(is_synthetic=True)
    assert reports.count() == 90
    assert set(reports.values_list("status", flat=True)) == {"approved"}
    assert reports.filter(project__is_synthetic=False).count() == 0

    call_command("generate_synthetic", projects=5, months=1)  # a second run adds, names stay unique
    assert Project.objects.filter(is_synthetic=True).count() == 35

    call_command("generate_synthetic", projects=0, clear=True)
    assert not Project.objects.filter(is_synthetic=True).exists()
    assert not ProgressReport.objects.exists() and not Company.objects.exists()
    assert Project.objects.get() == real


@pytest.mark.django_db
def test_clear_removes_what_hangs_off_synthetic_projects_and_keeps_real_rows(django_user_model):
    city = Region.objects.create(name="长治市", level="city")
    real = Project.objects.create(name="真实项目", region=city)
    real_report = ProgressReport.objects.create(
        project=real, period=datetime.date(2024, 1, 1), investment_completed=Decimal(5), status="approved"
    )
    Milestone.objects.create(project=real, kind="signed")
    call_command("generate_synthetic", projects=3, months=2)
    synthetic = Project.objects.filter(is_synthetic=True).order_by("pk").first()
    original = synthetic.progress_reports.order_by("period").first()
    ProgressReport.objects.filter(pk=original.pk).update(is_superseded=True)
    ProgressReport.objects.create(
        project=synthetic,
        period=original.period,
        investment_completed=Decimal(1),
        status="approved",
        corrects=original,
    )
    Milestone.objects.create(project=synthetic, kind="started")
    year = CampaignYear.objects.create(year=2024, name="2024")
    AnnualPlan.objects.create(project=synthetic, campaign_year=year, planned_investment=Decimal(10))
    synthetic.staff.add(django_user_model.objects.create(username="staff"))

    call_command("generate_synthetic", projects=0, clear=True)

    assert list(Project.objects.all()) == [real]
    assert list(ProgressReport.objects.all()) == [real_report]
    assert list(Milestone.objects.values_list("project_id", flat=True)) == [real.pk]
    assert not AnnualPlan.objects.exists()
    assert not Project.staff.through.objects.exists()
    assert django_user_model.objects.filter(username="staff").exists()


@pytest.mark.django_db
def test_clear_refuses_when_real_data_protects_a_synthetic_row():
    call_command("generate_synthetic", projects=2, months=1)
    company = Company.objects.filter(is_synthetic=True).first()
    text = "某企业完成投资1亿元。"
    report = SourceReport.objects.create(
        file_name="r.txt", title="报道", text=text, sha256="c" * 64, published_on=datetime.date(2024, 1, 1)
    )
    Figure.objects.create(
        source_report=report,
        scope_kind="company",
        company=company,
        subject="完成投资",
        value_printed="1",
        unit_printed="亿元",
        value=Decimal("10000"),
        unit="万元",
        kind="actual",
        quote="完成投资1亿元",
        quote_offset=text.index("完成投资1亿元"),
    )

    with pytest.raises(CommandError, match="Figure"):
        call_command("generate_synthetic", projects=0, clear=True)
    assert Project.objects.filter(is_synthetic=True).count() == 2
    assert ProgressReport.objects.count() == 2
    assert Company.objects.filter(pk=company.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("companies", [-5, -1])
def test_negative_company_count_is_a_command_error(companies):
    with pytest.raises(CommandError, match="--companies"):
        call_command("generate_synthetic", projects=3, months=1, companies=companies)
    assert not Project.objects.filter(is_synthetic=True).exists()
