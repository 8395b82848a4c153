"""Filters for companies, projects and progress reports: one FilterSet per resource, shared by the pages,
the API and the selectors."""

import django_filters
from django.db.models import Q, Subquery
from django.utils.translation import gettext_lazy as _

from parks.models import IndustryChain, Park, Region
from parks.selectors import park_subtree_ids
from shangdang_portal.filtering import ChoicesFilter, MonthFilter, PortalFilterSet, StableOrderingFilter, text_search
from shangdang_portal.widgets import Autocomplete

from .models import (
    Batch,
    Category,
    Company,
    ConstructionType,
    Milestone,
    Pool,
    PriorityLevel,
    ProgressReport,
    Project,
    ProjectContact,
    ProjectIssue,
    Signal,
)


def project_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    """`project=<id>`, offered on a page as an autocomplete over the project API rather than a select of
    every project."""
    kwargs.setdefault("label", _("项目"))
    return django_filters.ModelChoiceFilter(
        queryset=Project.objects.all(), widget=Autocomplete(source="api:project-list"), **kwargs
    )


def company_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    """`company=<id>`, offered on a page as an autocomplete over the company API."""
    kwargs.setdefault("label", _("企业"))
    return django_filters.ModelChoiceFilter(
        queryset=Company.objects.all(), widget=Autocomplete(source="api:company-list"), **kwargs
    )


class CompanyFilterSet(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"), help_text=_("名称、别名或说明中包含的文字"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("区域"))
    is_synthetic = django_filters.BooleanFilter(label=_("合成数据"))
    ordering = StableOrderingFilter(fields=(("name", "name"), ("id", "id")), default=("name",), label=_("排序"))

    class Meta:
        model = Company
        fields = ["q", "region", "is_synthetic"]

    def search(self, queryset, name, value):
        return queryset.filter(text_search(value, ["name", "description"], ["aliases"])) if value.strip() else queryset


class ProjectFilterSet(PortalFilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("搜索"),
        help_text=_("在项目名称、别名、建设单位名称和建设内容中查找包含的文字，例如“光伏”"),
    )
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("区域"), help_text=_("区域 id"))
    park = django_filters.ModelChoiceFilter(
        queryset=Park.objects.all(),
        method="in_park",
        label=_("园区"),
        help_text=_("园区 id；包含其下属园区和园中园的项目"),
    )
    industry_chain = django_filters.ModelChoiceFilter(
        queryset=IndustryChain.objects.all(), label=_("产业链"), help_text=_("产业链 id")
    )
    company = company_filter(label=_("建设单位"))
    category = ChoicesFilter(choices=Category.choices, label=_("项目类别"))
    construction_type = ChoicesFilter(choices=ConstructionType.choices, label=_("建设性质"))
    priority_level = ChoicesFilter(choices=PriorityLevel.choices, label=_("重点级别"))
    pool = ChoicesFilter(choices=Pool.choices, label=_("四库"))
    signal = ChoicesFilter(choices=Signal.choices, label=_("亮灯"))
    is_major = django_filters.BooleanFilter(label=_("重大项目"))
    in_statistics = django_filters.BooleanFilter(label=_("入库入统"))
    is_public = django_filters.BooleanFilter(label=_("公开"))
    is_synthetic = django_filters.BooleanFilter(label=_("合成数据"))
    total_investment_min = django_filters.NumberFilter(
        field_name="total_investment", lookup_expr="gte", label=_("总投资下限(万元)")
    )
    total_investment_max = django_filters.NumberFilter(
        field_name="total_investment", lookup_expr="lte", label=_("总投资上限(万元)")
    )
    milestone_kind = django_filters.ChoiceFilter(
        choices=Milestone.Kind.choices,
        method="noop",
        label=_("节点"),
        help_text=_("与 milestone_after / milestone_before 一起使用：该节点的日期(实际日期，没有则计划日期)在范围内"),
    )
    milestone_after = django_filters.DateFilter(method="noop", label=_("节点日期起"), help_text=_("YYYY-MM-DD，含当日"))
    milestone_before = django_filters.DateFilter(
        method="noop", label=_("节点日期止"), help_text=_("YYYY-MM-DD，含当日")
    )
    planned_start_after = django_filters.DateFilter(
        field_name="planned_start", lookup_expr="gte", label=_("计划开工起")
    )
    planned_start_before = django_filters.DateFilter(
        field_name="planned_start", lookup_expr="lte", label=_("计划开工止")
    )
    ordering = StableOrderingFilter(
        fields=(
            ("name", "name"),
            ("total_investment", "total_investment"),
            ("planned_start", "planned_start"),
            ("planned_end", "planned_end"),
            ("priority_level", "priority_level"),
            ("pool", "pool"),
            ("signal", "signal"),
            ("updated_at", "updated_at"),
            ("id", "id"),
        ),
        default=("name",),
        label=_("排序"),
        help_text=_("字段名，前加“-”为倒序，可用逗号分隔多个，例如 -total_investment,name"),
    )

    class Meta:
        model = Project
        fields = ["q", "region", "park", "industry_chain", "company", "category", "construction_type"]

    # filter_queryset() below adds the milestone filter only when one of its values is given.
    empty_filters_nothing = True

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(
            text_search(value, ["name", "company__name", "description"], ["aliases", "company__aliases"])
        )

    def in_park(self, queryset, name, value):
        return queryset.filter(park_id__in=park_subtree_ids(value)) if value else queryset

    def noop(self, queryset, name, value):
        # Applied together in filter_queryset(): kind and dates must match the *same* milestone.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        kind, after, before = data.get("milestone_kind"), data.get("milestone_after"), data.get("milestone_before")
        if not (kind or after or before):
            return queryset
        milestones = Milestone.objects.all()
        if kind:
            milestones = milestones.filter(kind=kind)
        if after:
            milestones = milestones.filter(
                Q(actual_date__gte=after) | Q(actual_date__isnull=True, planned_date__gte=after)
            )
        if before:
            milestones = milestones.filter(
                Q(actual_date__lte=before) | Q(actual_date__isnull=True, planned_date__lte=before)
            )
        return queryset.filter(pk__in=Subquery(milestones.values("project_id")))


class ProjectPlaceFilterSet(PortalFilterSet):
    """`region` and `park` (with the parks below it) for rows that belong to a project: progress reports,
    annual plans. One definition, so every list narrows to a place the same way."""

    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), field_name="project__region", label=_("区域"), help_text=_("区域 id")
    )
    park = django_filters.ModelChoiceFilter(
        queryset=Park.objects.all(),
        field_name="project__park",
        method="in_park",
        label=_("园区"),
        help_text=_("园区 id；包含其下属园区和园中园的项目"),
    )

    def in_park(self, queryset, name, value):
        return queryset.filter(project__park_id__in=park_subtree_ids(value)) if value else queryset


class ProgressReportFilterSet(ProjectPlaceFilterSet):
    project = project_filter(help_text=_("项目 id"))
    status = ChoicesFilter(choices=ProgressReport.Status.choices, label=_("状态"))
    period = MonthFilter(method="in_month", label=_("月份"), help_text=_("YYYY-MM"))
    period_after = MonthFilter(
        field_name="period",
        lookup_expr="gte",
        label=_("月份起"),
        help_text=_("YYYY-MM，含该月"),
    )
    period_before = MonthFilter(
        field_name="period",
        lookup_expr="lte",
        label=_("月份止"),
        help_text=_("YYYY-MM，含该月"),
    )
    ordering = StableOrderingFilter(
        fields=(
            ("period", "period"),
            ("project__name", "project"),
            ("status", "status"),
            ("submitted_at", "submitted_at"),
            ("reviewed_at", "reviewed_at"),
            ("investment_completed", "investment_completed"),
            ("id", "id"),
        ),
        default=("-period", "project__name"),
        label=_("排序"),
        help_text=_("字段名，前加“-”为倒序，可用逗号分隔多个，例如 -period,project"),
    )

    class Meta:
        model = ProgressReport
        fields = ["project", "status", "period", "period_after", "period_before", "region", "park"]

    def in_month(self, queryset, name, value):
        return queryset.filter(period=value.replace(day=1)) if value else queryset


class MilestoneFilterSet(PortalFilterSet):
    project = project_filter(help_text=_("项目 id"))
    kind = ChoicesFilter(choices=Milestone.Kind.choices, label=_("节点"))
    batch = django_filters.ModelChoiceFilter(queryset=Batch.objects.all(), label=_("三个一批批次"))
    ordering = StableOrderingFilter(
        fields=(("project__name", "project"), ("actual_date", "actual_date"), ("planned_date", "planned_date")),
        default=("project__name", "kind"),
    )

    class Meta:
        model = Milestone
        fields = ["project", "kind", "batch"]


class ContactFilterSet(PortalFilterSet):
    project = project_filter(help_text=_("项目 id"))
    role = ChoicesFilter(choices=ProjectContact.Role.choices, label=_("角色"))

    class Meta:
        model = ProjectContact
        fields = ["project", "role"]


class ProjectIssueFilterSet(PortalFilterSet):
    project = project_filter(help_text=_("项目 id"))
    status = ChoicesFilter(choices=ProjectIssue.Status.choices, label=_("状态"))
    department = django_filters.CharFilter(
        lookup_expr="icontains", label=_("责任部门"), help_text=_("责任部门名称中包含的文字")
    )

    class Meta:
        model = ProjectIssue
        fields = ["project", "status", "department"]
