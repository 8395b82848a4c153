"""Properties of the roll-ups over generated data: a parent is the sum of its parts; unapproved data moves nothing."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from investment.models import Rollup
from investment.rollups.run import rollup_year

from .builders import d, project, report, world

AMOUNT = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2, allow_nan=False, allow_infinity=False)
# Each generated project: where it sits (0 district, 1 other district; 0 zone, 1 sub-park, 2 cluster, None)
# and its monthly reports (month, amount, status).
PROJECT = st.tuples(
    st.integers(0, 1),
    st.one_of(st.none(), st.integers(0, 2)),
    st.lists(
        st.tuples(st.integers(1, 12), AMOUNT, st.sampled_from(["approved", "draft", "submitted", "returned"])),
        max_size=4,
        unique_by=lambda r: r[0],
    ),
)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _build(projects):
    w = world()
    regions, parks = [w["district"], w["other"]], [w["zone"], w["sub_park"], w["cluster"]]
    for region, park, reports in projects:
        # A project in a park sits in the park's district.
        p = project(w["district"] if park is not None else regions[region], parks[park] if park is not None else None)
        for month, amount, status in reports:
            report(p, d(f"2025-{month:02d}-01"), amount, status=status)
    return w


def _actual(scope, as_of="2025-12-31"):
    field = "region" if scope.__class__.__name__ == "Region" else "park"
    rows = Rollup.objects.filter(**{field: scope}, as_of=d(as_of), indicator__code="project_investment")
    # A scope with no project in its subtree gets no row: it holds nothing.
    return rows.values_list("actual", flat=True).first() or Decimal(0)


class RollupProperties(TestCase):
    @SETTINGS
    @given(st.lists(PROJECT, max_size=6))
    def test_a_parent_equals_the_sum_over_its_children_and_own_projects(self, projects):
        w = _build(projects)
        rollup_year(campaign_year=w["year"], as_of=d("2025-12-31"))
        assert _actual(w["city"]) == _actual(w["district"]) + _actual(w["other"])
        # The zone holds the sub-park (which holds the cluster) and the projects placed on the zone itself.
        on_zone = sum(
            (Decimal(a) for r, park, reps in projects if park == 0 for _m, a, s in reps if s == "approved"),
            Decimal(0),
        )
        assert _actual(w["zone"]) == _actual(w["sub_park"]) + on_zone
        assert _actual(w["sub_park"]) >= _actual(w["cluster"])
        expected = sum((Decimal(a) for _r, _p, reps in projects for _m, a, s in reps if s == "approved"), Decimal(0))
        assert _actual(w["city"]) == expected

    @SETTINGS
    @given(st.lists(PROJECT, min_size=1, max_size=4), st.lists(st.tuples(st.integers(0, 3), AMOUNT), max_size=4))
    def test_unapproved_reports_never_move_a_number(self, projects, extra):
        w = _build(projects)
        rollup_year(campaign_year=w["year"], as_of=d("2025-12-31"))
        before = list(Rollup.objects.order_by("pk").values_list("pk", "actual", "completion_rate", "gap_amount"))
        from projects.models import Project

        ids = list(Project.objects.values_list("pk", flat=True))
        for i, (which, amount) in enumerate(extra):
            p = Project.objects.get(pk=ids[which % len(ids)])
            status = ["draft", "submitted", "returned"][i % 3]
            # An unapproved correction of an existing December report, or a new unapproved one.
            original = p.progress_reports.filter(period=d("2025-12-01"), corrects=None).first()
            if original is not None and not hasattr(original, "correction"):
                report(p, original.period, amount, status=status, corrects=original, version=2)
            elif original is None:
                report(p, d("2025-12-01"), amount, status=status)
        rollup_year(campaign_year=w["year"], as_of=d("2025-12-31"))
        after = list(Rollup.objects.order_by("pk").values_list("pk", "actual", "completion_rate", "gap_amount"))
        assert after == before
