"""Back office for companies and projects: milestones and contacts inline (investment/admin.py adds the
project's figures, read-only, to the project page)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from parks.admin import IndustryChainAdmin

from .models import (
    Batch,
    ChainLeader,
    Company,
    Milestone,
    Notification,
    PoolMove,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectContact,
    ProjectIssue,
)
from .services import project_save


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    # investment/admin.py shows where each date was read (MilestoneSource) beside these fields.
    fields = ("kind", "planned_date", "actual_date", "batch")


class ContactInline(admin.TabularInline):
    model = ProjectContact
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "is_synthetic")
    list_filter = ("region", "is_synthetic")
    search_fields = ("name", "aliases")


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("name", "region", "park", "category", "pool", "priority_level", "total_investment", "signal")
    list_filter = (
        "region",
        "category",
        "construction_type",
        "priority_level",
        "pool",
        "signal",
        "is_major",
        "in_statistics",
        "is_public",
        "is_synthetic",
    )
    search_fields = ("name", "aliases", "company__name", "description")
    list_select_related = ("region", "park")
    autocomplete_fields = ("region", "park", "company", "industry_chain")
    filter_horizontal = ("staff",)
    # investment/admin.py adds the figures quoted about the project (ProjectFigureInline).
    inlines = [MilestoneInline, ContactInline]

    def save_model(self, request, obj, form, change):
        project_save(project=obj, actor=request.user)


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("name", "held_on", "region")
    search_fields = ("name",)


@admin.register(PoolMove)
class PoolMoveAdmin(admin.ModelAdmin):
    list_display = ("project", "from_pool", "to_pool", "moved_on", "actor")
    list_filter = ("to_pool",)
    search_fields = ("project__name", "reason")
    autocomplete_fields = ("project",)


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ("project", "period", "investment_completed", "physical_progress", "status", "is_superseded")
    list_filter = ("status", "is_superseded", "period")
    search_fields = ("project__name", "narrative")
    autocomplete_fields = ("project",)
    readonly_fields = (
        "status",
        "version",
        "created_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "is_superseded",
        "corrects",
    )

    # A report changes only through its workflow (draft, submit, approve, return, correct) on the progress
    # pages or the API, where the rules, the history and the roll-up live; here it is read.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProjectIssue)
class ProjectIssueAdmin(SimpleHistoryAdmin):
    list_display = ("project", "description", "status", "department", "raised_on", "resolved_on")
    list_filter = ("status",)
    search_fields = ("project__name", "description", "department")
    autocomplete_fields = ("project",)
    raw_id_fields = ("report",)


@admin.register(ProgressPhoto)
class ProgressPhotoAdmin(admin.ModelAdmin):
    list_display = ("report", "caption", "captured_at", "size", "uploaded_by")
    # Hash, size and capture time come from the file itself; editing them would break the record.
    readonly_fields = ("sha256", "size", "captured_at", "uploaded_by", "report", "image")
    search_fields = ("report__project__name", "caption")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "actor", "verb", "report", "created_at", "read_at")
    list_filter = ("verb",)
    raw_id_fields = ("recipient", "actor", "report")


class ChainLeaderInline(admin.TabularInline):
    model = ChainLeader
    extra = 0
    autocomplete_fields = ("company",)


# The chain page belongs to parks, which cannot import this app: its leading company is added from here.
IndustryChainAdmin.inlines = [*IndustryChainAdmin.inlines, ChainLeaderInline]
