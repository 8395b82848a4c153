"""ProjectFilterSet: the one filter over projects, shared by the project pages and the API list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parks.models import Park, Region

from .models import Category, ConstructionType, Milestone, Pool, PriorityLevel, Project, Signal


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    region = django_filters.ModelChoiceFilter(label=_("区域"), queryset=Region.objects.all())
    park = django_filters.ModelChoiceFilter(label=_("园区"), queryset=Park.objects.all())
    pool = django_filters.ChoiceFilter(label=_("四库"), choices=Pool.choices)
    category = django_filters.ChoiceFilter(label=_("项目类别"), choices=Category.choices)
    construction_type = django_filters.ChoiceFilter(label=_("建设性质"), choices=ConstructionType.choices)
    priority_level = django_filters.ChoiceFilter(label=_("重点级别"), choices=PriorityLevel.choices)
    signal = django_filters.ChoiceFilter(label=_("亮灯"), choices=Signal.choices)
    is_major = django_filters.BooleanFilter(label=_("重大项目"))
    milestone = django_filters.ChoiceFilter(
        label=_("已达节点"), choices=Milestone.Kind.choices, method="reached_milestone"
    )
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("name", "name"), ("total_investment", "total_investment"), ("updated_at", "updated_at")),
        field_labels={"name": _("项目名称"), "total_investment": _("总投资"), "updated_at": _("更新时间")},
    )

    class Meta:
        model = Project
        fields = ["q", "region", "park", "pool", "category", "construction_type", "priority_level", "signal"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(company__name__icontains=value) | Q(description__icontains=value)
        )

    def reached_milestone(self, queryset, name, value):
        # A project reached a milestone when it has that milestone with an actual date.
        return queryset.filter(milestones__kind=value, milestones__actual_date__isnull=False).distinct()
