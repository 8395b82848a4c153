"""Jobs that default to "today" use the district's date (Asia/Shanghai), not the host's (UTC).

The clock is the one thing set from outside here: 17:00 UTC on a month's last day is already 01:00 on the
1st in Shanghai, the moment the beat runs the monthly jobs."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from investment.models import PipelinePool, Ranking
from investment.tasks import publish_rankings_task
from projects.models import ProgressReport

from .builders import project, report


def set_clock(monkeypatch, utc: str) -> None:
    moment = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert timezone.localdate() == (moment + dt.timedelta(hours=8)).date()


@pytest.mark.django_db
def test_monthly_ranking_job_freezes_the_month_that_just_ended_in_shanghai(world, eager_tasks, monkeypatch):
    report(project(world["district"]), dt.date(2025, 2, 1), 10)
    set_clock(monkeypatch, "2025-02-28T17:00:00")  # 2025-03-01 01:00 in Shanghai
    ids = publish_rankings_task.delay().get()
    assert {r.period for r in Ranking.objects.filter(pk__in=ids)} == {dt.date(2025, 2, 1)}


@pytest.mark.django_db
def test_rollup_of_the_current_year_is_as_of_the_date_in_shanghai(world, monkeypatch):
    project(world["district"], pool="construction")
    set_clock(monkeypatch, "2025-06-30T17:00:00")  # 2025-07-01 01:00 in Shanghai
    call_command("rollup", "--year", "2025", stdout=StringIO(), stderr=StringIO())
    assert set(PipelinePool.objects.values_list("as_of", flat=True)) == {dt.date(2025, 7, 1)}


@pytest.mark.django_db
def test_synthetic_progress_ends_in_the_current_month_in_shanghai(monkeypatch):
    set_clock(monkeypatch, "2025-03-31T17:00:00")  # 2025-04-01 01:00 in Shanghai
    call_command("generate_synthetic", projects=1, months=2, stdout=StringIO(), stderr=StringIO())
    periods = set(ProgressReport.objects.values_list("period", flat=True))
    assert periods == {dt.date(2025, 3, 1), dt.date(2025, 4, 1)}
