"""Every factory makes a row that passes the model's own validation, so tests start from valid data."""

import pytest

from shangdang_portal import roles
from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    factories.RegionFactory,
    factories.ParkFactory,
    factories.IndustryChainFactory,
    factories.CompanyFactory,
    factories.ProjectFactory,
    factories.BatchFactory,
    factories.MilestoneFactory,
    factories.ProgressReportFactory,
    factories.SourceReportFactory,
    factories.IndicatorFactory,
    factories.FigureFactory,
    factories.CampaignYearFactory,
    factories.TargetFactory,
    factories.AnnualPlanFactory,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_makes_a_valid_row(factory):
    row = factory()
    row.full_clean(exclude=["created_by"] if factory is factories.ProgressReportFactory else None)
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(
    "trait,parent_kind", [("zone", None), ("sub_park", "development_zone"), ("cluster", "sub_park")]
)
def test_park_traits_build_the_tree(trait, parent_kind):
    park = factories.ParkFactory(**{trait: True})
    park.full_clean()
    assert (park.parent.kind if park.parent else None) == parent_kind
    if park.parent:
        assert park.region == park.parent.region  # a park lies in its parent's region


@pytest.mark.parametrize("trait", ["draft", "submitted", "approved"])
def test_progress_report_traits_set_the_status(trait):
    assert factories.ProgressReportFactory(**{trait: True}).status == trait


def test_a_figure_quotes_its_report_at_its_offset():
    figure = factories.FigureFactory(
        source_report=factories.SourceReportFactory(text="导语。签约额145亿元。"), quote="签约额145亿元"
    )
    assert figure.quote_offset == 3
    figure.full_clean()


def test_a_user_holds_the_role_asked_for():
    user = factories.UserFactory(role="staff_unassigned")
    assert roles.roles_of(user) == {roles.STAFF}
    assert user.check_password(factories.PASSWORD)
