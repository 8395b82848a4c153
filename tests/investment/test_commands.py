"""manage.py rollup on the imported report data, the way `make run` calls it."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from investment.models import PipelinePool, ProjectSignal, Rollup
from projects.models import Project


def run(*args):
    out = StringIO()
    call_command("rollup", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_rollup_runs_on_the_report_data_and_prints_a_summary(report_data):
    output = run()
    assert Rollup.objects.filter(as_of="2025-12-31").exists()  # a past year rolls up at its year end
    report_rows = Rollup.objects.filter(source="report").count()
    assert f"rollup (report): {report_rows}" in output
    assert f"signals: {Project.objects.count()}" in output
    assert "signals: none: " in output  # no plans yet: no signal, and the summary says how many
    assert PipelinePool.objects.exists() and ProjectSignal.objects.count() == Project.objects.count()
    again = run()  # the same rows the second time, and none of them written again
    assert "rows written: none" in again
    assert again.splitlines()[1] == output.splitlines()[1]  # the same signals
    assert Rollup.objects.filter(source="report").count() == report_rows


@pytest.mark.django_db
def test_rollup_options(report_data):
    assert "2025" in run("--year", "2025", "--as-of", "2025-06-30")
    assert Rollup.objects.filter(as_of="2025-06-30").exists()
    project = Project.objects.filter(park__isnull=False).first()
    assert "project: signals: " in run("--project", str(project.pk), "--as-of", "2025-06-30")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--as-of", "30.06.2025")
    with pytest.raises(CommandError, match="no campaign year 1999"):
        run("--year", "1999")
    with pytest.raises(CommandError, match="no project"):
        run("--project", "999999")
