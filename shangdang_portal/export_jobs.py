"""Exports too large to be the answer to their request: a task writes the file, the caller fetches it.

`export_start` (called by ExportMixin when the count is over EXPORT_INLINE_ROWS) records an ExportJob and
queues `shangdang_portal.export_run`; the request answers 202 Accepted with `Location` pointing at the job's
status (`/api/v1/exports/<id>/`). The file is served from `/api/v1/exports/<id>/download/` once done (409
before). Browsers following an `导出 CSV` link are sent to a page that waits and then downloads. When tasks
run in-process (no REDIS_URL) the file is written before the 202 is answered, which then already says done.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.http import FileResponse, Http404, HttpRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .export import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_lines, write_xlsx
from .models import ExportJob

logger = logging.getLogger(__name__)


# --- starting and running ------------------------------------------------------------------------------------


def export_start(*, view, fmt: str, rows: int):
    """Record the export asked for by `view` (a list viewset on its request), queue its task, answer 202."""
    from .outbox import queue_after_commit
    from .tasks import export_run_task

    request = view.request
    user = request.user if getattr(request.user, "is_authenticated", False) else None
    query = request.query_params.copy()
    query.pop("format", None)
    job = ExportJob.objects.create(
        user=user,
        view=f"{type(view).__module__}.{type(view).__qualname__}",
        query=query.urlencode(),
        format=fmt,
        language=translation.get_language() or "",
        filename=view.export_name(),
        rows=rows,
    )
    queue_after_commit(export_run_task, str(job.pk))
    job.refresh_from_db()
    if _wants_page(request):
        return redirect("export-page", pk=job.pk)
    response = Response(job_body(job, request, download_url=True), status=status.HTTP_202_ACCEPTED)
    response["Location"] = request.build_absolute_uri(reverse("api:export-detail", args=[job.pk]))
    return response


def _wants_page(request) -> bool:
    # A browser following a page's export link asks for HTML first; a program asks for JSON or anything.
    accept = request.headers.get("Accept", "")
    return accept.startswith("text/html")


def _list_view(job: ExportJob):
    """The job's viewset set up as on the request that asked: same user, same query string."""
    http = HttpRequest()
    http.method = "GET"
    http.GET = QueryDict(job.query)
    http.user = job.user or AnonymousUser()
    request = Request(http)
    request.user = http.user
    view = import_string(job.view)()
    view.request, view.args, view.kwargs, view.format_kwarg = request, (), {}, None
    view.action, view.action_map, view.headers = "list", {"get": "list"}, {}
    return view


def export_run(job_id: str) -> str:
    """Write the job's file (idempotent: a job already done is left as it is). Returns the final status."""
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None or job.status == ExportJob.Status.DONE:
        return job.status if job else "missing"
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            _write_file(job)
    except Exception as exc:
        logger.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=repr(exc)[:1000], finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, rows=job.rows, file=job.file.name, error="", finished_at=timezone.now()
    )
    return ExportJob.Status.DONE


def _write_file(job: ExportJob) -> None:
    """Write the job's rows to its file; job.rows becomes the number of rows written."""
    view = _list_view(job)
    queryset = view.export_queryset()
    written = 0

    def counted(rows):
        nonlocal written
        for row in rows:
            written += 1
            yield row

    rows = counted(view.export_rows(queryset))
    with tempfile.TemporaryFile() as spool:
        if job.format == "csv":
            for piece in csv_lines(rows, view.export_headers()):
                spool.write(piece.encode("utf-8"))
        else:
            write_xlsx(rows, view.export_headers(), view.export_title(queryset), spool)
        spool.seek(0)
        if job.file:
            job.file.delete(save=False)
        job.file.save(f"{job.pk}/{job.filename}.{job.format}", File(spool), save=False)
    job.rows = written


def exports_cleanup(*, now: dt.datetime | None = None) -> int:
    """Remove jobs older than EXPORT_KEEP_HOURS and their files; returns how many were removed."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    removed = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        removed += 1
    return removed


# --- reading ---------------------------------------------------------------------------------------------------


def job_for(request, pk) -> ExportJob:
    """The job if the caller may read it: the user who asked, or anyone holding the id of an anonymous one."""
    job = ExportJob.objects.filter(pk=pk).first()
    if job is None or (job.user_id is not None and job.user_id != getattr(request.user, "pk", None)):
        raise Http404
    return job


def job_body(job: ExportJob, request, *, download_url: bool = False) -> dict:
    done = job.status == ExportJob.Status.DONE
    body = {
        "id": str(job.pk),
        "status": job.status,
        "rows": job.rows,
        "status_url": request.build_absolute_uri(reverse("api:export-detail", args=[job.pk])),
        "download_url": (
            request.build_absolute_uri(reverse("api:export-download", args=[job.pk])) if done or download_url else None
        ),
        "error": job.error or None,
    }
    return body


class ExportJobSerializer(serializers.Serializer):
    """What the 202 of a large export and the job's status answer."""

    id = serializers.UUIDField(help_text=_("导出任务编号(不可猜测，匿名导出凭它读取)"))
    status = serializers.ChoiceField(choices=ExportJob.Status.choices, help_text=_("queued、running、done 或 failed"))
    rows = serializers.IntegerField(help_text=_("行数：请求时计数，完成后为写入的行数"))
    status_url = serializers.URLField(help_text=_("任务状态的地址"))
    download_url = serializers.URLField(allow_null=True, help_text=_("文件下载地址；状态中完成前为 null"))
    error = serializers.CharField(allow_null=True, help_text=_("失败原因"))


class ExportJobView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=_("导出任务状态"),
        description=_(
            "超过 EXPORT_INLINE_ROWS 行的导出(?format=csv|xlsx)返回 202 和此地址；完成后 download_url 给出文件。"
            "只有发起导出的用户可读；匿名导出凭任务编号读取。"
        ),
        responses=ExportJobSerializer,
    )
    def get(self, request, pk):
        return Response(job_body(job_for(request, pk), request))


class ExportNotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = _("导出尚未完成，请稍后再试。")


class ExportDownloadView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=_("下载导出文件"),
        description=_("导出完成后返回文件(CSV 或 XLSX)；未完成时返回 409。"),
        responses={
            (200, CSV_CONTENT_TYPE): {"type": "string", "format": "binary"},
            (200, XLSX_CONTENT_TYPE): {"type": "string", "format": "binary"},
            (409, "application/json"): {"$ref": "#/components/schemas/Error"},
        },
    )
    def get(self, request, pk):
        job = job_for(request, pk)
        if job.status != ExportJob.Status.DONE or not job.file:
            raise ExportNotReady(_("导出尚未完成(状态：%(status)s)。") % {"status": job.status})
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=f"{job.filename}.{job.format}",
            content_type=CSV_CONTENT_TYPE if job.format == "csv" else XLSX_CONTENT_TYPE,
        )


def export_page(request, pk):
    """The page an `导出` link lands on when the export is large: it reloads until the file is ready."""
    job = job_for(request, pk)
    body = job_body(job, request)
    return render(request, "exports/wait.html", {"job": job, "body": body})
