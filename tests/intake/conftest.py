"""Fixtures of the new-report tests: the district's places, the two indicators the report text speaks of, a
stored report with its three candidates."""

import pytest

from tests.factories import IndicatorFactory

from .builders import stored_report, the_candidates


@pytest.fixture
def indicators(db):
    return {
        "fixed_asset_investment": IndicatorFactory(code="fixed_asset_investment"),
        "signed_amount": IndicatorFactory(code="signed_amount", name_zh="招商引资签约额", name_en="Signed amount"),
    }


@pytest.fixture
def report(places):
    return stored_report()


@pytest.fixture
def candidates(report, places, indicators):
    return the_candidates(report, places, indicators)
