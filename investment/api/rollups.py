"""Roll-up endpoints: rows against targets, 三个一批 rates, the 四库 pipeline, signals and rankings (read-only)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from shangdang_portal.serializers import RefSerializer
from shangdang_portal.viewsets import PortalReadOnlyViewSet

from ..filtersets import (
    BatchRateFilterSet,
    PipelinePoolFilterSet,
    ProjectSignalFilterSet,
    RankingFilterSet,
    RollupFilterSet,
)
from ..models import BatchRate, PipelinePool, ProjectSignal, Ranking, RankingEntry, Rollup
from ..rollups import selectors
from ..rollups.rankings import peer_label
from .serializers import IndicatorRefSerializer


def _scope_name(row) -> str:
    scope = row.region or row.park
    return scope.name if scope else ""


class FigureRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    value = serializers.DecimalField(max_digits=24, decimal_places=4, read_only=True)
    value_printed = serializers.CharField(read_only=True)
    unit_printed = serializers.CharField(read_only=True)
    period_end = serializers.DateField(read_only=True, allow_null=True)
    source_report_id = serializers.IntegerField(read_only=True)


class RollupSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign_year.year", read_only=True)
    indicator = IndicatorRefSerializer(read_only=True)
    region = RefSerializer(read_only=True, allow_null=True)
    park = RefSerializer(read_only=True, allow_null=True)
    figure = FigureRefSerializer(read_only=True, allow_null=True, help_text=_("实际值所依据的报道数据"))

    class Meta:
        model = Rollup
        fields = [
            "id",
            "year",
            "as_of",
            "scope_kind",
            "region",
            "park",
            "indicator",
            "measure",
            "source",
            "unit",
            "target",
            "target_basis",
            "target_ref",
            "actual",
            "figure",
            "project_count",
            "completion_rate",
            "elapsed_rate",
            "gap_points",
            "gap_amount",
            "computed_at",
        ]


class BatchRateSerializer(serializers.ModelSerializer):
    batch = RefSerializer(read_only=True)
    reported_figure = FigureRefSerializer(read_only=True, allow_null=True, help_text=_("报道中的比率"))
    numerator_project_ids = serializers.SerializerMethodField(help_text=_("分子项目 id；不含调用者无权查看的项目"))
    denominator_project_ids = serializers.SerializerMethodField(help_text=_("分母项目 id；不含调用者无权查看的项目"))

    class Meta:
        model = BatchRate
        fields = [
            "id",
            "batch",
            "as_of",
            "kind",
            "formula",
            "numerator",
            "denominator",
            "rate",
            "numerator_project_ids",
            "denominator_project_ids",
            "reported_figure",
            "computed_at",
        ]

    def _visible(self, ids: list[int]) -> list[int]:
        # Without the viewset's context nobody was asked who reads: show only what anyone may see.
        hidden = self.context.get("hidden_project_ids")
        if hidden is None:
            hidden = selectors.hidden_project_ids(None)
            self.context["hidden_project_ids"] = hidden
        return [pk for pk in ids if pk not in hidden]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_numerator_project_ids(self, rate) -> list[int]:
        return self._visible(rate.numerator_project_ids)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_denominator_project_ids(self, rate) -> list[int]:
        return self._visible(rate.denominator_project_ids)


class PipelinePoolSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign_year.year", read_only=True)
    region = RefSerializer(read_only=True, allow_null=True)
    park = RefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = PipelinePool
        fields = [
            "id",
            "year",
            "as_of",
            "scope_kind",
            "region",
            "park",
            "pool",
            "project_count",
            "total_investment",
            "moved_in",
            "moved_out",
        ]


class ProjectSignalSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign_year.year", read_only=True)
    project = RefSerializer(read_only=True)

    class Meta:
        model = ProjectSignal
        fields = [
            "id",
            "project",
            "year",
            "as_of",
            "signal",
            "rule",
            "reason",
            "planned_investment",
            "actual",
            "completion_rate",
            "elapsed_rate",
            "gap_points",
            "planned_start",
            "started_on",
        ]


class RankingEntrySerializer(serializers.ModelSerializer):
    region = RefSerializer(read_only=True, allow_null=True)
    park = RefSerializer(read_only=True, allow_null=True)
    peer_group = serializers.SerializerMethodField(help_text=_("名次所在的同级范围：只与同一上级下的同级比较"))

    class Meta:
        model = RankingEntry
        fields = ["rank", "peer_group", "region", "park", "target", "actual", "completion_rate"]

    def get_peer_group(self, entry) -> str:
        return peer_label(entry.region or entry.park)


class RankingSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign_year.year", read_only=True)
    indicator = IndicatorRefSerializer(read_only=True)
    entries = RankingEntrySerializer(many=True, read_only=True)

    class Meta:
        model = Ranking
        fields = ["id", "year", "indicator", "source", "scope_kind", "period", "as_of", "frozen_at", "entries"]


@extend_schema_view(
    list=extend_schema(
        summary=_("汇总列表"),
        description=_(
            "每个范围(区域或园区，含下级)每个指标在截至日期的实际值、目标、完成率、序时进度和差距。"
            "不同来源(审核通过的月度进度、项目节点、报道数据)分行列出，从不混合。"
            "汇总值和项目数计入全部项目(含未公开项目)：汇总数据是公开的，不列出单个项目。"
        ),
    ),
    retrieve=extend_schema(summary=_("汇总详情")),
)
class RollupViewSet(PortalReadOnlyViewSet):
    serializer_class = RollupSerializer
    filterset_class = RollupFilterSet
    export_filename = "rollups"
    export_columns = [
        (_("年度"), "campaign_year.year"),
        (_("截至日期"), "as_of"),
        (_("范围"), _scope_name),
        (_("指标"), "indicator.name_zh"),
        (_("口径"), "get_measure_display"),
        (_("数据来源"), "get_source_display"),
        (_("单位"), "unit"),
        (_("目标值"), "target"),
        (_("实际值"), "actual"),
        (_("完成率(%)"), "completion_rate"),
        (_("序时进度(%)"), "elapsed_rate"),
        (_("差距(百分点)"), "gap_points"),
        (_("差距(数值)"), "gap_amount"),
    ]

    def get_queryset(self):
        return selectors.rollup_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary=_("三个一批比率"),
        description=_(
            "分子、分母和比率计入全部项目；numerator_project_ids/denominator_project_ids 只列出调用者有权查看的项目。"
        ),
    ),
    retrieve=extend_schema(summary=_("三个一批比率详情")),
)
class BatchRateViewSet(PortalReadOnlyViewSet):
    serializer_class = BatchRateSerializer
    filterset_class = BatchRateFilterSet
    export_filename = "batch-rates"
    export_columns = [
        (_("三个一批批次"), "batch.name"),
        (_("截至日期"), "as_of"),
        (_("比率"), "get_kind_display"),
        (_("分子"), "numerator"),
        (_("分母"), "denominator"),
        (_("比率(%)"), "rate"),
        (_("报道比率(%)"), lambda r: r.reported_figure.value if r.reported_figure else None),
    ]

    def get_queryset(self):
        return selectors.batch_rate_list(user=self.request.user)

    def get_serializer_context(self):
        return super().get_serializer_context() | {
            "hidden_project_ids": selectors.hidden_project_ids(self.request.user)
        }


@extend_schema_view(
    list=extend_schema(
        summary=_("四库汇总"),
        description=_(
            "每个范围每个库的项目数、总投资(万元)和本年转入转出。计入全部项目(含未公开项目)："
            "汇总数据是公开的，不列出单个项目。"
        ),
    ),
    retrieve=extend_schema(summary=_("四库汇总详情")),
)
class PipelineViewSet(PortalReadOnlyViewSet):
    serializer_class = PipelinePoolSerializer
    filterset_class = PipelinePoolFilterSet
    export_filename = "pipeline"
    export_columns = [
        (_("截至日期"), "as_of"),
        (_("范围"), _scope_name),
        (_("四库"), "get_pool_display"),
        (_("项目数"), "project_count"),
        (_("总投资(万元)"), "total_investment"),
        (_("本年转入"), "moved_in"),
        (_("本年转出"), "moved_out"),
    ]

    def get_queryset(self):
        return selectors.pipeline_list(user=self.request.user)


@extend_schema_view(list=extend_schema(summary=_("项目亮灯")), retrieve=extend_schema(summary=_("项目亮灯详情")))
class ProjectSignalViewSet(PortalReadOnlyViewSet):
    serializer_class = ProjectSignalSerializer
    filterset_class = ProjectSignalFilterSet
    export_filename = "signals"
    export_columns = [
        (_("项目"), "project.name"),
        (_("截至日期"), "as_of"),
        (_("亮灯"), "get_signal_display"),
        (_("说明"), "reason"),
        (_("完成率(%)"), "completion_rate"),
        (_("序时进度(%)"), "elapsed_rate"),
        (_("差距(百分点)"), "gap_points"),
    ]

    def get_queryset(self):
        return selectors.project_signal_list(user=self.request.user)


@extend_schema_view(list=extend_schema(summary=_("晾晒比拼")), retrieve=extend_schema(summary=_("晾晒比拼详情")))
class RankingViewSet(PortalReadOnlyViewSet):
    serializer_class = RankingSerializer
    filterset_class = RankingFilterSet
    export_filename = "rankings"
    export_columns = [
        (_("月份"), "period"),
        (_("指标"), "indicator.name_zh"),
        (_("范围"), "get_scope_kind_display"),
        (_("发布时间"), "frozen_at"),
    ]

    def get_queryset(self):
        return selectors.ranking_list(user=self.request.user)

    @extend_schema(
        summary=_("已发布排名与当前排名对照"),
        responses=inline_serializer(
            "RankingCompare",
            {
                "frozen_at": serializers.DateTimeField(allow_null=True),
                "as_of": serializers.DateField(),
                "frozen": serializers.ListField(child=serializers.DictField()),
                "current_as_of": serializers.DateField(allow_null=True),
                "current": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        ranking = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(selectors.ranking_compare(ranking=ranking))
