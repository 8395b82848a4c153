"""The park FilterSets on their own: each filter narrows, a bad value is an error on its field, `q` finds
Chinese names, aliases and industries."""

import pytest

from parks.filtersets import IndustryChainFilterSet, ParkFilterSet, RegionFilterSet
from tests.factories import IndustryChainFactory
from tests.filtering import errors, filtered

pytestmark = pytest.mark.django_db


class TestParkFilterSets:
    def test_park_filters_narrow_and_q_finds_aliases_and_industries(self, places):
        assert filtered(ParkFilterSet, {"kind": "cluster"}) == {places["cluster"]}
        assert filtered(ParkFilterSet, {"root": "true"}) == {places["zone"]}
        assert filtered(ParkFilterSet, {"parent": places["zone"].pk}) == {places["sub_park"]}
        assert filtered(ParkFilterSet, {"q": "光伏园"}) == {places["cluster"]}  # alias
        assert filtered(ParkFilterSet, {"q": "新能源装备"}) == {places["zone"]}  # leading industry
        assert filtered(ParkFilterSet, {"q": "装备制造"}) == {places["sub_park"]}  # name

    @pytest.mark.parametrize("field,value", [("kind", "campus"), ("parent", "999999"), ("region", "上党区")])
    def test_a_bad_park_value_is_an_error_on_its_field(self, places, field, value):
        assert set(errors(ParkFilterSet, {field: value})) == {field}

    def test_region_and_industry_chain_filters(self, places):
        assert filtered(RegionFilterSet, {"level": "city"}) == {places["city"]}
        assert filtered(RegionFilterSet, {"parent": places["city"].pk}) == {places["district"], places["other"]}
        assert set(errors(RegionFilterSet, {"level": "province"})) == {"level"}
        chain = IndustryChainFactory(name="光伏组件", region=places["district"], description="链主：晶科")
        IndustryChainFactory(name="医药", region=places["other"])
        assert filtered(IndustryChainFilterSet, {"q": "光伏"}) == {chain}
        assert filtered(IndustryChainFilterSet, {"q": "晶科"}) == {chain}
        assert filtered(IndustryChainFilterSet, {"region": places["district"].pk}) == {chain}
