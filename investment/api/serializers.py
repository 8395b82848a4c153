"""Read serializers for reports, indicators, figures (with their quotes), targets and campaign years."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from shangdang_portal.serializers import FieldsOnce, RefSerializer

from ..models import CampaignYear, Figure, Indicator, SourceReport, Target


class SourceReportSerializer(serializers.ModelSerializer):
    # A URL, or empty when the report came without one: documented as a plain string so "" is valid.
    source_url = serializers.CharField(read_only=True, help_text=_("来源地址(网址)，没有时为空。"))

    class Meta:
        model = SourceReport
        fields = ["id", "file_name", "title", "publisher", "published_on", "published_label", "covers", "source_url"]


class ReportDetailSerializer(SourceReportSerializer):
    class Meta(SourceReportSerializer.Meta):
        fields = [*SourceReportSerializer.Meta.fields, "text", "sha256"]


class IndicatorSerializer(serializers.ModelSerializer):
    nature_display = serializers.CharField(source="get_nature_display", read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "code", "name_zh", "name_en", "unit", "nature", "nature_display"]


class IndicatorRefSerializer(FieldsOnce, serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name_zh = serializers.CharField(read_only=True)


class SourceReportRefSerializer(FieldsOnce, serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    published_on = serializers.DateField(read_only=True, allow_null=True)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "数据",
            response_only=True,
            value={
                "id": 10,
                "source_report": {"id": 1, "title": "上党区重大项目建设综述", "published_on": "2024-07-02"},
                "indicator": {"code": "fixed_asset_investment", "name_zh": "固定资产投资"},
                "scope_kind": "region",
                "scope": {"id": 2, "name": "上党区"},
                "period_label": "1-6月",
                "value_printed": "45.6",
                "unit_printed": "亿元",
                "value": "456000.0000",
                "unit": "万元",
                "kind": "actual",
                "measure": "level",
                "quote": "全区固定资产投资完成45.6亿元",
            },
        )
    ]
)
class FigureSerializer(FieldsOnce, serializers.ModelSerializer):
    source_report = SourceReportRefSerializer(read_only=True, help_text=_("来源报道"))
    indicator = IndicatorRefSerializer(read_only=True, allow_null=True)
    scope = serializers.SerializerMethodField(help_text=_("该数据所属的区域、园区、项目或企业"))
    value = serializers.DecimalField(
        max_digits=24, decimal_places=4, read_only=True, help_text=_("标准化数值；金额单位为万元")
    )
    # The id as the row holds it: a figure row read as values (figure_page_rows) has no related object.
    restates = serializers.IntegerField(
        source="restates_id", read_only=True, allow_null=True, help_text=_("复述：另一篇报道中的同一数据(编号)")
    )

    class Meta:
        model = Figure
        fields = [
            "id",
            "source_report",
            "indicator",
            "subject",
            "scope_kind",
            "scope",
            "period_label",
            "period_start",
            "period_end",
            "value_printed",
            "unit_printed",
            "value",
            "unit",
            "kind",
            "measure",
            "comparator",
            "quote",
            "quote_offset",
            "note",
            "restates",
            "is_synthetic",
        ]

    @extend_schema_field(RefSerializer)
    def get_scope(self, figure):
        if isinstance(figure, Mapping):  # figure_page_rows
            pk = figure.get(f"{figure['scope_kind']}_id")
            return {"id": pk, "name": figure["scope_name"]} if pk is not None else None
        if hasattr(figure, "scope_name"):  # figure_rows: the name was looked up with the row
            pk = getattr(figure, f"{figure.scope_kind}_id", None)
            return {"id": pk, "name": figure.scope_name} if pk is not None else None
        scope = figure.scope
        return {"id": scope.pk, "name": scope.name} if scope else None


class CampaignYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignYear
        fields = ["id", "year", "name", "yellow_lag_points", "red_lag_points", "red_not_started_months"]


class TargetSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign_year.year", read_only=True)
    indicator = IndicatorRefSerializer(read_only=True)
    region = RefSerializer(read_only=True, allow_null=True)
    park = RefSerializer(read_only=True, allow_null=True)
    source_figure = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("目标出处的数据 id")
    )

    class Meta:
        model = Target
        fields = [
            "id",
            "year",
            "indicator",
            "region",
            "park",
            "measure",
            "value",
            "unit",
            "comparator",
            "source_figure",
        ]
