"""SourceReport, indicator, figure, target and campaign-year endpoints (read-only; figures come from the importer)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view

from shangdang_portal.pagination import KeysFirstPagination
from shangdang_portal.viewsets import PortalReadOnlyViewSet

from ..campaigns import selectors as campaign_selectors
from ..filtersets import (
    FigureFilterSet,
    IndicatorFilterSet,
    SourceReportFilterSet,
)
from ..sources import selectors as source_selectors
from .intake import ReadOrAddReport, SourceReportCreateMixin
from .serializers import (
    FigureSerializer,
    IndicatorSerializer,
    ReportDetailSerializer,
    SourceReportSerializer,
)


def _scope_name(figure):
    if hasattr(figure, "scope_name"):  # figure_rows: looked up with the row
        return figure.scope_name or ""
    scope = figure.scope
    return scope.name if scope else ""


@extend_schema_view(
    list=extend_schema(summary=_("来源报道列表"), description=_("匿名用户只能看到已发布的报道。列表不含全文。")),
    retrieve=extend_schema(summary=_("来源报道详情(含全文)")),
)
class SourceReportViewSet(SourceReportCreateMixin, PortalReadOnlyViewSet):
    filterset_class = SourceReportFilterSet
    permission_classes = [ReadOrAddReport]
    export_filename = "source-reports"
    export_columns = [
        (_("编号"), "pk"),
        (_("标题"), "title"),
        (_("发布者"), "publisher"),
        (_("发布日期"), "published_on"),
        (_("内容范围"), "covers"),
    ]

    def get_queryset(self):
        return source_selectors.report_list(user=self.request.user)

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else SourceReportSerializer

    def get_object(self):
        obj = super().get_object()
        obj.refresh_from_db(fields=["text"])
        return obj


@extend_schema_view(list=extend_schema(summary=_("指标列表")), retrieve=extend_schema(summary=_("指标详情")))
class IndicatorViewSet(PortalReadOnlyViewSet):
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilterSet
    export_filename = "indicators"
    export_columns = [
        (_("代码"), "code"),
        (_("中文名称"), "name_zh"),
        (_("英文名称"), "name_en"),
        (_("单位"), "unit"),
        (_("性质"), "get_nature_display"),
    ]

    def get_queryset(self):
        return campaign_selectors.indicator_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary=_("数据列表"),
        description=_(
            "报道中的每个数字：原文数值、标准化数值(金额为万元)和原文引句。匿名用户只能看到已发布报道的数据。"
        ),
    ),
    retrieve=extend_schema(summary=_("数据详情")),
)
class FigureViewSet(PortalReadOnlyViewSet):
    serializer_class = FigureSerializer
    filterset_class = FigureFilterSet
    export_filename = "figures"
    export_columns = [
        (_("编号"), "pk"),
        (_("来源报道"), "source_report.title"),
        (_("指标"), "indicator.name_zh"),
        (_("事项"), "subject"),
        (_("范围"), "get_scope_kind_display"),
        (_("对象"), _scope_name),
        (_("期间"), "period_label"),
        (_("原文数值"), "value_printed"),
        (_("原文单位"), "unit_printed"),
        (_("标准化数值"), "value"),
        (_("标准化单位"), "unit"),
        (_("类型"), "get_kind_display"),
        (_("原文"), "quote"),
    ]

    pagination_class = KeysFirstPagination

    def get_queryset(self):
        return source_selectors.figure_rows(user=self.request.user)

    def page_rows(self, keys: list[int]) -> list[dict]:
        # A list page is read by its keys (the filters and the order picked them); an export or one figure
        # reads figure_rows itself.
        return source_selectors.figure_page_rows(keys)
