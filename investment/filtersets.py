"""The one filter of the roll-up rows, shared by pages, the API and the selectors."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Measure, Rollup, RollupSource, ScopeKind


class RollupFilterSet(django_filters.FilterSet):
    campaign_year = django_filters.NumberFilter(field_name="campaign_year__year", label=_("年度"))
    scope_kind = django_filters.ChoiceFilter(choices=ScopeKind.choices[:2], label=_("范围"))
    region = django_filters.NumberFilter(field_name="region_id", label=_("区域"))
    park = django_filters.NumberFilter(field_name="park_id", label=_("园区"))
    indicator = django_filters.CharFilter(field_name="indicator__code", label=_("指标"))
    measure = django_filters.ChoiceFilter(choices=Measure.choices, label=_("口径"))
    source = django_filters.ChoiceFilter(choices=RollupSource.choices, label=_("数据来源"))
    as_of = django_filters.DateFilter(label=_("截至日期"))

    class Meta:
        model = Rollup
        fields = ["campaign_year", "scope_kind", "region", "park", "indicator", "measure", "source", "as_of"]
