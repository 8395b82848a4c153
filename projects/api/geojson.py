"""The project list as GeoJSON (`/api/v1/projects.geojson`, `?format=geojson`): a FeatureCollection of Point
features, one per project the list's filters select, each at the project's point (or its park's or region's,
said in `placed`); a project with no known point has a null geometry."""

from django.urls import reverse

from shangdang_portal.renderers import PortalJSONRenderer

from .. import location

CHUNK_SIZE = 1000


class GeoJSONRenderer(PortalJSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


def feature(project, points, request) -> dict:
    place = location.project_place(project, points)
    total = project.total_investment
    return {
        "type": "Feature",
        "id": project.pk,
        "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]} if place else None,
        "properties": {
            "id": project.pk,
            "name": project.name,
            "signal": project.signal or None,
            # 万元 as a decimal string, as everywhere in the API.
            "total_investment": None if total is None else str(total),
            "url": request.build_absolute_uri(reverse("dashboards:project-detail", args=[project.pk])),
            "placed": place.source if place else None,
            "region": project.region.name,
            "park": project.park.name if project.park_id else None,
        },
    }


def feature_collection(queryset, request) -> dict:
    points = location.region_points()
    # A project without a point stands at its park's; a park without one at its region's: joined, not asked per row.
    queryset = queryset.select_related("region", "park__region")
    features = [feature(p, points, request) for p in queryset.iterator(chunk_size=CHUNK_SIZE)]
    return {"type": "FeatureCollection", "features": features}
