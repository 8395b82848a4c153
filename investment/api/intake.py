"""A new source report over the API, and the review of its candidate figures: officials and admins create a
report (a file upload or the text), list its candidates, and accept, reject or mark one as a restatement.

A review changes a candidate row that has no version column: its ETag is a hash of the reviewed fields
(shangdang_portal.row_versions). Each review must send it in If-Match; none answers 428, a stale one 412.
"""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from shangdang_portal.permissions import ReadOnlyOrAdmin, can_review_figures
from shangdang_portal.row_versions import StaleRow, row_version
from shangdang_portal.viewsets import ROW_IF_MATCH, ETagMixin, PortalReadOnlyViewSet

from ..filtersets import FigureCandidateFilterSet
from ..models import Comparator, Figure, FigureCandidate, Indicator, Measure, ScopeKind
from ..sources import selectors, services
from ..sources.intake import MAX_REPORT_BYTES, MAX_REPORT_CHARS, ReadReport, read_report_file
from .serializers import FigureSerializer, ReportDetailSerializer


class IsFigureReviewer(permissions.BasePermission):
    """Officials and admins, for reads and writes alike: candidates are not published figures."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated) and can_review_figures(request.user)


class ReadOrAddReport(ReadOnlyOrAdmin):
    """Anyone reads source reports (what the selector shows); officials and admins add one; nobody but an
    admin gets past the permission for any other write (and then finds no such method)."""

    def has_permission(self, request, view):
        if request.method == "POST":
            return bool(request.user and request.user.is_authenticated) and can_review_figures(request.user)
        return super().has_permission(request, view)


class ReportAlreadyStored(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "already_stored"

    def __init__(self, duplicate: services.DuplicateReport, request):
        report = duplicate.report
        super().__init__(duplicate.messages[0], self.default_code)
        self.extra = {
            "existing_report": {
                "id": report.pk,
                "title": report.title,
                "url": request.build_absolute_uri(reverse("api:source-report-detail", args=[report.pk])),
                "page": request.build_absolute_uri(reverse("sources:detail", args=[report.pk])),
            }
        }


# --- a new source report ----------------------------------------------------------------------------------


class SourceReportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        required=False,
        help_text=_("报道文件：.txt(UTF-8)、.docx、带文字层的 .pdf 或 .html；与 text 二选一"),
        error_messages={"empty": _("文件是空的。")},
    )
    text = serializers.CharField(
        required=False, trim_whitespace=False, max_length=MAX_REPORT_CHARS, help_text=_("报道全文；与 file 二选一")
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    published_on = serializers.DateField(required=False, allow_null=True)
    source_url = serializers.URLField(required=False, allow_blank=True, max_length=500)

    def validate(self, data):
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if upload and text:
            raise serializers.ValidationError({"text": [gettext("请上传文件或粘贴全文，不要两者都填。")]})
        if not upload and not text:
            raise serializers.ValidationError({"file": [gettext("请上传文件或粘贴全文。")]})
        if upload and upload.size > MAX_REPORT_BYTES:
            raise serializers.ValidationError(
                {"file": [gettext("文件超过 %(mb)s MB。") % {"mb": MAX_REPORT_BYTES // 2**20}]}
            )
        data["read"] = read_report_file(upload.read(), upload.name) if upload else ReadReport(text=text)
        return data


class SourceReportCreatedSerializer(ReportDetailSerializer):
    candidate_count = serializers.SerializerMethodField(help_text=_("找到的候选数据个数"))

    class Meta(ReportDetailSerializer.Meta):
        fields = [*ReportDetailSerializer.Meta.fields, "candidate_count"]

    def get_candidate_count(self, report) -> int:
        return report.candidates.count()


class SourceReportCreateMixin:
    """POST /api/v1/source-reports/: mixed into the source-report viewset."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary=_("添加来源报道"),
        description=_(
            "上传文件(multipart)或提交全文(JSON)；全文按原样存储，并找出候选数据供审核。"
            "全文已存储过时返回 409 和已存储的报道。仅限领导和管理员。"
        ),
        request={
            "multipart/form-data": SourceReportCreateSerializer,
            "application/json": SourceReportCreateSerializer,
        },
        responses={
            201: SourceReportCreatedSerializer,
            409: OpenApiResponse(description=_("全文已存储过：error.existing_report 指向它")),
        },
    )
    def create(self, request, *args, **kwargs):
        data = SourceReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values, read = data.validated_data, data.validated_data["read"]
        upload = values.get("file")
        try:
            report = services.report_ingest(
                text=read.text,
                title=values.get("title") or read.title,
                publisher=values.get("publisher") or read.publisher,
                published_on=values.get("published_on") or read.published_on,
                source_url=values.get("source_url") or "",
                file_name=upload.name if upload else "",
                text_field="file" if upload else "text",
                actor=request.user,
            )
        except services.DuplicateReport as duplicate:
            raise ReportAlreadyStored(duplicate, request) from None
        return Response(SourceReportCreatedSerializer(report).data, status=status.HTTP_201_CREATED)


# --- candidates -------------------------------------------------------------------------------------------


class ScopeProposalSerializer(serializers.Serializer):
    kind = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    id = serializers.IntegerField(allow_null=True, help_text=_("登记中的编号；空表示提议新建"))


class FigureCandidateSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    scope = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField(help_text=_("该记录的 ETag(不含引号)"))

    class Meta:
        model = FigureCandidate
        fields = [
            "id",
            "source_report",
            "value",
            "unit",
            "value_printed",
            "unit_printed",
            "quote",
            "quote_offset",
            "kind",
            "period_label",
            "period_start",
            "period_end",
            "scope",
            "indicator",
            "comparator",
            "confidence",
            "status",
            "reject_reason",
            "figure",
            "restates",
            "reviewed_at",
            "version",
        ]

    @extend_schema_field(ScopeProposalSerializer(allow_null=True))
    def get_scope(self, candidate):
        if not candidate.scope_kind:
            return None
        return {"kind": candidate.scope_kind, "name": candidate.scope_name, "id": candidate.scope_id}

    def get_version(self, candidate) -> str:
        return row_version(candidate, services.CANDIDATE_VERSION_FIELDS)


class CandidateAcceptSerializer(serializers.Serializer):
    """The figure as the reviewer decided it; a field left out keeps what the candidate proposed."""

    value = serializers.DecimalField(max_digits=24, decimal_places=4, required=False)
    unit = serializers.CharField(max_length=20, allow_blank=True, required=False)
    kind = serializers.ChoiceField(choices=Figure.Kind.choices, required=False)
    measure = serializers.ChoiceField(choices=Measure.choices, required=False)
    comparator = serializers.ChoiceField(choices=Comparator.choices, allow_blank=True, required=False)
    period_label = serializers.CharField(max_length=30, allow_blank=True, required=False)
    period_start = serializers.DateField(allow_null=True, required=False)
    period_end = serializers.DateField(allow_null=True, required=False)
    scope_kind = serializers.ChoiceField(choices=ScopeKind.choices, required=False)
    scope_name = serializers.CharField(max_length=150, required=False, help_text=_("登记中的名称或别名"))
    create_scope = serializers.BooleanField(
        required=False, default=False, help_text=_("登记中没有该名称时新建(区域、园区、项目或企业)")
    )
    indicator = serializers.SlugRelatedField(
        slug_field="code", queryset=Indicator.objects.all(), allow_null=True, required=False, help_text=_("指标代码")
    )
    subject = serializers.CharField(max_length=200, allow_blank=True, required=False)


class CandidateRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("驳回理由"))


class CandidateRestateSerializer(CandidateAcceptSerializer):
    restates = serializers.PrimaryKeyRelatedField(
        queryset=Figure.objects.all(), help_text=_("另一篇报道中已存储的同一数据(编号)")
    )


def _review(values: dict) -> services.Review:
    values = dict(values)
    values.pop("restates", None)
    create = values.pop("create_scope", False)
    # Review.of treats None as "not given": an explicit null indicator or date must still clear the field.
    review = services.Review.of(create_scope=create, **{k: v for k, v in values.items() if v is not None})
    review.given |= {k for k, v in values.items() if v is None}
    return review


@extend_schema_view(
    list=extend_schema(summary=_("候选数据列表"), description=_("按 source_report 和 status 筛选；仅限领导和管理员。")),
    retrieve=extend_schema(summary=_("候选数据详情"), description=_("ETag 为该记录字段的哈希。")),
)
class FigureCandidateViewSet(ETagMixin, PortalReadOnlyViewSet):
    serializer_class = FigureCandidateSerializer
    filterset_class = FigureCandidateFilterSet
    permission_classes = [IsFigureReviewer]
    conflict_error = StaleRow
    etag_fields = services.CANDIDATE_VERSION_FIELDS
    export_filename = "figure-candidates"
    export_columns = [
        (_("编号"), "pk"),
        (_("来源报道"), "source_report_id"),
        (_("原文数值"), "value_printed"),
        (_("原文单位"), "unit_printed"),
        (_("类型"), "get_kind_display"),
        (_("状态"), "get_status_display"),
        (_("置信度"), "confidence"),
        (_("原文"), "quote"),
    ]

    def get_queryset(self):
        return selectors.candidate_list(user=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        candidate = self.get_object()
        return self.with_etag(Response(self.get_serializer(candidate).data), candidate)

    def _decided(self, candidate, figure=None) -> Response:
        fresh = self.get_queryset().get(pk=candidate.pk)
        body = {"candidate": FigureCandidateSerializer(fresh).data}
        if figure is not None:
            body["figure"] = FigureSerializer(figure).data
        return self.with_etag(Response(body), fresh)

    def _write(self, request, call):
        candidate = self.get_object()
        version, via_header = self.required_version(request)
        result = self.versioned_write(lambda v: call(candidate, v), expected=version, via_header=via_header)
        return self._decided(candidate, result if isinstance(result, Figure) else None)

    @extend_schema(
        summary=_("采纳候选数据"),
        description=_("候选数据成为数据(可修改各字段)；原文须在其位置，范围须唯一。"),
        request=CandidateAcceptSerializer,
        parameters=[ROW_IF_MATCH],
        responses={200: OpenApiResponse(description=_("{candidate, figure}"))},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        data = CandidateAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = _review(data.validated_data)
        return self._write(
            request,
            lambda c, v: services.candidate_accept(candidate=c, review=review, actor=request.user, version=v),
        )

    @extend_schema(
        summary=_("驳回候选数据"),
        request=CandidateRejectSerializer,
        parameters=[ROW_IF_MATCH],
        responses={200: OpenApiResponse(description=_("{candidate}"))},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = CandidateRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data["reason"]
        return self._write(
            request,
            lambda c, v: services.candidate_reject(candidate=c, reason=reason, actor=request.user, version=v),
        )

    @extend_schema(
        summary=_("标记为复述"),
        description=_("与另一篇报道中已存储的数据相同：两者都保留并关联。"),
        request=CandidateRestateSerializer,
        parameters=[ROW_IF_MATCH],
        responses={200: OpenApiResponse(description=_("{candidate, figure}"))},
    )
    @action(detail=True, methods=["post"])
    def restatement(self, request, pk=None):
        data = CandidateRestateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        restates, review = data.validated_data["restates"], _review(data.validated_data)
        return self._write(
            request,
            lambda c, v: services.candidate_mark_restatement(
                candidate=c, restates=restates, review=review, actor=request.user, version=v
            ),
        )
