"""A new source report comes in through the page, the command and the API: every accepted kind of file and
pasted text is stored as the text its figures will quote, with its candidates extracted; a text already
stored is refused with a link to it; bad files get a field-level error and nothing is stored."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from investment.models import FigureCandidate, SourceReport

from .builders import SAVED_PAGE, TEXT, docx_bytes, pdf_bytes, scanned_pdf_bytes, stored_report

pytestmark = pytest.mark.django_db

ADD = "/source-reports/add/"
TWENTY_MB = b"%PDF-1.4\n" + b"0" * (20 * 2**20)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def upload(client, name: str, content: bytes, **fields):
    file = io.BytesIO(content)
    file.name = name
    return client.post(ADD, {"file": file, **fields})


# --- what comes in ---------------------------------------------------------------------------------


def test_an_official_uploads_a_text_file_and_lands_on_its_review_queue(client_as, places, indicators):
    response = upload(
        client_as("official"),
        "综述.txt",
        TEXT.replace("\n", "\r\n").encode("utf-8"),
        publisher="上党区融媒体中心",
        published_on="2026-07-10",
        source_url="https://www.shangdang.gov.cn/xwzx/2026/0710.html",
    )
    report = SourceReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sources:review", args=[report.pk])
    assert report.text == TEXT  # one kind of line break: the text the quotes are cut from
    assert report.title == "上党区2026年上半年重大项目建设综述"  # the first line, as no title was given
    assert (report.publisher, report.published_on) == ("上党区融媒体中心", date(2026, 7, 10))
    assert report.source_url == "https://www.shangdang.gov.cn/xwzx/2026/0710.html"
    assert report.added_by.username == "official-user"
    candidates = list(report.candidates.all())
    assert len(candidates) >= 3
    for candidate in candidates:
        assert report.text[candidate.quote_offset : candidate.quote_offset + len(candidate.quote)] == candidate.quote
        assert candidate.status == "pending"
    investment = next(c for c in candidates if c.quote.endswith("固定资产投资完成45.6亿元"))
    assert (investment.value, investment.unit, investment.indicator.code) == (456000, "万元", "fixed_asset_investment")
    assert (investment.scope_kind, investment.scope_id) == ("region", places["district"].pk)
    assert investment.extracted["value_printed"] == "45.6"


def test_pasted_text_is_stored_as_pasted(client_as, places, indicators):
    response = client_as("admin").post(ADD, {"text": TEXT, "title": "半年综述"})
    report = SourceReport.objects.get()
    assert response.status_code == 302
    assert (report.title, report.text) == ("半年综述", TEXT)
    assert report.file_name.startswith(report.sha256[:12])


def test_a_word_file_gives_its_paragraphs_and_title(client_as, places):
    paragraphs = TEXT.split("\n")
    upload(client_as("official"), "综述.docx", docx_bytes(paragraphs, title="上党区上半年综述"))
    report = SourceReport.objects.get()
    assert report.title == "上党区上半年综述"
    assert "上党区固定资产投资完成45.6亿元" in report.text
    assert report.candidates.exists()


def test_a_pdf_gives_its_text_layer(client_as):
    upload(client_as("official"), "report.pdf", pdf_bytes(["Shangdang district report", "Investment 45.6"]))
    report = SourceReport.objects.get()
    assert "Shangdang district report" in report.text and "Investment 45.6" in report.text


def test_a_saved_web_page_gives_the_article_without_scripts_or_navigation(client_as, places, indicators):
    upload(client_as("official"), "page.html", SAVED_PAGE.encode("utf-8"))
    report = SourceReport.objects.get()
    assert "上党区固定资产投资完成45.6亿元" in report.text
    assert "99亿元" not in report.text and "首页" not in report.text and "版权所有" not in report.text
    assert report.title == "上党区上半年重大项目建设综述_上党区人民政府"
    assert (report.publisher, report.published_on) == ("上党区人民政府", date(2026, 7, 10))
    assert not report.candidates.filter(quote__contains="99").exists()


def test_a_text_already_stored_is_refused_with_a_link_to_it(client_as, places):
    stored = stored_report()
    response = upload(client_as("official"), "again.txt", (TEXT + "\n\n").encode("utf-8"))
    assert response.status_code == 400
    assert "已经存储过" in response.context["form"].errors["file"][0]
    assert reverse("sources:detail", args=[stored.pk]) in response.content.decode()
    assert SourceReport.objects.count() == 1


# --- bad input, through the page ---------------------------------------------------------------------

BAD_FILES = [
    ("empty.txt", b"", "文件是空的"),
    ("photo.txt", PNG, "二进制"),
    ("big.pdf", TWENTY_MB, "10 MB"),
    ("scan.pdf", scanned_pdf_bytes(), "没有文字层"),
    ("gbk.txt", TEXT.encode("gbk"), "不是 UTF-8"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "Word"),
    ("broken.pdf", b"%PDF-1.4\n garbage", "PDF"),
    ("sheet.xls", b"anything", "不支持"),
]


@pytest.mark.parametrize("name,content,says", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_gets_a_field_error_on_the_page_and_nothing_is_stored(client_as, name, content, says):
    response = upload(client_as("official"), name, content)
    assert response.status_code == 400
    assert says in " ".join(response.context["form"].errors["file"])
    assert not SourceReport.objects.exists() and not FigureCandidate.objects.exists()


def test_neither_or_both_of_file_and_text_is_a_field_error(client_as):
    client = client_as("official")
    assert "file" in client.post(ADD, {"title": "x"}).context["form"].errors
    both = upload(client, "a.txt", b"text", text="also text")
    assert "text" in both.context["form"].errors
    assert not SourceReport.objects.exists()


@pytest.mark.parametrize("role,status", [("anonymous", 302), ("staff", 403), ("reviewer", 403), ("official", 200)])
def test_only_officials_and_admins_add_reports(client_as, role, status):
    assert client_as(role).get(ADD).status_code == status
    if role in ("staff", "reviewer"):
        assert upload(client_as(role), "a.txt", TEXT.encode()).status_code == 403
        assert not SourceReport.objects.exists()


# --- the command -------------------------------------------------------------------------------------


def test_the_command_stores_a_report_with_its_details(tmp_path, places, indicators):
    path = tmp_path / "综述.docx"
    path.write_bytes(docx_bytes(TEXT.split("\n")))
    out = io.StringIO()
    call_command(
        "ingest_report",
        str(path),
        "--title",
        "上半年综述",
        "--publisher",
        "上党区融媒体中心",
        "--published",
        "2026-07-10",
        "--url",
        "https://www.shangdang.gov.cn/a.html",
        stdout=out,
    )
    report = SourceReport.objects.get()
    assert (report.title, report.published_on, report.source_url) == (
        "上半年综述",
        date(2026, 7, 10),
        "https://www.shangdang.gov.cn/a.html",
    )
    assert f"/source-reports/{report.pk}/review/" in out.getvalue()
    assert f"{report.candidates.count()} candidate figures" in out.getvalue()


@pytest.mark.parametrize("name,content,says", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_the_command_refuses_a_bad_file_and_stores_nothing(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        call_command("ingest_report", str(path))
    assert str(refused.value).startswith("file:") and says in str(refused.value)
    assert not SourceReport.objects.exists()


def test_the_command_refuses_a_stored_text_and_names_it(tmp_path, places):
    stored = stored_report()
    path = tmp_path / "again.txt"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("ingest_report", str(path))
    assert f"/source-reports/{stored.pk}/" in str(refused.value)
    assert SourceReport.objects.count() == 1


@pytest.mark.parametrize(
    "args,says",
    [
        (["--published", "2026-13-01"], "published:"),
        (["--url", "not a url"], "url:"),
    ],
)
def test_the_command_checks_its_options(tmp_path, args, says):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(CommandError, match=says):
        call_command("ingest_report", str(path), *args)
    with pytest.raises(CommandError, match="no such file"):
        call_command("ingest_report", str(tmp_path / "missing.txt"))
    assert not SourceReport.objects.exists()


def test_a_text_longer_than_the_limit_is_refused_on_the_page_and_by_the_command(client_as, tmp_path):
    long_text = ("上党区重大项目建设稳步推进。" * 8000).encode("utf-8")  # 112,000 characters, under 10 MB
    response = upload(client_as("official"), "long.txt", long_text)
    assert response.status_code == 400
    assert "100,000" in response.context["form"].errors["file"][0]
    path = tmp_path / "long.txt"
    path.write_bytes(long_text)
    with pytest.raises(CommandError, match="file: .*100,000"):
        call_command("ingest_report", str(path))
    assert not SourceReport.objects.exists()
