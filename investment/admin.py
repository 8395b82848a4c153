"""Back office for reports, indicators, figures, targets and campaign years; provenance is read-only."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from projects.admin import MilestoneInline, ProjectAdmin

from .campaigns.services import campaign_year_save, target_delete, target_save
from .models import CampaignYear, Figure, Indicator, MilestoneSource, RollupRun, SourceReport, Target
from .sources.highlight import highlight_quotes, quote_in_context
from .sources.services import figure_save

PROVENANCE = ("source_report", "quote", "quote_offset", "value_printed", "unit_printed")


class FigureInline(admin.TabularInline):
    model = Figure
    extra = 0
    fields = (
        "indicator",
        "subject",
        "scope_kind",
        "value_printed",
        "unit_printed",
        "value",
        "unit",
        "kind",
        "period_label",
        "quote",
    )
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SourceReport)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "published_label", "file_name", "figure_count")
    search_fields = ("title", "publisher", "text")
    readonly_fields = ("file_name", "sha256", "imported_at", "highlighted_text")
    exclude = ("text",)
    inlines = [FigureInline]

    @admin.display(description=_("数据条数"))
    def figure_count(self, obj):
        return obj.figures.count()

    @admin.display(description=_("全文(数据已标出)"))
    def highlighted_text(self, obj):
        marked = highlight_quotes(obj.text, obj.figures.all())
        return format_html('<div style="white-space:pre-wrap;max-width:60em;line-height:1.7">{}</div>', marked)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "unit", "nature")
    list_filter = ("nature",)
    search_fields = ("code", "name_zh", "name_en")


@admin.register(Figure)
class FigureAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "scope_kind", "scope_name", "value", "unit", "kind", "period_label", "source_report")
    list_filter = ("kind", "measure", "scope_kind", "source_report", "indicator", "is_synthetic")
    search_fields = ("quote", "subject", "indicator__name_zh", "project__name", "region__name", "park__name")
    list_select_related = ("indicator", "source_report", "region", "park", "project", "company")
    readonly_fields = (*PROVENANCE, "quote_in_context")
    autocomplete_fields = ("region", "park", "project", "company")

    def save_model(self, request, obj, form, change):
        figure_save(figure=obj, actor=request.user)

    @admin.display(description=_("范围"))
    def scope_name(self, obj):
        return obj.scope

    @admin.display(description=_("原文位置"))
    def quote_in_context(self, obj):
        if not obj.pk:
            return "-"
        return format_html('<span style="white-space:pre-wrap">{}</span>', quote_in_context(obj))


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("campaign_year", "indicator", "region", "park", "measure", "comparator", "value", "unit")
    list_filter = ("campaign_year", "indicator", "measure")
    search_fields = ("indicator__name_zh", "region__name", "park__name")
    readonly_fields = ("source_figure",)

    # Through the service, so a target changed here rolls up exactly as one changed over the API.
    def save_model(self, request, obj, form, change):
        target_save(target=obj, actor=request.user)

    def delete_model(self, request, obj):
        target_delete(target=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for target in queryset:
            target_delete(target=target, actor=request.user)


@admin.register(CampaignYear)
class CampaignYearAdmin(admin.ModelAdmin):
    list_display = ("year", "name", "yellow_lag_points", "red_lag_points", "red_not_started_months")

    def save_model(self, request, obj, form, change):
        campaign_year_save(campaign_year=obj, actor=request.user)


class ProjectFigureInline(admin.TabularInline):
    """The figures quoted about a project, read-only on the project's admin page (projects.admin.ProjectAdmin)."""

    model = Figure
    fk_name = "project"
    extra = 0
    fields = ("indicator", "subject", "value_printed", "unit_printed", "kind", "period_label", "source_report", "quote")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("来源数据(只读)")

    def has_add_permission(self, request, obj=None):
        return False


class SourcedMilestoneInline(MilestoneInline):
    """The project's milestones with the report and quote each date was read from (MilestoneSource)."""

    fields = (*MilestoneInline.fields, "source_report", "source_quote")
    readonly_fields = ("source_report", "source_quote")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source__source_report")

    @admin.display(description=_("来源报道"))
    def source_report(self, obj):
        source = getattr(obj, "source", None) if obj.pk else None
        return source.source_report if source else "-"

    @admin.display(description=_("原文"))
    def source_quote(self, obj):
        source = getattr(obj, "source", None) if obj.pk else None
        return source.quote if source else "-"


@admin.register(MilestoneSource)
class MilestoneSourceAdmin(admin.ModelAdmin):
    list_display = ("milestone", "source_report")
    list_select_related = ("milestone__project", "source_report")
    search_fields = ("milestone__project__name", "quote")
    readonly_fields = ("milestone", "source_report", "quote")


# The project page belongs to projects, which cannot import this app: the milestones' sources and the
# figures are added from here.
ProjectAdmin.inlines = [
    *(SourcedMilestoneInline if inline is MilestoneInline else inline for inline in ProjectAdmin.inlines),
    ProjectFigureInline,
]


@admin.register(RollupRun)
class RollupRunAdmin(admin.ModelAdmin):
    """Each full roll-up and the drift it found against what the incremental path had stored."""

    list_display = ("started_at", "campaign_year", "as_of", "seconds", "reconciled", "drift_rows")
    list_filter = ("reconciled", "campaign_year")
    readonly_fields = [f.name for f in RollupRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
