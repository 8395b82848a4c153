"""Progress report API: CRUD on drafts, submit/approve/return, bulk approval, photos, XLSX and history.
Writes go through projects.services; a stale version answers 412 (If-Match) or 409 (version in body)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shangdang_portal import roles

from .. import selectors, services
from ..models import ProgressReport, Project
from . import serializers as s

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _field_errors(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


def _conflict(exc: services.ConflictError, code: int) -> Response:
    response = Response(
        {
            "detail": exc.message,
            "current_version": exc.current_version,
            "changes": [
                {"field": c.field, "label": c.label, "before": s._plain(c.before), "after": s._plain(c.after)}
                for c in exc.changes
            ],
        },
        status=code,
    )
    response["ETag"] = f'"{exc.current_version}"'
    return response


def _if_match(request) -> int | None:
    raw = request.headers.get("If-Match")
    if not raw:
        return None
    raw = raw.strip().removeprefix("W/").strip('"')
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({"If-Match": [_("If-Match 必须是报告的版本号。")]}) from None


class ProgressReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Monthly progress reports. ETag carries the version; send it back in If-Match when writing."""

    serializer_class = s.ProgressReportSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["status", "project", "period"]
    ordering_fields = ["period", "submitted_at"]

    def get_queryset(self):
        return selectors.progress_report_list(user=self.request.user)

    def _respond(self, report: ProgressReport, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.progress_report_get(pk=report.pk)
        response = Response(s.ProgressReportSerializer(fresh, context={"request": self.request}).data, status=code)
        response["ETag"] = f'"{fresh.version}"'
        return response

    def _write(self, call, *, expected: int | None, via_header: bool, code: int = status.HTTP_200_OK) -> Response:
        try:
            return self._respond(call(expected), code)
        except services.ConflictError as exc:
            return _conflict(exc, status.HTTP_412_PRECONDITION_FAILED if via_header else status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            raise _field_errors(exc) from None

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    def create(self, request, *args, **kwargs):
        data = s.ProgressReportWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = Project.objects.filter(pk=values.pop("project")).first()
        if project is None:
            raise ValidationError({"project": [_("没有这个项目。")]})
        return self._write(
            lambda _v: services.progress_report_create(project=project, actor=request.user, **values),
            expected=None,
            via_header=False,
            code=status.HTTP_201_CREATED,
        )

    def _version(self, request, body_version=None) -> tuple[int, bool]:
        header = _if_match(request)
        if header is not None:
            return header, True
        if body_version is not None:
            return body_version, False
        raise ValidationError({"version": [_("请通过 If-Match 请求头或 version 字段提供报告版本。")]})

    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        data = s.ProgressReportUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version, via_header = self._version(request, values.pop("version", None))
        return self._write(
            lambda v: services.progress_report_update(report=report, version=v, actor=request.user, **values),
            expected=version,
            via_header=via_header,
        )

    update = partial_update

    def _transition(self, request, service, **extra):
        report = self.get_object()
        version = _if_match(request)
        return self._write(
            lambda v: service(report=report, version=v, **extra), expected=version, via_header=version is not None
        )

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, services.progress_report_submit, actor=request.user)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(request, services.progress_report_approve, reviewer=request.user)

    @action(detail=True, methods=["post"], url_path="return", serializer_class=s.ReturnSerializer)
    def return_(self, request, pk=None):
        data = s.ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(
            request,
            services.progress_report_return,
            reviewer=request.user,
            review_note=data.validated_data["review_note"],
        )

    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        original = self.get_object()
        data = s.ProgressReportUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k != "version"}
        return self._write(
            lambda _v: services.progress_report_correct(original=original, actor=request.user, **values),
            expected=None,
            via_header=False,
            code=status.HTTP_201_CREATED,
        )

    @extend_schema(operation_id="progress_reports_approve_bulk")
    @action(
        detail=False,
        methods=["post"],
        url_path="approve",
        url_name="approve-bulk",
        serializer_class=s.BulkApproveSerializer,
    )
    def approve_bulk(self, request):
        data = s.BulkApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["ids"]
        reports = list(ProgressReport.objects.filter(pk__in=ids))
        missing = sorted(set(ids) - {r.pk for r in reports})
        if missing:
            raise ValidationError({"ids": [_("没有这些报告: %(ids)s") % {"ids": missing}]})
        try:
            done = services.progress_reports_approve(reports=reports, reviewer=request.user)
        except DjangoValidationError as exc:
            raise _field_errors(exc) from None
        return Response({"approved": [r.pk for r in done]})

    @extend_schema(responses=s.HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        return Response(s.history_payload(selectors.progress_report_history(self.get_object())))

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request, pk=None):
        report = self.get_object()
        upload = request.FILES.get("image")
        if upload is None:
            raise ValidationError({"image": [_("请选择照片。")]})
        try:
            photo = services.progress_photo_add(
                report=report, file=upload, actor=request.user, caption=request.data.get("caption", "")
            )
        except DjangoValidationError as exc:
            raise _field_errors(exc) from None
        return Response(s.ProgressPhotoSerializer(photo, context={"request": request}).data, status=201)

    @action(detail=False, methods=["get"], url_path="xlsx-template")
    def xlsx_template(self, request):
        period_field = s.ProgressReportWriteSerializer().fields["period"]
        raw = request.query_params.get("period")
        period = period_field.run_validation(raw).replace(day=1) if raw else selectors.current_period()
        projects = selectors.staff_project_list(user=request.user)
        wanted = request.query_params.getlist("project")
        if wanted:
            projects = projects.filter(pk__in=[int(p) for p in wanted if p.isdigit()])
        content = services.progress_template_xlsx(projects=projects, period=period)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="progress-{period:%Y-%m}.xlsx"'
        return response

    @action(detail=False, methods=["post"], url_path="xlsx-upload", parser_classes=[MultiPartParser])
    def xlsx_upload(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("请选择要上传的 XLSX 文件。")]})
        submit = str(request.data.get("submit", "")).lower() in {"1", "true", "yes", "on"}
        try:
            saved = services.progress_xlsx_import(file=upload, actor=request.user, submit=submit)
        except services.XlsxRowErrors as exc:
            return Response({"errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
        except DjangoValidationError as exc:
            raise _field_errors(exc) from None
        return Response({"saved": [r.pk for r in saved]}, status=status.HTTP_200_OK)


class ProjectHistoryView(APIView):
    """GET /api/v1/projects/{id}/history/: changes to the project, its reports, milestones and figures."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.HistoryEntrySerializer(many=True))
    def get(self, request, pk: int):
        project = get_object_or_404(Project, pk=pk)
        if not (
            roles.has_role(request.user, roles.REVIEWER, roles.OFFICIAL)
            or services.can_report_for(request.user, project)
        ):
            return Response({"detail": _("您没有查看该项目变更记录的权限。")}, status=status.HTTP_403_FORBIDDEN)
        return Response(s.history_payload(selectors.project_history(project)))
