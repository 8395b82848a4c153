"""The dashboard reads: time elapsed in the year, targets beside their latest visible actual figure."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from investment.models import CampaignYear, Figure, Report
from investment.selectors import target_progress, year_elapsed_percent


def test_year_elapsed_percent():
    assert year_elapsed_percent(year=2025, as_of=date(2024, 12, 31)) == 0
    assert year_elapsed_percent(year=2025, as_of=date(2025, 12, 31)) == 100
    assert year_elapsed_percent(year=2025, as_of=date(2026, 3, 1)) == 100
    # 1 July is day 182 of 365.
    assert year_elapsed_percent(year=2025, as_of=date(2025, 7, 1)) == Decimal("49.9")


def test_target_progress_uses_the_latest_actual_from_a_published_report(report_data):
    year = CampaignYear.objects.get(year=2025)
    rows = {r.target.indicator.code: r for r in target_progress(year=year, user=AnonymousUser(), region_name="上党区")}
    signed = rows["signed_amount"]
    expected = Figure.objects.get(indicator__code="signed_amount", kind="actual", region__name="上党区")
    assert signed.actual == expected
    assert signed.completion == (expected.value * 100 / signed.target.value).quantize(Decimal("0.1"))

    # A later figure in a report not yet published is not shown to the public.
    draft = Report.objects.create(file_name="draft.md", title="草稿", text="签约额170亿元", sha256="2" * 64)
    Figure.objects.create(
        report=draft,
        indicator=expected.indicator,
        scope_kind="region",
        region=expected.region,
        period_end=date(2025, 12, 31),
        value_printed="170",
        unit_printed="亿元",
        value=Decimal("1700000"),
        unit="万元",
        kind="actual",
        quote="签约额170亿元",
        quote_offset=0,
    )
    rows = {r.target.indicator.code: r for r in target_progress(year=year, user=AnonymousUser(), region_name="上党区")}
    assert rows["signed_amount"].actual == expected
    reader = get_user_model().objects.create_user("reader", password="pw-long-enough-123")
    rows = {r.target.indicator.code: r for r in target_progress(year=year, user=reader, region_name="上党区")}
    assert rows["signed_amount"].actual.report == draft
