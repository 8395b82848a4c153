"""The review queue page: the report's text with every candidate marked, a form per candidate that accepts
(with changes), rejects with a reason or marks a restatement; bulk acceptance; stale forms; who may use it; the
accepted figure on the report's page with its quote highlighted."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investment.models import Figure, FigureCandidate
from investment.sources import services
from shangdang_portal.row_versions import row_version
from tests.factories import FigureFactory, SourceReportFactory

from .builders import candidate

pytestmark = pytest.mark.django_db


def queue(report) -> str:
    return reverse("sources:review", args=[report.pk])


def form_of(c: FigureCandidate, action: str, **changes) -> dict:
    """What the page's form sends for a candidate: every field as shown, with `changes`."""
    values = services.figure_defaults(c)
    data = {
        "candidate": c.pk,
        "version": row_version(c, services.CANDIDATE_VERSION_FIELDS),
        "action": action,
        "value": values["value"],
        "unit": values["unit"],
        "kind": values["kind"],
        "measure": values["measure"],
        "comparator": values["comparator"],
        "period_label": values["period_label"],
        "period_start": values["period_start"] or "",
        "period_end": values["period_end"] or "",
        "scope_kind": values["scope_kind"],
        "scope_name": values["scope_name"],
        "indicator": values["indicator"].code if values["indicator"] else "",
        "subject": "",
    }
    return data | changes


def test_the_queue_marks_every_candidate_in_the_text_and_offers_a_form_for_each(client_as, report, candidates):
    response = client_as("official").get(queue(report))
    assert response.status_code == 200
    html = response.content.decode()
    for c in candidates.values():
        assert f'<mark id="candidate-{c.pk}" class="quote" data-candidates="{c.pk}">{c.quote}</mark>' in html
        assert f'id="candidate-row-{c.pk}"' in html
    assert html.count('data-role="review"') == 3
    assert "js/review.js" in html


def test_accepting_from_the_page_stores_the_figure_and_the_report_page_highlights_it(
    client_as, report, candidates, places
):
    client = client_as("official")
    c = candidates["investment"]
    response = client.post(queue(report), form_of(c, "accept", period_label="2026年上半年"))
    assert response.status_code == 302 and response["Location"].endswith(f"#candidate-{c.pk}")
    figure = Figure.objects.get()
    assert (figure.region, figure.period_label) == (places["district"], "2026年上半年")
    page = client_as("anonymous").get(reverse("sources:detail", args=[report.pk])).content.decode()
    mark = f'<mark id="figure-{figure.pk}" class="quote" data-figures="{figure.pk}">'
    assert f"{mark}上党区固定资产投资完成45.6亿元</mark>" in page


def test_a_rejection_without_a_reason_is_a_field_error_and_changes_nothing(client_as, report, candidates):
    c = candidates["signed"]
    response = client_as("official").post(queue(report), form_of(c, "reject", reject_reason=""))
    assert response.status_code == 400
    assert "驳回时必须说明理由" in response.content.decode()
    c.refresh_from_db()
    assert c.status == "pending"
    ok = client_as("official").post(queue(report), form_of(c, "reject", reject_reason="上年数据"))
    assert ok.status_code == 302
    c.refresh_from_db()
    assert (c.status, c.reject_reason) == ("rejected", "上年数据")


def test_an_unknown_scope_name_is_a_field_error_until_new_is_ticked(client_as, report, candidates):
    c = candidates["new_park"]
    client = client_as("official")
    refused = client.post(queue(report), form_of(c, "accept", subject="新材料产业园计划总投资"))
    assert refused.status_code == 400
    assert "没有名为“新材料产业园”的园区" in refused.context["rows"][2]["form"].errors["scope_name"][0]
    done = client.post(queue(report), form_of(c, "accept", subject="新材料产业园计划总投资", create_scope="on"))
    assert done.status_code == 302
    assert Figure.objects.get().park.name == "新材料产业园"


def test_a_restatement_from_the_page_links_the_figures(client_as, report, candidates, places, indicators):
    stored = FigureFactory(
        source_report=SourceReportFactory(text="签约额68.5亿元"),
        quote="签约额68.5亿元",
        indicator=indicators["signed_amount"],
        value=Decimal("685000"),
        value_printed="68.5",
    )
    c = candidates["signed"]
    page = client_as("official").get(queue(report)).content.decode()
    assert f"#{stored.pk}" in page  # suggested: the same value in another report
    response = client_as("official").post(queue(report), form_of(c, "restate", restates=stored.pk))
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == "duplicate" and c.figure.restates == stored


def test_a_form_shown_before_someone_else_reviewed_says_so(client_as, report, candidates, user_of):
    c = candidates["investment"]
    shown = form_of(c, "accept")
    services.candidate_reject(candidate=c, reason="不是本区数据", actor=user_of("admin"))
    response = client_as("official").post(queue(report), shown)
    assert response.status_code == 400
    assert "该记录已被他人修改" in response.content.decode()
    assert not Figure.objects.exists()


def test_bulk_acceptance_takes_the_sure_ones(client_as, report, candidates):
    response = client_as("official").post(queue(report), {"action": "accept_confident"}, follow=True)
    assert "已采纳 2 个高置信度候选数据" in response.content.decode()
    assert Figure.objects.count() == 2


@pytest.mark.parametrize("role,status", [("anonymous", 302), ("staff", 403), ("reviewer", 403), ("admin", 200)])
def test_only_officials_and_admins_review(client_as, report, candidates, role, status):
    assert client_as(role).get(queue(report)).status_code == status
    assert client_as(role).post(queue(report), form_of(candidates["investment"], "accept")).status_code in (
        status if status != 200 else 302,
    )


def test_the_queue_reads_a_constant_number_of_queries(
    client_as, report, places, indicators, django_assert_max_num_queries
):
    client = client_as("official")
    for n in range(3):
        candidate(report, "签约额68.5亿元", scope_kind="region", scope_name="上党区", confidence=0.1 * n)
    client.get(queue(report))
    with django_assert_max_num_queries(12) as few:
        client.get(queue(report))
    for _ in range(20):
        candidate(report, "上党区固定资产投资完成45.6亿元", scope_kind="region", scope_name="上党区")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(queue(report)).status_code == 200


def test_the_report_list_and_page_link_the_queue_for_reviewers_only(client_as, report, candidates):
    listing = client_as("official").get(reverse("sources:list")).content.decode()
    assert reverse("sources:add") in listing and queue(report) in listing
    public = client_as("anonymous").get(reverse("sources:list")).content.decode()
    assert reverse("sources:add") not in public and queue(report) not in public


def test_the_pages_speak_english_too(client_as, report, candidates):
    client = client_as("official")
    page = client.get(queue(report), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Review queue" in page and "Accept" in page and "Reject" in page
    assert "Add a source report" in client.get(reverse("sources:add"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_forms_show_the_proposed_dates_as_a_date_input_reads_them(client_as, report, candidates):
    html = client_as("official").get(queue(report)).content.decode()
    c = candidates["investment"]
    assert f'type="date" name="period_start" value="2026-01-01" id="c{c.pk}-period_start"' in html
    assert f'type="date" name="period_end" value="2026-06-30" id="c{c.pk}-period_end"' in html


def test_a_form_for_a_candidate_of_another_report_or_garbage_is_refused_without_saving(client_as, report, candidates):
    other = SourceReportFactory(text="另一篇报道。")
    client = client_as("official")
    c = candidates["investment"]
    assert client.post(queue(other), form_of(c, "accept")).status_code == 404
    garbage = client.post(queue(report), form_of(c, "accept", candidate="abc", value="1e999999") | {"action": "drop"})
    assert garbage.status_code == 400
    assert client.post(reverse("sources:review", args=[999999]), form_of(c, "accept")).status_code == 404
    assert not Figure.objects.exists()
