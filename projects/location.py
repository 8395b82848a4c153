"""Where projects are on the map: the district's boundary data (installed from npm at set-up time, read from
disk, never fetched at run time), each region's representative point, and each project's point: its own,
else its park's, else its region's, saying which."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Place:
    longitude: float
    latitude: float
    # Whose point it is: "project" (its own), "park" or "region" (a stand-in).
    source: str


@lru_cache(maxsize=4)
def _boundaries(path: str, mtime: float, names: tuple[tuple[str, str], ...]) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    renamed = dict(names)
    merged: dict[str, dict] = {}
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        name = renamed.get(props.get("name"), props.get("name"))
        geometry = feature.get("geometry") or {}
        polygons = [geometry["coordinates"]] if geometry.get("type") == "Polygon" else geometry.get("coordinates", [])
        centre = props.get("cp") or _ring_centre(polygons)
        if name in merged:
            # Districts merged since the data was drawn (城区 + 郊区 → 潞州区) become one area.
            entry = merged[name]
            entry["polygons"].extend(polygons)
            entry["centres"].append(centre)
        else:
            merged[name] = {"polygons": list(polygons), "centres": [centre]}
    features = []
    for name, entry in merged.items():
        centres = entry["centres"]
        centre = [round(sum(c[i] for c in centres) / len(centres), 6) for i in (0, 1)]
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "cp": centre},
                "geometry": {"type": "MultiPolygon", "coordinates": entry["polygons"]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _ring_centre(polygons) -> list[float]:
    ring = polygons[0][0] if polygons and polygons[0] else [[0.0, 0.0]]
    return [sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)]


def boundaries() -> dict | None:
    """The districts and counties around the portal's home as a GeoJSON FeatureCollection, each feature named
    as the register names its region (settings.MAP_REGION_NAMES renames the data's older names); None when the
    boundary package is not installed."""
    path = Path(settings.MAP_BOUNDARY_FILE)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _boundaries(str(path), mtime, tuple(sorted(settings.MAP_REGION_NAMES.items())))


def region_points() -> dict[str, tuple[float, float]]:
    """Each region's representative point (the boundary data's centre point), by region name."""
    data = boundaries() or {"features": []}
    return {f["properties"]["name"]: tuple(f["properties"]["cp"]) for f in data["features"]}


def park_place(park, points: dict[str, tuple[float, float]]) -> Place | None:
    if park.longitude is not None and park.latitude is not None:
        return Place(float(park.longitude), float(park.latitude), "park")
    point = points.get(park.region.name) if park.region_id else None
    return Place(point[0], point[1], "region") if point else None


def project_place(project, points: dict[str, tuple[float, float]]) -> Place | None:
    """The project's own point, else its park's (or the park's region's), else its region's; None when no
    point is known. `points` is region_points(), read once per request."""
    if project.longitude is not None and project.latitude is not None:
        return Place(float(project.longitude), float(project.latitude), "project")
    if project.park_id:
        place = park_place(project.park, points)
        if place:
            return place
    point = points.get(project.region.name) if project.region_id else None
    return Place(point[0], point[1], "region") if point else None
