"""Forms of the source-report pages: bring in a new report (a file or pasted text), and review one candidate
figure (accept with changes, reject with a reason, or mark as a restatement of a stored figure)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Comparator, Figure, Measure, ScopeKind
from .intake import FORMATS, MAX_REPORT_BYTES, MAX_REPORT_CHARS, ReadReport, read_report_file


def _date_input():
    # ISO dates: what a type=date input reads whatever the page's language.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class ReportAddForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("文件"),
        required=False,
        help_text=gettext_lazy("纯文本(UTF-8)、Word(.docx)、带文字层的 PDF 或保存的网页(.html)，不超过 %(mb)s MB")
        % {"mb": MAX_REPORT_BYTES // 2**20},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(FORMATS)}),
        error_messages={"empty": gettext_lazy("文件是空的。")},
    )
    text = forms.CharField(
        label=gettext_lazy("或粘贴全文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_REPORT_CHARS,
    )
    title = forms.CharField(
        label=gettext_lazy("标题"), max_length=300, required=False, help_text=gettext_lazy("不填则取文件的标题或首行")
    )
    publisher = forms.CharField(label=gettext_lazy("发布者"), max_length=200, required=False)
    published_on = forms.DateField(
        label=gettext_lazy("发布日期"),
        required=False,
        widget=_date_input(),
        help_text=gettext_lazy("有发布日期的报道对所有人公开"),
    )
    source_url = forms.URLField(label=gettext_lazy("来源地址"), max_length=500, required=False, assume_scheme="https")

    read: ReadReport | None = None

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if upload and text:
            raise ValidationError({"text": _("请上传文件或粘贴全文，不要两者都填。")})
        if not upload and not text:
            if "file" not in self.errors and "text" not in self.errors:
                raise ValidationError({"file": _("请上传文件或粘贴全文。")})
            return data
        if upload:
            if upload.size > MAX_REPORT_BYTES:
                raise ValidationError({"file": _("文件超过 %(mb)s MB。") % {"mb": MAX_REPORT_BYTES // 2**20}})
            self.read = read_report_file(upload.read(), upload.name)
        else:
            self.read = ReadReport(text=text)
        return data

    def ingest_values(self) -> dict:
        """What report_ingest needs: the form's fields first, then what the file said about itself."""
        data, read = self.cleaned_data, self.read
        upload = data.get("file")
        return {
            "text": read.text,
            "title": data.get("title") or read.title,
            "publisher": data.get("publisher") or read.publisher,
            "published_on": data.get("published_on") or read.published_on,
            "source_url": data.get("source_url") or "",
            "file_name": upload.name if upload else "",
            "text_field": "file" if upload else "text",
        }


FIGURE_KINDS = Figure.Kind.choices
SCOPE_CHOICES = [("", "—"), *ScopeKind.choices]
COMPARATORS = [("", "—"), *Comparator.choices]


class CandidateForm(forms.Form):
    """One candidate's review: which action, the version it was shown at, and the figure's fields."""

    ACTIONS = ("accept", "reject", "restate")
    # The figure's fields as the page lays them out, in this order.
    FIGURE_FIELDS = (
        "value",
        "unit",
        "kind",
        "measure",
        "comparator",
        "indicator",
        "subject",
        "period_label",
        "period_start",
        "period_end",
        "scope_kind",
        "scope_name",
    )

    candidate = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.CharField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    value = forms.DecimalField(
        label=gettext_lazy("数值"),
        max_digits=24,
        decimal_places=4,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    unit = forms.CharField(label=gettext_lazy("单位"), max_length=20, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=FIGURE_KINDS, required=False)
    measure = forms.ChoiceField(label=gettext_lazy("口径"), choices=Measure.choices, required=False)
    comparator = forms.ChoiceField(label=gettext_lazy("比较"), choices=COMPARATORS, required=False)
    period_label = forms.CharField(label=gettext_lazy("期间"), max_length=30, required=False)
    period_start = forms.DateField(label=gettext_lazy("期间开始"), required=False, widget=_date_input())
    period_end = forms.DateField(label=gettext_lazy("期间结束"), required=False, widget=_date_input())
    scope_kind = forms.ChoiceField(label=gettext_lazy("范围"), choices=SCOPE_CHOICES, required=False)
    scope_name = forms.CharField(label=gettext_lazy("范围名称"), max_length=150, required=False)
    create_scope = forms.BooleanField(label=gettext_lazy("没有时新建"), required=False)
    indicator = forms.ChoiceField(label=gettext_lazy("指标"), required=False)
    subject = forms.CharField(label=gettext_lazy("事项"), max_length=200, required=False)
    reject_reason = forms.CharField(label=gettext_lazy("驳回理由"), max_length=500, required=False)
    restates = forms.IntegerField(label=gettext_lazy("与已存数据相同(数据编号)"), min_value=1, required=False)

    def __init__(self, *args, indicator_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        # The choices come from the page, read once for every candidate on it.
        self.fields["indicator"].choices = [("", "—"), *indicator_choices]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "restate" and not data.get("restates"):
            self.add_error("restates", _("请填写已存数据的编号。"))
        if action == "accept" and data.get("value") is None and "value" not in self.errors:
            self.add_error("value", _("请填写数值。"))
        return data
