"""Pages of the source reports: the list, one report's text with its figures highlighted; for officials and
admins, adding a new report and the review queue of its candidate figures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from shangdang_portal.permissions import can_review_figures
from shangdang_portal.roles import can_read_all
from shangdang_portal.row_versions import StaleRow, row_version

from ..models import Figure, FigureCandidate, Indicator
from . import selectors, services
from .forms import CandidateForm, ReportAddForm
from .highlight import highlight_quotes


def figure_url(figure) -> str:
    return f"{reverse('sources:detail', args=[figure.source_report_id])}#figure-{figure.pk}" if figure else ""


def report_list(request):
    reports = selectors.report_list(user=request.user).annotate(
        figure_count=Count("figures", distinct=True),
        pending_count=Count("candidates", filter=Q(candidates__status="pending"), distinct=True),
    )
    return render(
        request,
        "sources/report_list.html",
        {"reports": reports, "can_review": can_review_figures(request.user)},
    )


def report_detail(request, pk: int):
    report = get_object_or_404(selectors.visible_reports(request.user), pk=pk)
    figures = list(selectors.report_figures(report=report, user=request.user))
    return render(
        request,
        "sources/report_detail.html",
        {
            "report": report,
            "figures": figures,
            "marked_text": highlight_quotes(report.text, figures),
            "can_read_all": can_read_all(request.user),
            "can_review": can_review_figures(request.user),
        },
    )


def _require_reviewer(request) -> None:
    if not can_review_figures(request.user):
        raise PermissionDenied(_("只有领导和管理员可以添加报道和审核数据。"))


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def report_add(request):
    """A new source report from a file or pasted text: stored, its candidates extracted, then the review queue."""
    _require_reviewer(request)
    form = ReportAddForm(request.POST or None, request.FILES or None)
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_ingest(actor=request.user, **form.ingest_values())
        except services.DuplicateReport as duplicate:
            existing = duplicate.report
            _add_errors(form, duplicate)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            count = report.candidates.count()
            messages.success(request, _("报道已存储，找到 %(n)s 个候选数据。") % {"n": count})
            return redirect("sources:review", pk=report.pk)
    return render(
        request,
        "sources/report_add.html",
        {"form": form, "existing": existing},
        status=400 if form.is_bound else 200,
    )


def _indicator_choices() -> list[tuple[str, str]]:
    return [(i.code, f"{i.name_zh} ({i.code})") for i in Indicator.objects.order_by("name_zh")]


def _initial(candidate: FigureCandidate) -> dict:
    values = services.figure_defaults(candidate)
    values["indicator"] = values["indicator"].code if values["indicator"] else ""
    return {
        **values,
        "candidate": candidate.pk,
        "version": row_version(candidate, services.CANDIDATE_VERSION_FIELDS),
        "action": "accept",
    }


def _review_values(form: CandidateForm, indicators: dict[str, Indicator]) -> services.Review:
    """The form shows every field of the figure: what it sends is the whole figure (a cleared date clears it)."""
    data = form.cleaned_data
    review = services.Review.of(
        value=data.get("value"),
        unit=data.get("unit") or "",
        kind=data.get("kind") or None,
        measure=data.get("measure") or None,
        comparator=data.get("comparator") or "",
        period_label=data.get("period_label") or "",
        period_start=data.get("period_start"),
        period_end=data.get("period_end"),
        scope_kind=data.get("scope_kind") or "",
        scope_name=data.get("scope_name") or "",
        create_scope=bool(data.get("create_scope")),
        indicator=indicators.get(data.get("indicator") or ""),
        subject=data.get("subject") or "",
    )
    review.given |= {"period_start", "period_end", "indicator"}
    return review


def _apply(request, report, form: CandidateForm, indicators) -> str:
    """Runs the form's action on its candidate; the message to show once it is done."""
    data = form.cleaned_data
    candidate = report.candidates.filter(pk=data["candidate"]).first()
    if candidate is None:
        raise Http404
    version, action = data["version"], data["action"]
    if action == "reject":
        reason = data.get("reject_reason")
        services.candidate_reject(candidate=candidate, reason=reason, actor=request.user, version=version)
        return _("已驳回。")
    review = _review_values(form, indicators)
    if action == "restate":
        restates = Figure.objects.filter(pk=data["restates"]).first()
        if restates is None:
            raise ValidationError({"restates": [_("没有编号为 %(id)s 的数据。") % {"id": data["restates"]}]})
        services.candidate_mark_restatement(
            candidate=candidate, restates=restates, review=review, actor=request.user, version=version
        )
        return _("已作为复述存储，并与原数据关联。")
    figure = services.candidate_accept(candidate=candidate, review=review, actor=request.user, version=version)
    return format_html("{} <a href='{}'>{}</a>", _("已采纳为数据。"), figure_url(figure), _("在报道中查看"))


@login_required
def review(request, pk: int):
    """The review queue of one report: its text with every candidate marked, and a form per candidate."""
    _require_reviewer(request)
    report = get_object_or_404(selectors.visible_reports(request.user), pk=pk)
    choices = _indicator_choices()
    failed_form, changes = None, []
    if request.method == "POST":
        if request.POST.get("action") == "accept_confident":
            result = services.candidates_accept_confident(report=report, actor=request.user)
            messages.success(
                request,
                _("已采纳 %(n)s 个高置信度候选数据；%(left)s 个留待逐条审核。")
                % {"n": len(result.accepted), "left": result.left},
            )
            return redirect("sources:review", pk=report.pk)
        posted = "".join(ch for ch in request.POST.get("candidate", "") if ch.isdigit())[:18]
        form = CandidateForm(request.POST, indicator_choices=choices, auto_id=f"c{posted}-%s")
        if form.is_valid():
            indicators = {i.code: i for i in Indicator.objects.all()}
            try:
                done = _apply(request, report, form, indicators)
            except StaleRow as stale:
                form.add_error(None, stale.message)
                changes = stale.changes
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, done)
                queue = reverse("sources:review", args=[report.pk])
                return redirect(f"{queue}#candidate-{form.cleaned_data['candidate']}")
        failed_form = form
    candidates = list(selectors.review_queue(report=report))
    suggestions = selectors.restatement_suggestions(report=report, candidates=candidates)
    rows = []
    for candidate in candidates:
        failed = failed_form is not None and str(candidate.pk) == str(failed_form.data.get("candidate"))
        form = failed_form if failed else None
        if form is None and candidate.status == FigureCandidate.Status.PENDING:
            form = CandidateForm(initial=_initial(candidate), indicator_choices=choices, auto_id=f"c{candidate.pk}-%s")
        rows.append(
            {
                "candidate": candidate,
                "form": form,
                "changes": changes if failed else [],
                "suggestions": suggestions.get(candidate.pk, []),
                "fields": [form[name] for name in CandidateForm.FIGURE_FIELDS] if form is not None else [],
            }
        )
    text = report.text
    marked = [c for c in candidates if text[c.quote_offset : c.quote_offset + len(c.quote)] == c.quote]
    counts = {status: 0 for status in FigureCandidate.Status.values}
    for candidate in candidates:
        counts[candidate.status] += 1
    return render(
        request,
        "sources/review.html",
        {
            "report": report,
            "rows": rows,
            "counts": counts,
            "confident": services.CONFIDENT,
            "marked_text": highlight_quotes(text, marked, prefix="candidate"),
        },
        status=400 if failed_form is not None else 200,
    )
