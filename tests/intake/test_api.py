"""The same over the API: officials and admins create a report (upload or text), list its candidates and
accept, reject or restate one with If-Match (428 without, 412 when stale); everything in the OpenAPI schema."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from investment.models import Figure, FigureCandidate, SourceReport
from tests.factories import FigureFactory, SourceReportFactory

from .builders import TEXT, docx_bytes, scanned_pdf_bytes, stored_report

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/source-reports/"


def api(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


def etag_of(client, c: FigureCandidate) -> str:
    response = client.get(api("figure-candidate-detail", c.pk))
    assert response.status_code == 200
    return response["ETag"]


def test_an_official_creates_a_report_from_text_and_lists_its_candidates(api_client_as, places, indicators):
    client = api_client_as("official")
    response = client.post(
        REPORTS,
        {
            "text": TEXT,
            "publisher": "上党区融媒体中心",
            "published_on": "2026-07-10",
            "source_url": "https://a.example/x",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    report = SourceReport.objects.get(pk=body["id"])
    assert body["text"] == TEXT and body["source_url"] == "https://a.example/x"
    assert body["candidate_count"] == report.candidates.count() > 0
    listed = client.get(api("figure-candidate-list"), {"source_report": report.pk, "status": "pending"}).json()
    assert listed["count"] == body["candidate_count"]
    first = listed["results"][0]
    assert TEXT[first["quote_offset"] : first["quote_offset"] + len(first["quote"])] == first["quote"]
    assert {"value", "unit", "kind", "scope", "indicator", "confidence", "status", "version"} <= set(first)


def test_an_official_uploads_a_file(api_client_as, places):
    file = io.BytesIO(docx_bytes(TEXT.split("\n")))
    file.name = "综述.docx"
    response = api_client_as("admin").post(REPORTS, {"file": file, "title": "综述"}, format="multipart")
    assert response.status_code == 201
    assert SourceReport.objects.get().title == "综述"


def test_a_bad_upload_is_a_field_error_and_nothing_is_stored(api_client_as):
    file = io.BytesIO(scanned_pdf_bytes())
    file.name = "scan.pdf"
    response = api_client_as("official").post(REPORTS, {"file": file}, format="multipart")
    assert response.status_code == 400
    assert "没有文字层" in response.json()["error"]["fields"]["file"][0]
    gbk = io.BytesIO(TEXT.encode("gbk"))
    gbk.name = "gbk.txt"
    response = api_client_as("official").post(REPORTS, {"file": gbk}, format="multipart")
    assert "UTF-8" in response.json()["error"]["fields"]["file"][0]
    assert api_client_as("official").post(REPORTS, {}, format="json").json()["error"]["fields"]["file"]
    assert not SourceReport.objects.exists()


def test_a_stored_text_answers_409_with_the_stored_report(api_client_as, places):
    stored = stored_report()
    response = api_client_as("official").post(REPORTS, {"text": TEXT}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["existing_report"]["id"] == stored.pk
    assert error["existing_report"]["url"].endswith(api("source-report-detail", stored.pk))
    assert SourceReport.objects.count() == 1


@pytest.mark.parametrize("role,status", [("anonymous", 401), ("staff", 403), ("reviewer", 403)])
def test_others_may_not_create_reports_or_see_candidates(api_client_as, candidates, role, status):
    client = api_client_as(role)
    assert client.post(REPORTS, {"text": "上党区新闻"}, format="json").status_code in (status, 403)
    assert client.get(api("figure-candidate-list")).status_code in (status, 403)
    assert not SourceReport.objects.filter(text="上党区新闻").exists()


def test_accepting_needs_if_match_and_refuses_a_stale_one(api_client_as, candidates, places):
    client = api_client_as("official")
    c = candidates["investment"]
    url = api("figure-candidate-accept", c.pk)
    assert client.post(url, {}, format="json").status_code == 428
    etag = etag_of(client, c)
    response = client.post(url, {"period_label": "2026年上半年"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["candidate"]["status"] == "accepted"
    assert body["figure"]["scope"] == {"id": places["district"].pk, "name": "上党区"}
    assert body["figure"]["period_label"] == "2026年上半年"
    assert response["ETag"] != etag
    again = client.post(api("figure-candidate-reject", c.pk), {"reason": "x"}, format="json", HTTP_IF_MATCH=etag)
    assert again.status_code == 412
    assert {ch["field"] for ch in again.json()["error"]["changes"]} >= {"status"}
    assert Figure.objects.count() == 1


def test_rejecting_needs_a_reason(api_client_as, candidates):
    client = api_client_as("official")
    c = candidates["signed"]
    etag = etag_of(client, c)
    refused = client.post(api("figure-candidate-reject", c.pk), {}, format="json", HTTP_IF_MATCH=etag)
    assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    done = client.post(api("figure-candidate-reject", c.pk), {"reason": "上年的数"}, format="json", HTTP_IF_MATCH=etag)
    assert done.status_code == 200 and done.json()["candidate"]["reject_reason"] == "上年的数"


def test_a_field_error_of_the_review_is_field_level(api_client_as, candidates):
    client = api_client_as("official")
    c = candidates["new_park"]
    etag = etag_of(client, c)
    response = client.post(
        api("figure-candidate-accept", c.pk), {"indicator": "fixed_asset_investment"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 400
    assert "新材料产业园" in response.json()["error"]["fields"]["scope_name"][0]
    unknown = client.post(
        api("figure-candidate-accept", c.pk), {"indicator": "nope"}, format="json", HTTP_IF_MATCH=etag
    )
    assert "indicator" in unknown.json()["error"]["fields"]
    created = client.post(
        api("figure-candidate-accept", c.pk),
        {"indicator": "fixed_asset_investment", "create_scope": True},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert created.status_code == 200
    assert Figure.objects.get().park.name == "新材料产业园"


def test_a_restatement_over_the_api(api_client_as, candidates, indicators):
    stored = FigureFactory(
        source_report=SourceReportFactory(text="签约额68.5亿元"),
        quote="签约额68.5亿元",
        indicator=indicators["signed_amount"],
        value=Decimal("685000"),
    )
    client = api_client_as("official")
    c = candidates["signed"]
    response = client.post(
        api("figure-candidate-restatement", c.pk),
        {"restates": stored.pk},
        format="json",
        HTTP_IF_MATCH=etag_of(client, c),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["figure"]["restates"] == stored.pk
    assert response.json()["candidate"]["status"] == "duplicate"


def test_the_schema_documents_the_new_endpoints(api_client_as):
    schema = api_client_as("anonymous").get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "post" in paths["/api/v1/source-reports/"]
    accept = paths["/api/v1/figure-candidates/{id}/accept/"]["post"]
    assert any(p["name"] == "If-Match" for p in accept["parameters"])
    assert "/api/v1/figure-candidates/{id}/reject/" in paths and "/api/v1/figure-candidates/{id}/restatement/" in paths


def test_listing_candidates_reads_a_constant_number_of_queries(
    api_client_as, report, candidates, indicators, django_assert_max_num_queries
):
    from .builders import candidate

    client = api_client_as("official")
    url = api("figure-candidate-list")
    client.get(url)
    with django_assert_max_num_queries(10) as few:
        assert client.get(url).json()["count"] == 3
    for _ in range(30):
        candidate(
            report,
            "签约额68.5亿元",
            scope_kind="park",
            scope_name="上党经济技术开发区",
            indicator=indicators["signed_amount"],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"page_size": 50}).json()["count"] == 33


def test_bad_review_input_is_a_field_error(api_client_as, candidates):
    client = api_client_as("official")
    c = candidates["investment"]
    etag = etag_of(client, c)
    for body, field in [
        ({"value": "abc"}, "value"),
        ({"kind": "rumour"}, "kind"),
        ({"period_start": "2026-02-30"}, "period_start"),
        ({"scope_kind": "planet"}, "scope_kind"),
    ]:
        response = client.post(api("figure-candidate-accept", c.pk), body, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 400 and field in response.json()["error"]["fields"], body
    restated = client.post(
        api("figure-candidate-restatement", c.pk), {"restates": 999999}, format="json", HTTP_IF_MATCH=etag
    )
    assert "restates" in restated.json()["error"]["fields"]
    assert FigureCandidate.objects.get(pk=c.pk).status == "pending"
