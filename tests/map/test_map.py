"""The map page /map/, its boundary data and the project list as GeoJSON: same filters and visibility as the
list, each project at its own point or, said so, at its park's or region's; queries constant in list size."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import location
from projects.models import Project
from tests.factories import ParkFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SHANGDANG_POINT = [113.05, 36.05]  # the boundary file's centre point of 长治县, today's 上党区


@pytest.fixture
def mapped(places, boundary_file):
    """Three projects: one with its own point, one placed by its park, one by its region, and a hidden one."""
    places["zone"].longitude, places["zone"].latitude = Decimal("113.080000"), Decimal("36.100000")
    places["zone"].save()
    own = ProjectFactory(
        name="光伏组件项目",
        region=places["district"],
        longitude=Decimal("113.061234"),
        latitude=Decimal("36.071234"),
        signal="green",
        pool="construction",
        total_investment=Decimal("50000.00"),
    )
    by_park = ProjectFactory(
        name="园区物流项目", region=places["district"], park=places["zone"], signal="red", pool="planning"
    )
    by_region = ProjectFactory(
        name="潞州区民生项目", region=places["other"], pool="construction", total_investment=Decimal("1200.50")
    )
    hidden = ProjectFactory(name="未公开项目", region=places["district"], is_public=False)
    return {"own": own, "by_park": by_park, "by_region": by_region, "hidden": hidden}


def _map_data(response) -> dict:
    return response.context["map_data"]


def test_boundaries_use_todays_names_and_merge_districts(client, boundary_file):
    response = client.get(reverse("projects:map-boundaries"))
    assert response.status_code == 200
    features = {f["properties"]["name"]: f for f in response.json()["features"]}
    assert set(features) == {"上党区", "潞州区", "襄垣县"}
    assert "UTF8Encoding" not in response.json()
    # 城区 and 郊区 were merged into 潞州区 in 2019: one area of two polygons, centred between them.
    luzhou = features["潞州区"]
    assert luzhou["geometry"]["type"] == "MultiPolygon"
    assert len(luzhou["geometry"]["coordinates"]) == 2
    assert luzhou["properties"]["cp"] == [113.11, 36.21]
    # A feature without a centre point gets its outline's mean.
    assert features["襄垣县"]["properties"]["cp"] == pytest.approx([113.04, 36.54])


def test_missing_boundary_data_answers_404_and_the_page_says_so(client, settings, places, tmp_path):
    settings.MAP_BOUNDARY_FILE = str(tmp_path / "absent.geojson")
    location._boundaries.cache_clear()
    response = client.get(reverse("projects:map-boundaries"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    page = client.get(reverse("projects:map"))
    assert page.status_code == 200
    assert 'id="map-missing"' in page.content.decode()
    assert 'id="project-map"' not in page.content.decode()


def test_map_places_each_project_and_says_where(client, mapped):
    response = client.get(reverse("projects:map"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="project-map"' in html and 'id="map-data"' in html
    points = {p["name"]: p for p in _map_data(response)["projects"]}
    assert set(points) == {"光伏组件项目", "园区物流项目", "潞州区民生项目"}  # not the unpublished one
    own = points["光伏组件项目"]
    assert own["value"] == [113.061234, 36.071234]
    assert (own["placed"], own["placed_note"]) == ("project", "")
    assert own["url"] == reverse("dashboards:project-detail", args=[mapped["own"].pk])
    assert (own["signal"], own["investment"]) == ("green", 50000.0)
    park = points["园区物流项目"]
    assert (park["value"], park["placed"]) == ([113.08, 36.1], "park")
    assert "上党经济技术开发区" in park["placed_note"]
    region = points["潞州区民生项目"]
    assert (region["value"], region["placed"]) == ([113.11, 36.21], "region")
    assert region["placed_note"] == "无项目坐标，标在所在区域的位置"
    # Regions are shaded by the selected projects' total investment.
    regions = {r["name"]: r for r in _map_data(response)["regions"]}
    assert regions["上党区"] == {"name": "上党区", "value": 50000.0, "count": 2}
    assert regions["潞州区"]["value"] == 1200.5
    # A park without a point of its own stands at its region's point, and says so.
    parks = {p["name"]: p for p in _map_data(response)["parks"]}
    assert parks["上党经济技术开发区"] == {"name": "上党经济技术开发区", "value": [113.08, 36.1], "placed_note": ""}
    assert parks["光伏产业园"]["value"] == SHANGDANG_POINT
    assert parks["光伏产业园"]["placed_note"] == "无园区坐标，标在所在区域的位置"


def test_map_takes_the_project_lists_filters(client, mapped):
    response = client.get(reverse("projects:map"), {"pool": "construction"})
    assert {p["name"] for p in _map_data(response)["projects"]} == {"光伏组件项目", "潞州区民生项目"}
    response = client.get(reverse("projects:map"), {"signal": ["red", "green"], "region": mapped["own"].region_id})
    assert {p["name"] for p in _map_data(response)["projects"]} == {"光伏组件项目", "园区物流项目"}
    response = client.get(reverse("projects:map"), {"q": "物流"})
    assert [p["name"] for p in _map_data(response)["projects"]] == ["园区物流项目"]


def test_map_refuses_a_bad_filter_on_its_field(client, mapped):
    response = client.get(reverse("projects:map"), {"pool": "nowhere", "total_investment_min": "many"})
    assert response.status_code == 200
    assert _map_data(response)["projects"] == []
    form = response.context["filterset"].form
    assert set(form.errors) == {"pool", "total_investment_min"}


def test_officials_see_unpublished_projects_on_the_map(client_as, mapped):
    response = client_as("official").get(reverse("projects:map"))
    assert "未公开项目" in {p["name"] for p in _map_data(response)["projects"]}


def test_a_project_without_any_known_point_is_counted_not_drawn(client, places, boundary_file):
    ProjectFactory(name="无处可放", region=places["city"])  # 长治市 is not one of the boundary's areas
    response = client.get(reverse("projects:map"))
    assert _map_data(response)["projects"] == []
    assert _map_data(response)["unplaced"] == 1
    assert "1 个项目没有可用位置" in response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_map_page_in_both_languages_with_the_nav_link(client, mapped, language):
    client.post(reverse("set_language"), {"language": language, "next": "/map/"})
    response = client.get("/map/")
    assert response.status_code == 200
    html = response.content.decode()
    title = "Project map" if language == "en" else "项目地图"
    assert f"<h1>{title}</h1>" in html
    assert 'href="/map/" class="active"' in html
    # The page's code is a static file; the page embeds data only (json_script).
    assert "js/map.js" in html
    assert html.count("<script>") == 0


# --- GeoJSON -------------------------------------------------------------------------------------


def test_geojson_is_a_feature_collection_of_the_filtered_list(client, mapped):
    response = client.get(reverse("api:project-list"), {"format": "geojson", "pool": "construction"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = response.json()
    assert data["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    assert set(by_name) == {"光伏组件项目", "潞州区民生项目"}
    own = by_name["光伏组件项目"]
    assert own["geometry"] == {"type": "Point", "coordinates": [113.061234, 36.071234]}
    assert own["properties"] == {
        "id": mapped["own"].pk,
        "name": "光伏组件项目",
        "signal": "green",
        "total_investment": "50000.00",
        "url": f"http://testserver/projects/{mapped['own'].pk}/",
        "placed": "project",
        "region": "上党区",
        "park": None,
    }
    assert by_name["潞州区民生项目"]["properties"]["placed"] == "region"
    assert by_name["潞州区民生项目"]["properties"]["signal"] is None


def test_geojson_by_suffix_and_for_one_project(client, mapped):
    response = client.get("/api/v1/projects.geojson", {"signal": "red"})
    assert [f["properties"]["name"] for f in response.json()["features"]] == ["园区物流项目"]
    one = client.get(f"/api/v1/projects/{mapped['by_park'].pk}/", {"format": "geojson"}).json()
    assert one["type"] == "Feature"
    assert one["geometry"]["coordinates"] == [113.08, 36.1]
    assert client.get(f"/api/v1/projects/{mapped['hidden'].pk}/", {"format": "geojson"}).status_code == 404


def test_geojson_hides_what_the_caller_may_not_see(client, api_client_as, mapped):
    public = {f["properties"]["name"] for f in client.get("/api/v1/projects.geojson").json()["features"]}
    assert "未公开项目" not in public
    official = api_client_as("official").get("/api/v1/projects.geojson").json()
    assert "未公开项目" in {f["properties"]["name"] for f in official["features"]}


def test_geojson_bad_filter_is_a_field_error(client, mapped):
    response = client.get("/api/v1/projects.geojson", {"signal": "purple"})
    assert response.status_code == 400
    assert "signal" in response.json()["error"]["fields"]


def test_geojson_unplaced_project_has_no_geometry(client, places, boundary_file):
    ProjectFactory(name="无处可放", region=places["city"])
    feature = client.get("/api/v1/projects.geojson").json()["features"][0]
    assert feature["geometry"] is None and feature["properties"]["placed"] is None


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add_projects(places, count: int) -> None:
    park = ParkFactory(name=f"园区{count}", zone=True, region=places["district"])
    Project.objects.bulk_create(
        Project(name=f"批量项目{count}-{i}", region=places["other"], park=park if i % 2 else None) for i in range(count)
    )


@pytest.mark.parametrize("url", ["/api/v1/projects.geojson", "/map/"])
def test_query_count_does_not_grow_with_the_list(client, places, boundary_file, url):
    _add_projects(places, 3)
    small = _queries(client, url)
    _add_projects(places, 40)
    assert Project.objects.count() == 43
    assert _queries(client, url) == small


def test_a_map_of_more_projects_than_it_draws_marks_the_largest_and_shades_by_all(client, mapped, monkeypatch):
    from projects import map_page

    monkeypatch.setattr(map_page, "MAP_POINTS", 2)
    response = client.get(reverse("projects:map"))
    data = _map_data(response)
    # Three public projects match; the two largest by total investment are drawn, the unknown one last.
    assert data["selected"] == 3
    assert [p["name"] for p in data["projects"]] == ["光伏组件项目", "潞州区民生项目"]
    regions = {r["name"]: r for r in data["regions"]}
    assert regions["上党区"] == {"name": "上党区", "value": 50000.0, "count": 2}
    assert 'id="map-capped"' in response.content.decode()
    monkeypatch.setattr(map_page, "MAP_POINTS", 3)
    assert 'id="map-capped"' not in client.get(reverse("projects:map")).content.decode()
