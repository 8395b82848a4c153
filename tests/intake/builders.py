"""What the tests of a new source report share: a report text with known figures, the candidates an
extractor would propose for it (made here with explicit values, so the review tests do not depend on what the
extractor reads), and files of every accepted kind built in memory."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from investment.models import FigureCandidate, SourceReport
from investment.sources.services import candidate_create, text_sha256

TEXT = (
    "上党区2026年上半年重大项目建设综述\n\n"
    "2026年1-6月，上党区固定资产投资完成45.6亿元，同比增长8.2%。\n"
    "上党经济技术开发区新签约项目12个，签约额68.5亿元。\n"
    "新材料产业园计划总投资3.2亿元。"
)


def stored_report(text: str = TEXT, **values) -> SourceReport:
    """A report as report_ingest stores it, without running the extractor."""
    defaults = {
        "file_name": f"{text_sha256(text)[:12]}-test.txt",
        "title": "上党区2026年上半年重大项目建设综述",
        "publisher": "上党区融媒体中心",
        "published_on": date(2026, 7, 10),
        "text": text,
        "sha256": text_sha256(text),
    }
    return SourceReport.objects.create(**(defaults | values))


def candidate(report: SourceReport, quote: str, **values) -> FigureCandidate:
    """A pending candidate quoting `quote` where it stands in the report's text."""
    offset = report.text.index(quote)
    defaults = {
        "value": Decimal("456000"),
        "unit": "万元",
        "value_printed": "45.6",
        "unit_printed": "亿元",
        "kind": FigureCandidate.Kind.ACTUAL,
        "period_label": "2026年1-6月",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "confidence": 0.95,
        "comparator": "",
    }
    return candidate_create(report=report, quote=quote, quote_offset=offset, **(defaults | values))


def the_candidates(report: SourceReport, places: dict, indicators: dict) -> dict[str, FigureCandidate]:
    """The three figures of TEXT as an extractor would propose them."""
    return {
        "investment": candidate(
            report,
            "上党区固定资产投资完成45.6亿元",
            scope_kind="region",
            scope_name="上党区",
            scope_id=places["district"].pk,
            indicator=indicators["fixed_asset_investment"],
        ),
        "signed": candidate(
            report,
            "签约额68.5亿元",
            value=Decimal("685000"),
            value_printed="68.5",
            scope_kind="park",
            scope_name="上党经济技术开发区",
            scope_id=places["zone"].pk,
            indicator=indicators["signed_amount"],
            confidence=0.92,
        ),
        "new_park": candidate(
            report,
            "新材料产业园计划总投资3.2亿元",
            value=Decimal("32000"),
            value_printed="3.2",
            kind=FigureCandidate.Kind.TARGET,
            period_label="",
            period_start=None,
            period_end=None,
            scope_kind="park",
            scope_name="新材料产业园",
            scope_id=None,
            indicator=None,
            confidence=0.6,
        ),
    }


def docx_bytes(paragraphs: list[str], title: str = "") -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds `lines` (ASCII, in the standard Helvetica font)."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def scanned_pdf_bytes() -> bytes:
    """A PDF with a page and no text layer, as a scanner makes one (here without the picture)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


SAVED_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>上党区上半年重大项目建设综述_上党区人民政府</title>
<meta property="og:site_name" content="上党区人民政府">
<meta name="PubDate" content="2026-07-10 09:30">
<script>var tracker = "固定资产投资完成99亿元";</script><style>p{color:red}</style></head>
<body><nav>首页 | 政务公开 | 新闻中心</nav>
<article><h1>上党区上半年重大项目建设综述</h1>
<p>2026年1-6月，上党区固定资产投资完成45.6亿元，同比增长8.2%。</p>
<p>上党经济技术开发区新签约项目12个，签约额68.5亿元。</p></article>
<footer>版权所有 上党区人民政府</footer></body></html>"""
