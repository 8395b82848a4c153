"""The ledger pages for admins: upload a ledger, read its preview, confirm it; download the blank template
or the register (or a filtered project list) as a ledger."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from projects.selectors import project_list
from shangdang_portal.permissions import is_admin
from shangdang_portal.roles import can_read_all

from ..models import LedgerImport
from .reader import MAX_FILE_BYTES
from .services import ledger_confirm_start, ledger_export, ledger_upload
from .writer import blank_template

# The rows the reader passes over, by the reason it records (investment.ledger.reader.SKIP_REASONS).
SKIPPED_LABELS = {
    "blank": gettext_lazy("空行"),
    "section": gettext_lazy("分组标题行"),
    "total": gettext_lazy("合计/小计行"),
    "note": gettext_lazy("注释行"),
    "column_numbers": gettext_lazy("列序号行"),
}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class LedgerUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("台账文件(.xlsx 或 .csv)"))
    year = forms.IntegerField(
        label=gettext_lazy("年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("计划投资和1-N月完成投资所属的年度；不填则取表头或标题中的年份。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("只接受 .xlsx 或 .csv 文件。"))
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("文件超过 %(mb)s MB。") % {"mb": MAX_FILE_BYTES // 2**20})
        return upload


def _require_admin(request) -> None:
    if not is_admin(request.user):
        raise PermissionDenied(_("只有管理员可以导入台账。"))


@login_required
def upload(request):
    """GET: the form and the recent uploads; POST: read and preview the file, then show the preview."""
    _require_admin(request)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        record, plan = ledger_upload(
            content=file.read(), file_name=file.name, year=form.cleaned_data.get("year"), actor=request.user
        )
        return redirect("ledger:preview", pk=record.pk)
    recent = LedgerImport.objects.defer("content").select_related("uploaded_by")[:10]
    return render(request, "ledger/upload.html", {"form": form, "recent": recent, "year": timezone.localdate().year})


def _upload_or_404(pk: int) -> LedgerImport:
    found = LedgerImport.objects.defer("content").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
def preview(request, pk: int):
    _require_admin(request)
    record = _upload_or_404(pk)
    skipped = [(SKIPPED_LABELS.get(reason, reason), n) for reason, n in record.summary.get("skipped", {}).items() if n]
    return render(request, "ledger/preview.html", {"record": record, "summary": record.summary, "skipped": skipped})


@login_required
@require_POST
def confirm(request, pk: int):
    _require_admin(request)
    record = LedgerImport.objects.filter(pk=pk).first()
    if record is None:
        raise Http404
    try:
        ledger_confirm_start(upload=record, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("ledger:preview", pk=pk)


def _download(content: bytes, name: str, format: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


@login_required
def template(request):
    """The blank ledger with every column, for districts to fill in."""
    format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    year = timezone.localdate().year
    return _download(blank_template(format=format, year=year), f"ledger-template-{year}", format)


@login_required
def export(request):
    """The projects the user may see (with the project list's filters) as a ledger in the same columns."""
    if not can_read_all(request.user):
        # The ledger carries the 包联 contacts and phone numbers: readers of everything only.
        raise PermissionDenied(_("台账导出含联系人信息，仅限领导、审核人员和管理员。"))
    format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    filters = request.GET.copy()
    for key in ("format", "year"):
        filters.pop(key, None)
    try:
        projects = project_list(user=request.user, filters=filters)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    return _download(ledger_export(projects, year=year, format=format), f"ledger-{year}", format)
