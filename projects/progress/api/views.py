"""The progress report endpoints: reads from the progress selectors, writes through the workflow services.

A progress report's ETag is its version; a write based on a stale version answers 412 (If-Match) or
409 (version in the body), in the shared error shape with the current version and what changed
(shangdang_portal.viewsets.ETagMixin).
"""

from django.http import HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shangdang_portal.pagination import KeysFirstPagination
from shangdang_portal.permissions import CanSeeProgress, IsAssignedStaff, IsAuthenticatedUser, IsReviewer
from shangdang_portal.request_limits import PortalJSONParser
from shangdang_portal.viewsets import ID_IN_URL, ETagMixin, PortalModelViewSet

from ... import selectors as project_selectors
from ...filtersets import ProgressReportFilterSet
from ...models import EARLIEST_PERIOD, ProgressReport
from .. import photos, selectors, services, xlsx
from . import serializers as s

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def history_response(view, entries) -> Response:
    """A page of change history entries, in the shape HistoryEntrySerializer describes."""
    page = view.paginate_queryset(entries)
    return view.get_paginated_response(s.history_payload(page))


class SheetRejected(exceptions.ValidationError):
    """An uploaded sheet with errors: each one by row and column under "rows"; nothing was saved."""

    def __init__(self, rows: list[dict]):
        super().__init__({"file": [f"{r['row']}:{r['column']} {r['message']}" for r in rows]})
        self.extra = {"rows": rows}


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description=_('报告的版本号(即 ETag)，例如 "3"；版本已变时返回 412'),
)
REVIEWERS = [IsAuthenticatedUser, IsReviewer]


@extend_schema_view(
    list=extend_schema(
        summary=_("月度进度报告列表"),
        description=_(
            "审核员、领导和管理员可见全部报告；填报人员可见其负责项目的报告。"
            "investment_completed/year_to_date/since_start 单位为万元，累计值只计已审核的报告。"
        ),
    ),
    retrieve=extend_schema(summary=_("月度进度报告详情"), description=_("ETag 为报告版本号。")),
    create=extend_schema(
        summary=_("新建月度进度报告(草稿)"),
        request=s.ProgressReportWriteSerializer,
        responses={201: s.ProgressReportSerializer},
    ),
    update=extend_schema(
        summary=_("修改草稿或退回的报告"),
        request=s.ProgressReportUpdateSerializer,
        parameters=[IF_MATCH],
        responses=s.ProgressReportSerializer,
    ),
    partial_update=extend_schema(
        summary=_("修改草稿或退回的报告"),
        request=s.ProgressReportUpdateSerializer,
        parameters=[IF_MATCH],
        responses=s.ProgressReportSerializer,
    ),
)
class ProgressReportViewSet(ETagMixin, PortalModelViewSet):
    """Monthly progress reports. ETag carries the version; send it back in If-Match when writing."""

    serializer_class = s.ProgressReportSerializer
    filterset_class = ProgressReportFilterSet
    permission_classes = [IsAuthenticatedUser, IsAssignedStaff]
    parser_classes = [PortalJSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    conflict_error = services.ConflictError
    # The page's reports are picked on the (period, project, id) index before their projects, users and
    # totals are joined, instead of joining and sorting every report.
    pagination_class = KeysFirstPagination
    export_filename = "progress-reports"
    export_columns = [
        (_("编号"), "pk"),
        (_("项目 id"), "project_id"),
        (_("项目编号"), lambda r: r.project.code or ""),
        (_("项目名称"), "project.name"),
        (_("月份"), lambda r: f"{r.period:%Y-%m}"),
        (_("状态"), lambda r: r.get_status_display()),
        (_("本月完成投资(万元)"), "investment_completed"),
        (_("本年累计完成投资(万元)"), "year_to_date"),
        (_("累计完成投资(万元)"), "since_start"),
        (_("形象进度(%)"), "physical_progress"),
        (_("形象进度描述"), "stage"),
        (_("在岗人数"), "workers_on_site"),
        (_("填报人"), "created_by"),
        (_("提交时间"), "submitted_at"),
        (_("审核人"), "reviewed_by"),
        (_("审核时间"), "reviewed_at"),
        (_("已被更正"), "is_superseded"),
    ]

    def get_queryset(self):
        return selectors.progress_report_list(user=self.request.user)

    def _respond(self, report: ProgressReport, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.progress_report_get(pk=report.pk)
        response = Response(s.ProgressReportSerializer(fresh, context=self.get_serializer_context()).data, status=code)
        return self.with_etag(response, fresh)

    def _write(self, call, *, expected: int | None, via_header: bool, code: int = status.HTTP_200_OK) -> Response:
        return self._respond(self.versioned_write(call, expected=expected, via_header=via_header), code)

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    def create(self, request, *args, **kwargs):
        data = s.ProgressReportWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = project_selectors.visible_projects(request.user).filter(pk=values.pop("project")).first()
        if project is None:
            raise exceptions.ValidationError({"project": [gettext("没有这个项目。")]})
        return self._write(
            lambda _v: services.progress_report_create(project=project, actor=request.user, **values),
            expected=None,
            via_header=False,
            code=status.HTTP_201_CREATED,
        )

    def update(self, request, *args, **kwargs):
        report = self.get_object()
        data = s.ProgressReportUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version, via_header = self.expected_version(request, values.pop("version", None))
        return self._write(
            lambda v: services.progress_report_update(report=report, version=v, actor=request.user, **values),
            expected=version,
            via_header=via_header,
        )

    def partial_update(self, request, *args, **kwargs):
        # Every field is optional and only those sent change, so PUT and PATCH do the same.
        return self.update(request, *args, **kwargs)

    def _transition(self, request, service, **extra):
        report = self.get_object()
        version = self.if_match_version(request)
        return self._write(
            lambda v: service(report=report, version=v, **extra), expected=version, via_header=version is not None
        )

    @extend_schema(summary=_("提交审核"), request=None, parameters=[IF_MATCH], responses=s.ProgressReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, services.progress_report_submit, actor=request.user)

    @extend_schema(summary=_("审核通过"), request=None, parameters=[IF_MATCH], responses=s.ProgressReportSerializer)
    @action(detail=True, methods=["post"], permission_classes=REVIEWERS)
    def approve(self, request, pk=None):
        return self._transition(request, services.progress_report_approve, reviewer=request.user)

    @extend_schema(
        summary=_("退回修改"), request=s.ReturnSerializer, parameters=[IF_MATCH], responses=s.ProgressReportSerializer
    )
    @action(detail=True, methods=["post"], url_path="return", permission_classes=REVIEWERS)
    def return_(self, request, pk=None):
        data = s.ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(
            request,
            services.progress_report_return,
            reviewer=request.user,
            review_note=data.validated_data["review_note"],
        )

    @extend_schema(
        summary=_("更正已审核的报告"),
        request=s.ProgressReportUpdateSerializer,
        responses={201: s.ProgressReportSerializer},
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

    @extend_schema(
        operation_id="progress_reports_approve_bulk",
        summary=_("批量审核通过"),
        description=_("全部通过，或有一份不能通过时全部不变。"),
        request=s.BulkApproveSerializer,
        responses=s.BulkApprovedSerializer,
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="approve",
        url_name="approve-bulk",
        permission_classes=REVIEWERS,
    )
    def approve_bulk(self, request):
        data = s.BulkApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["ids"]
        reports = list(self.get_queryset().filter(pk__in=ids))
        missing = sorted(set(ids) - {r.pk for r in reports})
        if missing:
            raise exceptions.ValidationError({"ids": [gettext("没有这些报告: %(ids)s") % {"ids": missing}]})
        done = services.progress_reports_approve(reports=reports, reviewer=request.user)
        return Response({"approved": [r.pk for r in done]})

    @extend_schema(summary=_("报告变更记录"), responses=s.HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        return history_response(self, selectors.progress_report_history(self.get_object()))

    @extend_schema(
        summary=_("上传形象进度照片"),
        request={"multipart/form-data": s.PhotoUploadSerializer},
        responses={201: s.ProgressPhotoSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request, pk=None):
        report = self.get_object()
        upload = request.FILES.get("image")
        if upload is None:
            raise exceptions.ValidationError({"image": [gettext("请选择照片。")]})
        photo = services.progress_photo_add(
            report=report, file=upload, actor=request.user, caption=request.data.get("caption", "")
        )
        return Response(s.ProgressPhotoSerializer(photo, context=self.get_serializer_context()).data, status=201)

    @extend_schema(
        summary=_("形象进度照片"),
        description=_("照片本身(JPEG、PNG 或 WebP)；看不到该报告的用户得到 404。"),
        responses={(200, "image/*"): bytes},
    )
    @action(detail=True, methods=["get"], url_path=rf"photos/(?P<photo_pk>{ID_IN_URL})", url_name="photo")
    def photo(self, request, pk=None, photo_pk=None):
        found = self.get_object().photos.filter(pk=photo_pk).first()
        if found is None:
            raise exceptions.NotFound()
        return photos.photo_response(found)

    @extend_schema(
        summary=_("批量填报模板(XLSX)"),
        parameters=[s.TemplateQuerySerializer],
        responses={(200, XLSX): bytes},
    )
    @action(detail=False, methods=["get"], url_path="xlsx-template", filter_backends=[], pagination_class=None)
    def xlsx_template(self, request):
        query = {
            "period": request.query_params.get("period") or None,
            "project": request.query_params.getlist("project"),
        }
        data = s.TemplateQuerySerializer(data={k: v for k, v in query.items() if v})
        data.is_valid(raise_exception=True)
        period = data.validated_data.get("period")
        period = period.replace(day=1) if period else selectors.current_period()
        if period < EARLIEST_PERIOD:
            raise exceptions.ValidationError({"period": [gettext("月份不能早于 2000-01。")]})
        projects = selectors.staff_project_list(user=request.user)
        wanted = data.validated_data.get("project")
        if wanted:
            projects = projects.filter(pk__in=wanted)
        content = xlsx.progress_template_xlsx(projects=projects, period=period)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="progress-{period:%Y-%m}.xlsx"'
        return response

    @extend_schema(
        summary=_("上传批量填报表(XLSX)"),
        description=_("每行新建或修改一份报告；任何一行有错时全部不保存，错误按行列列在 error.rows。"),
        request={"multipart/form-data": s.SheetUploadSerializer},
        responses=s.SheetSavedSerializer,
    )
    @action(detail=False, methods=["post"], url_path="xlsx-upload", parser_classes=[MultiPartParser])
    def xlsx_upload(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": [gettext("请选择要上传的 XLSX 文件。")]})
        submit = str(request.data.get("submit", "")).lower() in {"1", "true", "yes", "on"}
        try:
            saved = xlsx.progress_xlsx_import(file=upload, actor=request.user, submit=submit)
        except xlsx.XlsxRowErrors as exc:
            raise SheetRejected(exc.errors) from None
        return Response({"saved": [r.pk for r in saved]})


class ProjectHistoryView(generics.GenericAPIView):
    """/api/v1/projects/<pk>/history/: beside the project endpoints in the URLs, here because a project's
    history (its reports, milestones and, registered from investment, its figures) is this workflow's read."""

    permission_classes = [CanSeeProgress]
    filter_backends = []

    def get_queryset(self):
        return project_selectors.visible_projects(self.request.user)

    @extend_schema(
        operation_id="projects_history_retrieve",
        summary=_("项目变更记录"),
        description=_("项目本身、节点、月度进度和数据的每次修改：谁、何时、哪个字段从什么改为什么，最新在前。"),
        responses=s.HistoryEntrySerializer(many=True),
    )
    def get(self, request, pk=None):
        return history_response(self, selectors.project_history(self.get_object()))
