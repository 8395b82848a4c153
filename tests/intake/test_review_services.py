"""The review of candidate figures through the services: accept (as proposed or changed, into a Figure with its
provenance and history, rolled up after commit), reject with a reason, restatement of a stored figure, bulk
acceptance of the sure ones; and what each refuses."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from investment.models import Figure, FigureCandidate
from investment.sources import services
from parks.models import Park
from shangdang_portal.row_versions import StaleRow, row_version
from tests.factories import FigureFactory, SourceReportFactory

from .builders import candidate

pytestmark = pytest.mark.django_db


def version_of(c: FigureCandidate) -> str:
    return row_version(c, services.CANDIDATE_VERSION_FIELDS)


def test_an_accepted_candidate_becomes_a_figure_with_its_quote_scope_and_history(
    candidates, places, user_of, django_capture_on_commit_callbacks
):
    official = user_of("official")
    proposal = candidates["investment"]
    with django_capture_on_commit_callbacks() as queued:
        figure = services.candidate_accept(candidate=proposal, actor=official, version=version_of(proposal))
    assert len(queued) == 1  # the year's roll-up, after commit
    figure.refresh_from_db()
    assert (figure.scope_kind, figure.region) == ("region", places["district"])
    assert figure.indicator.code == "fixed_asset_investment"
    assert (figure.value, figure.unit) == (Decimal("456000"), "万元")
    assert (figure.value_printed, figure.unit_printed) == ("45.6", "亿元")
    text = figure.source_report.text
    assert text[figure.quote_offset : figure.quote_offset + len(figure.quote)] == "上党区固定资产投资完成45.6亿元"
    assert figure.kind == Figure.Kind.ACTUAL and figure.period_label == "2026年1-6月"
    assert figure.history.get().history_user == official
    proposal.refresh_from_db()
    assert (proposal.status, proposal.figure, proposal.reviewed_by) == ("accepted", figure, official)
    assert proposal.history.first().history_user == official


def test_the_reviewer_changes_the_fields_and_links_the_scope_by_name_or_alias(candidates, places, user_of, indicators):
    proposal = candidates["new_park"]
    review = services.Review.of(
        value=Decimal("32000"),
        kind=Figure.Kind.TARGET,
        scope_kind="park",
        scope_name="光伏园",  # the alias of 光伏产业园
        indicator=indicators["fixed_asset_investment"],
        period_label="2026年",
    )
    figure = services.candidate_accept(candidate=proposal, review=review, actor=user_of("official"))
    assert figure.park == places["cluster"]
    assert (figure.kind, figure.period_label) == ("target", "2026年")
    proposal.refresh_from_db()
    assert (proposal.scope_name, proposal.scope_id) == ("光伏产业园", places["cluster"].pk)


def test_a_proposed_new_park_is_created_only_when_asked(candidates, places, user_of):
    proposal = candidates["new_park"]
    review = services.Review.of(subject="新材料产业园计划总投资")
    with pytest.raises(ValidationError) as refused:
        services.candidate_accept(candidate=proposal, review=review, actor=user_of("official"))
    assert "新材料产业园" in refused.value.message_dict["scope_name"][0]
    assert not Park.objects.filter(name="新材料产业园").exists()
    review.create_scope = True
    figure = services.candidate_accept(candidate=proposal, review=review, actor=user_of("official"))
    assert figure.park.name == "新材料产业园" and figure.park.region == places["district"]
    assert figure.subject == "新材料产业园计划总投资"


def test_a_figure_needs_an_indicator_or_a_subject_and_nothing_is_saved_without(candidates, user_of):
    proposal = candidates["new_park"]
    with pytest.raises(ValidationError) as refused:
        services.candidate_accept(
            candidate=proposal, review=services.Review.of(create_scope=True), actor=user_of("official")
        )
    assert "indicator" in refused.value.message_dict
    assert not Park.objects.filter(name="新材料产业园").exists()
    assert FigureCandidate.objects.get(pk=proposal.pk).status == "pending"


def test_a_quote_that_is_not_at_its_offset_is_refused(report, places, indicators, user_of):
    misplaced = candidate(
        report,
        "签约额68.5亿元",
        scope_kind="region",
        scope_name="上党区",
        indicator=indicators["signed_amount"],
    )
    FigureCandidate.objects.filter(pk=misplaced.pk).update(quote_offset=3)
    misplaced.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.candidate_accept(candidate=misplaced, actor=user_of("official"))
    assert "quote" in refused.value.message_dict
    assert not Figure.objects.exists()


def test_a_stale_version_is_refused_with_what_changed(candidates, user_of):
    proposal = candidates["investment"]
    shown = version_of(proposal)
    services.candidate_reject(candidate=proposal, reason="重复", actor=user_of("admin"))
    with pytest.raises(StaleRow) as stale:
        services.candidate_accept(candidate=proposal, actor=user_of("official"), version=shown)
    assert {c.field for c in stale.value.changes} >= {"status", "reject_reason"}


def test_a_reviewed_candidate_cannot_be_reviewed_again(candidates, user_of):
    proposal = candidates["investment"]
    services.candidate_accept(candidate=proposal, actor=user_of("official"))
    with pytest.raises(ValidationError) as refused:
        services.candidate_reject(candidate=proposal, reason="看错了", actor=user_of("official"))
    assert "status" in refused.value.message_dict
    assert Figure.objects.count() == 1


def test_a_rejection_needs_a_reason(candidates, user_of):
    proposal = candidates["signed"]
    with pytest.raises(ValidationError) as refused:
        services.candidate_reject(candidate=proposal, reason="  ", actor=user_of("official"))
    assert "reject_reason" in refused.value.message_dict
    rejected = services.candidate_reject(candidate=proposal, reason="是上年的数", actor=user_of("official"))
    assert (rejected.status, rejected.reject_reason, rejected.figure) == ("rejected", "是上年的数", None)


def test_a_restatement_keeps_both_figures_linked(candidates, places, indicators, user_of):
    earlier = SourceReportFactory(text="开发区签约额68.5亿元，居全市前列。")
    stored = FigureFactory(
        source_report=earlier,
        quote="开发区签约额68.5亿元",
        indicator=indicators["signed_amount"],
        scope_kind="park",
        region=None,
        park=places["zone"],
        value=Decimal("685000"),
        value_printed="68.5",
    )
    proposal = candidates["signed"]
    figure = services.candidate_mark_restatement(candidate=proposal, restates=stored, actor=user_of("official"))
    assert figure.restates == stored and figure.source_report == proposal.source_report
    assert list(stored.restatements.all()) == [figure]
    assert (figure.park, figure.indicator) == (places["zone"], indicators["signed_amount"])
    proposal.refresh_from_db()
    assert (proposal.status, proposal.restates, proposal.figure) == ("duplicate", stored, figure)


def test_a_restatement_must_name_a_figure_of_another_report(candidates, user_of):
    services.candidate_accept(candidate=candidates["investment"], actor=user_of("official"))
    same_report = Figure.objects.get()
    with pytest.raises(ValidationError) as refused:
        services.candidate_mark_restatement(
            candidate=candidates["signed"], restates=same_report, actor=user_of("official")
        )
    assert "restates" in refused.value.message_dict


def test_bulk_acceptance_takes_the_sure_candidates_with_a_known_scope_and_indicator(candidates, report, user_of):
    result = services.candidates_accept_confident(report=report, actor=user_of("official"))
    assert len(result.accepted) == 2 and result.left == 1
    statuses = dict(report.candidates.values_list("quote", "status"))
    assert statuses == {
        "上党区固定资产投资完成45.6亿元": "accepted",
        "签约额68.5亿元": "accepted",
        "新材料产业园计划总投资3.2亿元": "pending",
    }
    again = services.candidates_accept_confident(report=report, actor=user_of("official"))
    assert (len(again.accepted), again.left) == (0, 1)
    assert Figure.objects.count() == 2
