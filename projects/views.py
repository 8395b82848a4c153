"""Project pages: the 项目库 pipeline, the filtered list and one project's file (一项目一档); and the staff
pages for progress reporting: my projects, the month's report form, returned reports, the reviewer's
queue with bulk approval, report and project history, notifications."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from investment.dashboards import selectors as investment_selectors
from investment.models import BatchRate, PipelinePool
from investment.rollups.batches import STEPS as BATCH_STEPS
from parks.models import Park, Region
from shangdang_portal.permissions import can_edit_progress, can_see_progress, is_reviewer
from shangdang_portal.templatetags.portal import wan_yuan

from . import selectors, services
from .filtersets import ProjectFilterSet
from .forms import ProgressReportForm, ReturnForm
from .models import EARLIEST_PERIOD, MAX_ID, Milestone, ProgressReport, Project
from .selectors import visible_projects


def _apply_errors(form, exc: ValidationError) -> None:
    """Puts each service error on its form field; errors about other fields go on top of the form."""
    for name, errors in exc.message_dict.items():
        target = name if name in form.fields else None
        if name == "image":
            target = "photo"
        for error in errors:
            form.add_error(None if name == NON_FIELD_ERRORS else target, error)


def _period_from(request) -> dt.date:
    """The month asked for (default: this month); ValidationError under "period" when it is not one."""
    raw = request.GET.get("period") or request.POST.get("period")
    if not raw:
        return selectors.current_period()
    try:
        year, month = (int(x) for x in raw.split("-")[:2])
        period = dt.date(year, month, 1)
    except ValueError:
        raise ValidationError({"period": _("月份格式应为 YYYY-MM。")}) from None
    if period < EARLIEST_PERIOD:
        raise ValidationError({"period": _("月份不能早于 2000-01。")})
    return period


@login_required
def my_projects(request):
    projects = list(selectors.staff_project_list(user=request.user))
    for project in projects:
        project.status_label = (
            ProgressReport.Status(project.this_month_status).label if project.this_month_status else ""
        )
    return render(
        request,
        "projects/progress/my_projects.html",
        {
            "projects": projects,
            "period": selectors.current_period(),
            "returned": selectors.returned_report_list(user=request.user),
            "is_reviewer": is_reviewer(request.user),
        },
    )


@login_required
def report_form(request, project_id: int):
    project = get_object_or_404(Project, pk=project_id)
    if not can_edit_progress(request.user, project):
        raise PermissionDenied(_("您不是该项目的填报人员。"))
    try:
        period = _period_from(request)
    except ValidationError as exc:
        context = {"project": project, "period": selectors.current_period(), "period_errors": exc.messages}
        return render(request, "projects/progress/report_form.html", context, status=400)
    report = selectors.open_report_for(project=project, period=period)
    counted = selectors.counted_report_for(project=project, period=period)
    last = selectors.counted_report_for(project=project, period=selectors.previous_period(period))
    locked = report is not None and report.status == ProgressReport.Status.SUBMITTED
    status = 200
    if request.method == "POST" and not locked:
        form = ProgressReportForm(request.POST, request.FILES, instance=None)
        if form.is_valid():
            try:
                report = services.progress_report_save(
                    project=project,
                    period=period,
                    actor=request.user,
                    values=form.values(),
                    version=form.cleaned_data["version"],
                    photo=form.cleaned_data["photo"],
                    photo_caption=form.cleaned_data["photo_caption"],
                    issue=form.cleaned_data["issue"],
                    submit="submit" in request.POST,
                )
            except services.ConflictError as exc:
                form.add_error(None, exc.message)
                status = 409
            except ValidationError as exc:
                _apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("已提交审核。") if "submit" in request.POST else _("已保存。"))
                return redirect(f"{request.path}?period={period:%Y-%m}")
        else:
            status = 400
    else:
        source = report or counted
        initial = {"version": report.version} if report else {}
        form = ProgressReportForm(instance=source if report else None, initial=initial)
        if report is None and counted is not None:
            # The month is approved: its figures are locked, changes go through a correction.
            locked = True
    current = selectors.progress_report_get(pk=report.pk) if report else None
    context = {
        "project": project,
        "period": period,
        "form": form,
        "report": current,
        "counted": counted,
        "last": last,
        "locked": locked,
    }
    return render(request, "projects/progress/report_form.html", context, status=status)


@login_required
def returned_reports(request):
    return render(
        request,
        "projects/progress/returned.html",
        {"reports": selectors.returned_report_list(user=request.user)},
    )


@login_required
def review_queue(request):
    if not is_reviewer(request.user):
        raise PermissionDenied(_("只有审核人员可以审核进度报告。"))
    status = 200
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("report") if x.isdigit() and 0 < int(x) <= MAX_ID]
        reports = list(ProgressReport.objects.filter(pk__in=ids))
        if not reports:
            messages.error(request, _("请选择要审核通过的报告。"))
            status = 400
        else:
            try:
                done = services.progress_reports_approve(reports=reports, reviewer=request.user)
            except ValidationError as exc:
                for error in exc.messages:
                    messages.error(request, error)
                status = 400
            else:
                messages.success(request, _("已审核通过 %(n)s 份报告。") % {"n": len(done)})
                return redirect("progress:review")
    page = Paginator(selectors.review_queue(user=request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/progress/review_queue.html",
        {"page": page, "return_form": ReturnForm()},
        status=status,
    )


@login_required
@require_POST
def return_report(request, pk: int):
    report = get_object_or_404(ProgressReport, pk=pk)
    form = ReturnForm(request.POST)
    try:
        note = form.cleaned_data["review_note"] if form.is_valid() else ""
        services.progress_report_return(report=report, reviewer=request.user, review_note=note)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("progress:review")
    messages.success(request, _("已退回: %(report)s") % {"report": report})
    return redirect("progress:review")


@login_required
def report_detail(request, pk: int):
    report = get_object_or_404(ProgressReport.objects.select_related("project"), pk=pk)
    if not can_see_progress(request.user, report.project):
        raise PermissionDenied
    return render(
        request,
        "projects/progress/report_detail.html",
        {
            "report": selectors.progress_report_get(pk=pk),
            "history": selectors.progress_report_history(report),
            "photos": report.photos.all(),
            "issues": report.issues.all(),
            "can_correct": can_edit_progress(request.user, report.project)
            and report.status == ProgressReport.Status.APPROVED
            and not report.is_superseded
            and not hasattr(report, "correction"),
        },
    )


@login_required
@require_POST
def correct_report(request, pk: int):
    original = get_object_or_404(ProgressReport, pk=pk)
    try:
        correction = services.progress_report_correct(original=original, actor=request.user)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("progress:report", pk=pk)
    messages.success(request, _("已创建更正报告，请修改后提交审核。"))
    return redirect("progress:correction", pk=correction.pk)


@login_required
def correction_form(request, pk: int):
    """Edits a correction (a report linked to the one it corrects) until it is submitted."""
    report = get_object_or_404(ProgressReport.objects.select_related("project", "corrects"), pk=pk)
    if report.corrects_id is None or not can_edit_progress(request.user, report.project):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = ProgressReportForm(request.POST)
        if form.is_valid():
            try:
                report = services.progress_report_update(
                    report=report, version=form.cleaned_data["version"] or 0, actor=request.user, **form.values()
                )
                if "submit" in request.POST:
                    services.progress_report_submit(report=report, actor=request.user)
                return redirect("progress:report", pk=report.pk)
            except services.ConflictError as exc:
                form.add_error(None, exc.message)
                status = 409
            except ValidationError as exc:
                _apply_errors(form, exc)
                status = 400
        else:
            status = 400
    else:
        form = ProgressReportForm(instance=report, initial={"version": report.version})
    return render(
        request,
        "projects/progress/report_form.html",
        {
            "project": report.project,
            "period": report.period,
            "form": form,
            "report": report,
            "last": report.corrects,
            "locked": report.status not in (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED),
            "is_correction": True,
        },
        status=status,
    )


@login_required
def project_history(request, project_id: int):
    project = get_object_or_404(Project, pk=project_id)
    if not can_see_progress(request.user, project):
        raise PermissionDenied
    page = Paginator(selectors.project_history(project), 50).get_page(request.GET.get("page"))
    return render(request, "projects/progress/history.html", {"project": project, "page": page})


@login_required
def notifications(request):
    if request.method == "POST":
        services.notification_mark_read(user=request.user)
        return redirect("progress:notifications")
    return render(
        request,
        "projects/progress/notifications.html",
        {"notifications": selectors.notification_list(user=request.user)[:100]},
    )


@login_required
def xlsx_template(request):
    """The bulk-entry sheet for the user's projects and a month."""
    try:
        period = _period_from(request)
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    content = services.progress_template_xlsx(projects=selectors.staff_project_list(user=request.user), period=period)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="progress-{period:%Y-%m}.xlsx"'
    return response


@login_required
def xlsx_upload(request):
    errors, saved = [], None
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [{"row": "", "column": "", "message": _("请选择要上传的 XLSX 文件。")}]
            status = 400
        else:
            try:
                saved = services.progress_xlsx_import(file=upload, actor=request.user, submit="submit" in request.POST)
            except services.XlsxRowErrors as exc:
                errors, status = exc.errors, 400
            except ValidationError as exc:
                errors = [{"row": "", "column": "", "message": m} for m in exc.messages]
                status = 400
    return render(
        request,
        "projects/progress/xlsx_upload.html",
        {"errors": errors, "saved": saved, "period": selectors.current_period()},
        status=status,
    )


# --- project pages ------------------------------------------------------------------------------

PAGE_SIZE = 25
# The filters officials use most stay in view; the rest of ProjectFilterSet folds away.
PRIMARY_FILTERS = ["q", "region", "park", "pool", "signal", "ordering"]


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _batch_steps(*, rates, printed, user) -> list[dict]:
    """One line per 三个一批 rate: its formula, each batch's computed rate with the projects behind it,
    and every rate a report printed for it, side by side."""
    ids = {pk for rate in rates for pk in rate.denominator_project_ids}
    names = dict(visible_projects(user).filter(pk__in=ids).values_list("pk", "name"))
    detail = reverse("projects:list")
    steps = []
    for kind, label in BatchRate.Kind.choices:
        announced, reached = BATCH_STEPS[kind]
        computed = []
        for rate in (r for r in rates if r.kind == kind):
            shown = [(pk, names[pk]) for pk in rate.denominator_project_ids if pk in names]
            reached_ids = set(rate.numerator_project_ids)
            computed.append(
                {
                    "rate": rate,
                    "projects": [
                        {"name": name, "url": reverse("projects:detail", args=[pk]), "reached": pk in reached_ids}
                        for pk, name in shown
                    ],
                    "hidden": len(rate.denominator_project_ids) - len(shown),
                }
            )
        steps.append(
            {
                "kind": kind,
                "label": str(label),
                "formula": _("已%(reached)s项目数 ÷ 批次中%(announced)s项目数")
                % {"reached": Milestone.Kind(reached).label, "announced": Milestone.Kind(announced).label},
                "computed": computed,
                "printed": [f for f in printed if f.indicator.code == kind],
                "list_url": f"{detail}?milestone_kind={reached}",
            }
        )
    return steps


def _batch_chart(steps) -> dict:
    """Computed rates per batch and printed rates per report scope and period, one bar group per rate."""
    series: dict[str, list] = {}
    for index, step in enumerate(steps):
        for item in step["computed"]:
            name = _("计算：%(batch)s") % {"batch": item["rate"].batch.name}
            series.setdefault(name, [None] * len(steps))[index] = (
                str(item["rate"].rate) if item["rate"].rate is not None else None
            )
        for figure in step["printed"]:
            name = _("报道：%(scope)s %(period)s") % {"scope": figure.region or "", "period": figure.period_label}
            series.setdefault(name, [None] * len(steps))[index] = str(figure.value)
    return {
        "categories": [step["label"] for step in steps],
        "series": [{"name": name, "data": data} for name, data in series.items()],
        "formulas": [str(step["formula"]) for step in steps],
    }


def pipeline(request):
    """四库 and 三个一批 as the roll-ups stored them for the chosen scope (default the home district)."""
    year, as_of = investment_selectors.dashboard_as_of()
    scope = investment_selectors.pipeline_scope(region=_int_param(request, "region"), park=_int_param(request, "park"))
    if scope is None:
        raise Http404(_("没有这个区域或园区。"))
    scope_param = f"park={scope.pk}" if isinstance(scope, Park) else f"region={scope.pk}"
    list_url = reverse("projects:list")
    pools, moves, rates = [], [], []
    if as_of:
        pools = investment_selectors.pipeline_pools(campaign_year=year, as_of=as_of, scope=scope)
        moves = investment_selectors.pipeline_moves(campaign_year=year, as_of=as_of, scope=scope)
        rates = investment_selectors.batch_rates(as_of=as_of)
    pool_labels = dict(PipelinePool._meta.get_field("pool").choices)
    funnel = [
        {
            "pool": row.pool,
            "label": str(pool_labels[row.pool]),
            "count": row.project_count,
            "investment": row.total_investment,
            "moved_in": row.moved_in,
            "moved_out": row.moved_out,
            # Projects outside every pool have no pool filter to list them by.
            "url": f"{list_url}?{scope_param}&pool={row.pool}" if row.pool else "",
        }
        for row in pools
    ]
    for move in moves:
        move["from_label"] = str(pool_labels[move["from_pool"]])
        move["to_label"] = str(pool_labels[move["to_pool"]])
    steps = _batch_steps(
        rates=rates, printed=investment_selectors.printed_batch_rates(user=request.user), user=request.user
    )
    funnel_chart = {
        "items": [
            {"label": row["label"], "count": row["count"], "investment": wan_yuan(row["investment"]), "url": row["url"]}
            for row in funnel
            if row["pool"]
        ],
        "labels": {"count": _("项目数"), "investment": _("总投资")},
    }
    return render(
        request,
        "projects/pipeline.html",
        {
            "year": year,
            "as_of": as_of,
            "scope": scope,
            "scope_is_park": isinstance(scope, Park),
            "regions": Region.objects.order_by("name"),
            "parks": Park.objects.order_by("name"),
            "funnel": funnel,
            "moves": moves,
            "steps": steps,
            "funnel_chart": funnel_chart,
            "batch_chart": _batch_chart(steps),
        },
    )


def project_list(request):
    filterset = ProjectFilterSet(request.GET, queryset=selectors.project_list(user=request.user))
    # Bad values are shown on their fields and list nothing, rather than silently listing everything.
    queryset = filterset.qs if filterset.is_valid() else Project.objects.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    export = query.copy()
    export.pop("format", None)
    return render(
        request,
        "projects/project_list.html",
        {
            "filterset": filterset,
            "primary_filters": PRIMARY_FILTERS,
            "more_filters_used": any(v for k, v in request.GET.items() if k not in PRIMARY_FILTERS + ["page"]),
            "page": page,
            "query": query.urlencode(),
            "export_query": export.urlencode(),
        },
    )


def project_detail(request, pk: int):
    project = selectors.project_file_get(pk=pk, user=request.user)
    if project is None:
        raise Http404
    signal = selectors.project_signal_latest(project=project)
    investment = selectors.project_plan_series(project=project, signal=signal)
    investment_chart = {
        "months": investment["months"],
        "actual": investment["actual"],
        "planned": investment["planned"],
        "labels": {"actual": _("本年累计完成投资(已审核进度)"), "planned": _("年度计划序时进度"), "unit": _("万元")},
    }
    # Who changed what is shown to the same people the history API answers (can_see_progress).
    show_history = can_see_progress(request.user, project)
    history = (
        list(project.history.select_related("history_user").order_by("-history_date")[:20]) if show_history else []
    )
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "show_contacts": project.contacts_visible,
            "investment": investment,
            "investment_chart": investment_chart,
            "signal": signal,
            "history": history,
            "show_history": show_history,
        },
    )
