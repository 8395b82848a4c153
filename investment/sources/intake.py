"""Reads a new source report's file into the plain text its figures will quote: plain text (UTF-8), Word
(.docx), PDF (its text layer) or a saved web page (.html). Nothing here touches the database; a file that
cannot be read raises ValidationError on the `file` field."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A report is a few pages of text; 10 MB leaves room for a PDF with pictures, and keeps a request small.
MAX_REPORT_BYTES = 10 * 2**20
# The longest report text kept: some fifty pages of Chinese, far more than any report so far (the longest of the
# five is under 10,000 characters). Candidates are extracted while the official waits, at a few seconds per
# 10,000 characters, so a book-length paste is refused rather than left to time out.
MAX_REPORT_CHARS = 100_000
FORMATS = (".txt", ".text", ".md", ".docx", ".pdf", ".html", ".htm")


@dataclass
class ReadReport:
    """The text of a file and what the file says about itself (empty when it says nothing)."""

    text: str
    title: str = ""
    publisher: str = ""
    published_on: date | None = None


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def normalise_text(text: str) -> str:
    """The text as it is stored and quoted: one kind of line break, no trailing spaces, at most one blank line
    between paragraphs. Characters are left as printed (full-width digits stay full-width), so every quote is
    the report's own."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.replace("\ufeff", "").replace("\x00", "")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _looks_binary(text: str) -> bool:
    """Control characters other than tab and line breaks do not occur in a report's text."""
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    return controls > 0


def _read_plain(content: bytes) -> ReadReport:
    if b"\x00" in content:
        raise _file_error(_("这不是文本文件(含二进制内容)。请上传 .txt、.docx、.pdf 或 .html 文件。"))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(
            _("文本文件不是 UTF-8 编码(第 %(at)s 字节处无法读取)。请另存为 UTF-8 后再上传。") % {"at": exc.start}
        ) from None
    if _looks_binary(text):
        raise _file_error(_("这不是文本文件(含二进制内容)。请上传 .txt、.docx、.pdf 或 .html 文件。"))
    return ReadReport(text=text)


def _read_docx(content: bytes) -> ReadReport:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(content))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise _file_error(_("无法读取这个 Word 文件(.docx)：%(error)s") % {"error": exc}) from None
    except Exception as exc:  # a zip that is not a Word document fails deep inside the zip and XML readers
        raise _file_error(_("无法读取这个 Word 文件(.docx)：%(error)s") % {"error": type(exc).__name__}) from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    props = document.core_properties
    published = props.created.date() if props.created else None
    return ReadReport(text="\n".join(paragraphs), title=props.title or "", published_on=published)


def _read_pdf(content: bytes) -> ReadReport:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise _file_error(_("这个 PDF 文件已加密，无法读取文字。"))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or ""
    except ValidationError:
        raise
    except PdfReadError as exc:
        raise _file_error(_("无法读取这个 PDF 文件：%(error)s") % {"error": exc}) from None
    except Exception as exc:  # a damaged PDF can fail anywhere in the parser
        raise _file_error(_("无法读取这个 PDF 文件：%(error)s") % {"error": type(exc).__name__}) from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise _file_error(_("这个 PDF 没有文字层(可能是扫描件)，无法从中引用原文。请上传带文字的版本或粘贴全文。"))
    return ReadReport(text=text, title=str(title))


# The elements of a saved web page that are not the article: navigation, scripts, forms.
_HTML_CHROME = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe")
_HTML_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table")


def _meta(soup, *names: str) -> str:
    for name in names:
        tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
        if tag and tag.get("content"):
            return tag["content"].strip()
    return ""


def _read_html(content: bytes) -> ReadReport:
    from bs4 import BeautifulSoup

    if b"\x00" in content:
        raise _file_error(_("这不是网页文件(含二进制内容)。"))
    soup = BeautifulSoup(content, "lxml")
    for tag in soup(_HTML_CHROME):
        tag.decompose()
    body = soup.find("article") or soup.body or soup
    for tag in body.find_all(_HTML_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    text = body.get_text()
    title = _meta(soup, "og:title", "ArticleTitle") or (soup.title.get_text(strip=True) if soup.title else "")
    published = None
    raw_date = _meta(soup, "article:published_time", "PubDate", "publishdate", "date")
    if found := re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw_date):
        try:
            published = date(*(int(x) for x in found.groups()))
        except ValueError:
            published = None
    return ReadReport(
        text="\n".join(" ".join(line.split()) for line in text.split("\n")),
        title=title,
        publisher=_meta(soup, "og:site_name", "SiteName", "author"),
        published_on=published,
    )


def read_report_file(content: bytes, name: str) -> ReadReport:
    """The report's text from a file's bytes, by its extension; any unreadable file is a `file` field error."""
    lower = name.lower()
    if not content:
        raise _file_error(_("文件是空的。"))
    if len(content) > MAX_REPORT_BYTES:
        raise _file_error(_("文件超过 %(mb)s MB。") % {"mb": MAX_REPORT_BYTES // 2**20})
    if lower.endswith(".docx"):
        found = _read_docx(content)
    elif lower.endswith(".pdf"):
        found = _read_pdf(content)
    elif lower.endswith((".html", ".htm")):
        found = _read_html(content)
    elif lower.endswith((".txt", ".text", ".md")):
        found = _read_plain(content)
    else:
        raise _file_error(_("不支持这种文件。请上传 .txt、.docx、.pdf 或 .html 文件，或粘贴全文。"))
    found.text = normalise_text(found.text)
    if not found.text:
        raise _file_error(_("文件里没有文字。"))
    found.title = " ".join(found.title.split())[:300]
    found.publisher = " ".join(found.publisher.split())[:200]
    return found
