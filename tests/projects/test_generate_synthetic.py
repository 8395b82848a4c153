"""generate_synthetic: sized, flagged is_synthetic, approved monthly progress, --clear removes only its rows."""

import pytest
from django.core.management import CommandError, call_command

from parks.models import Region
from projects.models import Company, ProgressReport, Project


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
@pytest.mark.parametrize("companies", [-5, -1])
def test_negative_company_count_is_a_command_error(companies):
    with pytest.raises(CommandError, match="--companies"):
        call_command("generate_synthetic", projects=3, months=1, companies=companies)
    assert not Project.objects.filter(is_synthetic=True).exists()
