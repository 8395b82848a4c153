"""Filters for reports, indicators, figures, targets, campaign years, annual plans and the roll-ups, shared by
pages and API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from parks.models import Park, Region
from projects.filtersets import ProjectPlaceFilterSet, company_filter, project_filter
from projects.models import Batch, Pool, Signal
from shangdang_portal.filtering import ChoicesFilter, PortalFilterSet, StableOrderingFilter, text_search

from .models import (
    AnnualPlan,
    BatchRate,
    CampaignYear,
    Figure,
    FigureCandidate,
    Indicator,
    Measure,
    PipelinePool,
    ProjectSignal,
    Ranking,
    Rollup,
    RollupScope,
    RollupSource,
    ScopeKind,
    SourceReport,
    Target,
)


class SourceReportFilterSet(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"), help_text=_("标题或发布者中包含的文字"))
    published_after = django_filters.DateFilter(field_name="published_on", lookup_expr="gte", label=_("发布日期起"))
    published_before = django_filters.DateFilter(field_name="published_on", lookup_expr="lte", label=_("发布日期止"))
    ordering = StableOrderingFilter(
        fields=(("published_on", "published_on"), ("title", "title")), default=("-published_on", "file_name")
    )

    class Meta:
        model = SourceReport
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(text_search(value, ["title", "publisher"])) if value.strip() else queryset


class IndicatorFilterSet(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    nature = ChoicesFilter(choices=Indicator.Nature.choices, label=_("性质"))
    unit = django_filters.CharFilter(label=_("单位"))
    ordering = StableOrderingFilter(fields=(("code", "code"), ("name_zh", "name_zh")), default=("code",))

    class Meta:
        model = Indicator
        fields = ["q", "nature", "unit"]

    def search(self, queryset, name, value):
        return queryset.filter(text_search(value, ["code", "name_zh", "name_en"])) if value.strip() else queryset


class FigureFilterSet(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"), help_text=_("事项或原文中包含的文字"))
    source_report = django_filters.ModelChoiceFilter(queryset=SourceReport.objects.all(), label=_("来源报道"))
    indicator = django_filters.CharFilter(
        field_name="indicator__code", label=_("指标"), help_text=_("指标代码，例如 fixed_asset_investment")
    )
    scope = ChoicesFilter(field_name="scope_kind", choices=ScopeKind.choices, label=_("范围"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("区域"))
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all(), label=_("园区"))
    project = project_filter()
    company = company_filter()
    kind = ChoicesFilter(choices=Figure.Kind.choices, label=_("类型"))
    measure = ChoicesFilter(choices=Measure.choices, label=_("口径"))
    unit = django_filters.CharFilter(label=_("标准化单位"), help_text=_("例如 万元、%、个"))
    period = django_filters.CharFilter(field_name="period_label", label=_("期间"), help_text=_("原文期间，例如 2024年"))
    period_after = django_filters.DateFilter(field_name="period_end", lookup_expr="gte", label=_("期间结束不早于"))
    period_before = django_filters.DateFilter(field_name="period_end", lookup_expr="lte", label=_("期间结束不晚于"))
    ordering = StableOrderingFilter(
        fields=(
            ("period_end", "period_end"),
            ("value", "value"),
            ("source_report", "source_report"),
            ("quote_offset", "quote_offset"),
        ),
        default=("source_report", "quote_offset"),
    )

    class Meta:
        model = Figure
        fields = ["q", "source_report", "indicator", "kind", "unit"]

    def search(self, queryset, name, value):
        return queryset.filter(text_search(value, ["subject", "quote"])) if value.strip() else queryset


class TargetFilterSet(PortalFilterSet):
    year = django_filters.NumberFilter(field_name="campaign_year__year", label=_("年度"))
    indicator = django_filters.CharFilter(field_name="indicator__code", label=_("指标"), help_text=_("指标代码"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("区域"))
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all(), label=_("园区"))
    measure = ChoicesFilter(choices=Measure.choices, label=_("口径"))
    ordering = StableOrderingFilter(
        fields=(("campaign_year__year", "year"), ("indicator__code", "indicator")),
        default=("-campaign_year__year", "indicator__code"),
    )

    class Meta:
        model = Target
        fields = ["year", "indicator", "region", "park", "measure"]


class CampaignYearFilterSet(PortalFilterSet):
    year = django_filters.NumberFilter(label=_("年度"))
    ordering = StableOrderingFilter(fields=(("year", "year"),), default=("-year",))

    class Meta:
        model = CampaignYear
        fields = ["year"]


class AnnualPlanFilterSet(ProjectPlaceFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"), help_text=_("项目名称或别名中包含的文字"))
    year = django_filters.NumberFilter(field_name="campaign_year__year", label=_("年度"))
    project = project_filter(help_text=_("项目 id"))
    ordering = StableOrderingFilter(
        fields=(("campaign_year__year", "year"), ("project__name", "project"), ("planned_investment", "planned")),
        default=("-campaign_year__year", "project__name"),
    )

    class Meta:
        model = AnnualPlan
        fields = ["q", "year", "project", "region", "park"]

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(text_search(value, ["project__name"], ["project__aliases"]))


ROLLUP_SCOPES = RollupScope.choices


class RollupFilterSet(PortalFilterSet):
    year = django_filters.NumberFilter(field_name="campaign_year__year", label=_("年度"))
    scope_kind = django_filters.ChoiceFilter(choices=ROLLUP_SCOPES, label=_("范围"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("区域"))
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all(), label=_("园区"))
    indicator = django_filters.CharFilter(field_name="indicator__code", label=_("指标"), help_text=_("指标代码"))
    measure = ChoicesFilter(choices=Measure.choices, label=_("口径"))
    source = ChoicesFilter(choices=RollupSource.choices, label=_("数据来源"))
    as_of = django_filters.DateFilter(label=_("截至日期"))
    ordering = StableOrderingFilter(
        fields=(("as_of", "as_of"), ("completion_rate", "completion_rate"), ("gap_points", "gap_points")),
        default=("-as_of", "indicator__code", "scope_kind", "region__name", "park__name", "source"),
    )

    class Meta:
        model = Rollup
        fields = ["year", "scope_kind", "region", "park", "indicator", "measure", "source", "as_of"]


class BatchRateFilterSet(PortalFilterSet):
    # A rate belongs to the year of its as-of date (a batch's rates are recomputed in every year's roll-up).
    year = django_filters.NumberFilter(field_name="as_of__year", label=_("年度"))
    batch = django_filters.ModelChoiceFilter(queryset=Batch.objects.all(), label=_("三个一批批次"))
    kind = django_filters.ChoiceFilter(choices=BatchRate.Kind.choices, label=_("比率"))
    as_of = django_filters.DateFilter(label=_("截至日期"))
    ordering = StableOrderingFilter(fields=(("as_of", "as_of"),), default=("-as_of", "batch__name", "kind"))

    class Meta:
        model = BatchRate
        fields = ["year", "batch", "kind", "as_of"]


class PipelinePoolFilterSet(PortalFilterSet):
    year = django_filters.NumberFilter(field_name="campaign_year__year", label=_("年度"))
    scope_kind = django_filters.ChoiceFilter(choices=ROLLUP_SCOPES, label=_("范围"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("区域"))
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all(), label=_("园区"))
    pool = django_filters.ChoiceFilter(choices=Pool.choices, label=_("四库"))
    as_of = django_filters.DateFilter(label=_("截至日期"))
    ordering = StableOrderingFilter(
        fields=(("as_of", "as_of"),), default=("-as_of", "scope_kind", "region__name", "park__name", "pool")
    )

    class Meta:
        model = PipelinePool
        fields = ["year", "scope_kind", "region", "park", "pool", "as_of"]


class ProjectSignalFilterSet(PortalFilterSet):
    year = django_filters.NumberFilter(field_name="campaign_year__year", label=_("年度"))
    project = project_filter()
    signal = ChoicesFilter(choices=Signal.choices, label=_("亮灯"))
    rule = ChoicesFilter(choices=ProjectSignal.Rule.choices, label=_("规则"))
    as_of = django_filters.DateFilter(label=_("截至日期"))
    ordering = StableOrderingFilter(
        fields=(("as_of", "as_of"), ("gap_points", "gap_points")), default=("-as_of", "project__name")
    )

    class Meta:
        model = ProjectSignal
        fields = ["year", "project", "signal", "rule", "as_of"]


class RankingFilterSet(PortalFilterSet):
    year = django_filters.NumberFilter(field_name="campaign_year__year", label=_("年度"))
    indicator = django_filters.CharFilter(field_name="indicator__code", label=_("指标"), help_text=_("指标代码"))
    scope_kind = django_filters.ChoiceFilter(choices=ROLLUP_SCOPES, label=_("范围"))
    period = django_filters.DateFilter(label=_("月份"))
    ordering = StableOrderingFilter(fields=(("period", "period"),), default=("-period", "scope_kind"))

    class Meta:
        model = Ranking
        fields = ["year", "indicator", "scope_kind", "period"]


class FigureCandidateFilterSet(PortalFilterSet):
    source_report = django_filters.ModelChoiceFilter(queryset=SourceReport.objects.all(), label=_("来源报道"))
    status = ChoicesFilter(choices=FigureCandidate.Status.choices, label=_("状态"))
    min_confidence = django_filters.NumberFilter(field_name="confidence", lookup_expr="gte", label=_("置信度不低于"))

    class Meta:
        model = FigureCandidate
        fields = ["source_report", "status"]
