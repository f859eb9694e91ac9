"""Area boundaries for the dashboard map (GeoJSON).

A deployment loads its own boundaries with `accord load-boundaries FILE` (a GeoJSON
FeatureCollection whose features carry the area code in a property, `code` by default).
`accord seed-demo` writes made-up boundaries for the fictional demo city: the city's
rectangle is cut into strips for its districts, each district's strip into its townships, and
so on, so that neighbours share their edges exactly.

The file lives at settings.ACCORD_BOUNDARIES_FILE (default $ACCORD_DATA_DIR/boundaries.geojson).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings

from accord.core.models import Area, Level

# Where the demo city lies (a fictional place on the lower Yangtze).
DEMO_BOX = (119.20, 29.70, 120.40, 30.55)
DEMO_LEVELS = (Level.COUNTY, Level.TOWNSHIP, Level.COMMUNITY)


class BoundaryError(Exception):
    pass


def boundaries_path() -> Path:
    default = Path(settings.DATA_DIR) / "boundaries.geojson"
    return Path(getattr(settings, "ACCORD_BOUNDARIES_FILE", None) or default)


def _rect(x0: float, y0: float, x1: float, y1: float) -> list[list[list[float]]]:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return [[[round(x, 5), round(y, 5)] for x, y in ring]]


def demo_boundaries() -> dict:
    """Nested rectangles for every area down to the community level, from the Area table."""
    areas = list(
        Area.objects.filter(level__in=(Level.CITY, *DEMO_LEVELS))
        .order_by("path")
        .values("pk", "code", "name_en", "name_zh", "level", "parent_id")
    )
    children: dict[int | None, list[dict]] = {}
    for a in areas:
        children.setdefault(a["parent_id"], []).append(a)
    weight: dict[int, int] = {}

    def count(a: dict) -> int:
        kids = children.get(a["pk"], [])
        weight[a["pk"]] = max(1, sum(count(k) for k in kids))
        return weight[a["pk"]]

    features: list[dict] = []

    def cut(a: dict, box: tuple[float, float, float, float], depth: int) -> None:
        if a["level"] in DEMO_LEVELS:
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "code": a["code"],
                        "name_en": a["name_en"],
                        "name_zh": a["name_zh"],
                        "level": a["level"],
                    },
                    "geometry": {"type": "Polygon", "coordinates": _rect(*box)},
                }
            )
        kids = children.get(a["pk"], [])
        if not kids:
            return
        x0, y0, x1, y1 = box
        total = sum(weight[k["pk"]] for k in kids)
        # Cut across the longer side so that the pieces stay roughly square.
        horizontal = (x1 - x0) >= (y1 - y0)
        pos = x0 if horizontal else y0
        for i, k in enumerate(kids):
            share = weight[k["pk"]] / total
            if horizontal:
                end = x1 if i == len(kids) - 1 else pos + (x1 - x0) * share
                cut(k, (pos, y0, end, y1), depth + 1)
            else:
                end = y1 if i == len(kids) - 1 else pos + (y1 - y0) * share
                cut(k, (x0, pos, x1, end), depth + 1)
            pos = end

    for root in children.get(None, []):
        count(root)
        cut(root, DEMO_BOX, 0)
    return {"type": "FeatureCollection", "features": features}


def write_boundaries(collection: dict) -> Path:
    path = boundaries_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_demo_boundaries() -> Path:
    return write_boundaries(demo_boundaries())


def validate(collection: object, code_property: str = "code") -> tuple[dict, list[str]]:
    """Check a GeoJSON FeatureCollection; keep the features whose code is a known area.
    Returns (collection with a `code` property on every feature, unknown codes)."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise BoundaryError("the file is not a GeoJSON FeatureCollection")
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryError("the FeatureCollection has no features")
    known = set(Area.objects.values_list("code", flat=True))
    kept, unknown = [], []
    for i, f in enumerate(features):
        if not isinstance(f, dict) or not isinstance(f.get("geometry"), dict):
            raise BoundaryError(f"feature {i} has no geometry")
        if f["geometry"].get("type") not in ("Polygon", "MultiPolygon"):
            raise BoundaryError(f"feature {i} is not a Polygon or MultiPolygon")
        props = f.get("properties") or {}
        code = str(props.get(code_property, "")).strip()
        if code not in known:
            unknown.append(code or f"#{i}")
            continue
        kept.append({**f, "properties": {**props, "code": code}})
    if not kept:
        raise BoundaryError(f"no feature's {code_property!r} property matches an area code")
    return {"type": "FeatureCollection", "features": kept}, unknown


def features_for(codes: list[str], language_zh: bool) -> dict:
    """The loaded features of these areas, named by code (the map joins data on it)."""
    path = boundaries_path()
    if not path.is_file():
        return {"type": "FeatureCollection", "features": []}
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"type": "FeatureCollection", "features": []}
    wanted = set(codes)
    features = []
    for f in collection.get("features", []):
        props = f.get("properties") or {}
        code = props.get("code")
        if code in wanted:
            features.append(
                {"type": "Feature", "properties": {"name": code}, "geometry": f["geometry"]}
            )
    return {"type": "FeatureCollection", "features": features}
