"""Staff pages of the monthly progress workflow, mounted under /progress/: my projects, the month's report
form, returned reports, the reviewer's queue with bulk approval, report and project history, notifications,
the XLSX bulk entry and the officials' obstacle list (问题清单).
A project or report the user may not see answers 404, as the API does."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shangdang_portal.permissions import can_edit_plans, can_edit_progress, is_reviewer
from shangdang_portal.row_versions import StaleRow, row_version

from ..filtersets import ProjectIssueFilterSet
from ..models import EARLIEST_PERIOD, MAX_ID, ProgressReport, ProjectIssue
from . import photos, selectors, services, xlsx
from .forms import ProgressReportForm, ReturnForm


def _visible(queryset, pk: int):
    """The object if the user may see it; otherwise 404, the same answer as for an id that does not exist."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


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
    project = _visible(selectors.reporting_projects(request.user), project_id)
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
    report = _visible(selectors.visible_progress_reports(request.user), pk)
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
    report = _visible(selectors.visible_progress_reports(request.user).select_related("project"), pk)
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
def photo(request, pk: int):
    """A progress photo, for those who may see its report (404 for the rest, as for a missing one)."""
    return photos.photo_response(_visible(selectors.visible_photos(request.user), pk))


@login_required
@require_POST
def correct_report(request, pk: int):
    original = _visible(selectors.visible_progress_reports(request.user), pk)
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
    # Only who may edit it finds it: a reader of the report gets 404 here, as for a correction that is not there.
    report = _visible(selectors.editable_corrections(request.user).select_related("project", "corrects"), pk)
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
    project = _visible(selectors.progress_visible_projects(request.user), project_id)
    page = Paginator(selectors.project_history(project), 50).get_page(request.GET.get("page"))
    return render(request, "projects/progress/history.html", {"project": project, "page": page})


@login_required
def notifications(request):
    """The user's notifications, newest first; POST marks one (``notification``) or all of them read."""
    if request.method == "POST":
        raw = request.POST.get("notification", "")
        ids = [int(raw)] if raw.isdigit() and 0 < int(raw) <= MAX_ID else None
        if raw and ids is None:
            return HttpResponseBadRequest(_("未知的通知。"))
        services.notification_mark_read(user=request.user, ids=ids)
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
    content = xlsx.progress_template_xlsx(projects=selectors.staff_project_list(user=request.user), period=period)
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
                saved = xlsx.progress_xlsx_import(file=upload, actor=request.user, submit="submit" in request.POST)
            except xlsx.XlsxRowErrors as exc:
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


OBSTACLE_STEPS = {"assign": ("department", services.issue_assign), "resolve": ("resolution", services.issue_resolve)}


@login_required
def obstacles(request):
    """问题清单 for officials and admins: open obstacles first, filtered as the API's; each row has a small form
    to assign it to a department or resolve it, sent with the row's version so a stale one is refused."""
    if not can_edit_plans(request.user):
        raise PermissionDenied(_("只有领导干部和管理员可以交办或办结问题。"))
    visible = selectors.issue_list(user=request.user)
    failed: dict = {}
    status = 200
    if request.method == "POST":
        raw = request.POST.get("issue", "")
        if not (raw.isdigit() and 0 < int(raw) <= MAX_ID):
            raise Http404
        issue = _visible(visible, int(raw))
        step = request.POST.get("step", "")
        if step not in OBSTACLE_STEPS:
            return HttpResponseBadRequest(_("未知的操作。"))
        field, service = OBSTACLE_STEPS[step]
        text = request.POST.get(field, "")
        try:
            service(issue=issue, actor=request.user, version=request.POST.get("version") or None, **{field: text})
        except ValidationError as exc:
            failed = {"pk": issue.pk, "step": step, "text": text, "errors": exc.messages}
            status = 400
        except StaleRow as exc:
            failed = {"pk": issue.pk, "step": step, "text": text, "errors": [exc.message]}
            status = 409
        else:
            messages.success(request, _("已保存。"))
            return redirect(request.get_full_path())
    filterset = ProjectIssueFilterSet(request.GET, queryset=visible)
    queryset = filterset.qs if filterset.is_valid() else ProjectIssue.objects.none()
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    for issue in page:
        issue.row_version = row_version(issue, services.ISSUE_VERSION_FIELDS)
        issue.failed = failed if failed.get("pk") == issue.pk else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/progress/obstacles.html",
        {"filterset": filterset, "page": page, "query": query.urlencode(), "failed": failed},
        status=status,
    )
