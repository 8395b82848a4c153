"""Filters for regions, parks and industry chains, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from shangdang_portal.filtering import PortalFilterSet, StableOrderingFilter, text_search

from .models import IndustryChain, Park, Region


class RegionFilterSet(PortalFilterSet):
    level = django_filters.MultipleChoiceFilter(choices=Region.Level.choices, label=_("级别"))
    parent = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("上级"))
    ordering = StableOrderingFilter(fields=(("name", "name"), ("level", "level")), default=("level", "name"))

    class Meta:
        model = Region
        fields = ["level", "parent"]


class ParkFilterSet(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"), help_text=_("名称、别名、主导产业中包含的文字"))
    kind = django_filters.MultipleChoiceFilter(choices=Park.Kind.choices, label=_("类型"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("所在区域"))
    parent = django_filters.ModelChoiceFilter(queryset=Park.objects.all(), label=_("上级"))
    root = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label=_("只看开发区(树根)"))
    ordering = StableOrderingFilter(fields=(("name", "name"), ("kind", "kind")), default=("kind", "name"))

    class Meta:
        model = Park
        fields = ["q", "kind", "region", "parent"]

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(
            text_search(value, ["name", "description"], ["aliases", "leading_industries", "supporting_industries"])
        )


class IndustryChainFilterSet(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("区域"))
    ordering = StableOrderingFilter(fields=(("name", "name"),), default=("name",))

    class Meta:
        model = IndustryChain
        fields = ["q", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(text_search(value, ["name", "description"])) if value.strip() else queryset
