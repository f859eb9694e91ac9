"""Dashboards: aggregates by month, area and category; small cells suppressed for analysts;
CSV downloads; the map's boundaries; `accord load-boundaries`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accord.web import boundaries

pytestmark = pytest.mark.django_db


def login(user, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


@pytest.fixture
def cases(areas, make_case, make_user, do_transition):
    """3 cases in township T1 (one resolved at intake, one escalated), 6 in T2."""
    staff = make_user("county_supervisor", areas.county, username="sup")
    t1 = [make_case(area=areas.t1c1g1)[0] for _ in range(3)]
    for _ in range(6):
        make_case(area=areas.t2c1g1, category="consumer")
    case = t1[0]
    for action, kwargs in [
        ("accept", {}),
        ("assign", {"assignee": None}),
        ("start", {}),
        ("resolve", {"note": "Agreed."}),
    ]:
        case = do_transition(case, staff, action, **kwargs)
    do_transition(t1[1], staff, "escalate", note="Serious")
    return staff


def area_row(response, code):
    data = response.context["chart_data"]
    return next(r for r in data["area_rows"] if r["code"] == code)


def test_staff_see_exact_figures(areas, cases):
    response = login(cases).get(reverse("web:dashboard"))
    assert response.status_code == 200
    t1 = area_row(response, areas.t1.code)
    t2 = area_row(response, areas.t2.code)
    assert (t1["intake"], t1["resolved_intake"]) == (3, 1)
    assert t2["intake"] == 6 and t2["resolved_intake"] == 0
    data = response.context["chart_data"]
    assert data["total"]["intake"] == 9
    assert sum(v or 0 for line in data["lines"] for v in line["values"]) == 9
    assert sum(v or 0 for line in data["area_lines"] for v in line["values"]) == 9
    assert {line["code"] for line in data["area_lines"]} == {areas.t1.code, areas.t2.code}
    body = response.content.decode()
    assert 'id="dashboard-data" type="application/json"' in body
    assert "echarts.min.js" in body and "dashboard.js" in body
    assert "<script>" not in body and "style=" not in body


def test_analysts_get_small_cells_suppressed(areas, cases, make_user):
    analyst = make_user("analyst", areas.county, username="ana")
    response = login(analyst).get(reverse("web:dashboard"))
    assert response.status_code == 200
    t1 = area_row(response, areas.t1.code)
    t2 = area_row(response, areas.t2.code)
    assert t1["intake"] is None and t1["resolved_intake"] is None  # 3 < ACCORD_MIN_CELL
    assert t2["intake"] == 6
    assert t2["resolved_intake"] is None  # 0 < 5 is a small cell too
    assert all(
        v is None
        for line in response.context["chart_data"]["lines"]
        for v in line["values"]
        if v is not None and v < 5
    )
    assert 'id="suppression-note"' in response.content.decode()
    # Analysts never reach cases.
    assert login(analyst).get(reverse("web:case_list")).status_code == 403
    assert login(analyst).get(reverse("web:home"))["Location"] == reverse("web:dashboard")


def test_csv_download_follows_the_same_rules(areas, cases, make_user):
    analyst = make_user("analyst", areas.county, username="ana")
    for user, t1_intake in ((cases, "3"), (analyst, "")):
        response = login(user).get(reverse("web:dashboard_csv"), {"table": "area"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["code", "name", "intake"]
        t1 = next(r for r in rows if r[0] == areas.t1.code)
        assert t1[2] == t1_intake


def test_csv_of_months_per_area(areas, cases):
    response = login(cases).get(reverse("web:dashboard_csv"), {"table": "area_month"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["code", "name"] and len(rows[0]) == 2 + 12
    assert sum(int(v) for r in rows[1:] for v in r[2:]) == 9


def test_chart_labels_and_months_in_chinese(areas, cases):
    response = login(cases, "zh-hans").get(reverse("web:dashboard"), {"months": 6})
    data = response.context["chart_data"]
    assert data["labels"]["intake"] == "受理案件数"
    assert len(data["months"]) == 6 and all("年" in m for m in data["months"])
    assert any(line["name"] == "消费纠纷" for line in data["lines"])


def test_filters_by_area_and_category(areas, cases):
    client = login(cases)
    response = client.get(reverse("web:dashboard"), {"area": areas.t2.code})
    assert response.context["chart_data"]["root"]["code"] == areas.t2.code
    assert response.context["chart_data"]["total"]["intake"] == 6
    response = client.get(reverse("web:dashboard"), {"category": "consumer"})
    assert response.context["chart_data"]["total"]["intake"] == 6


def test_dashboard_scope(areas, make_user, cases):
    mediator = make_user("mediator", areas.t1, username="med")
    response = login(mediator).get(reverse("web:dashboard"), {"area": areas.t2.code})
    assert response.context["chart_data"]["root"]["code"] == areas.t1.code  # not T2
    assert response.context["chart_data"]["total"]["intake"] == 3
    resident = make_user("resident", areas.t1c1g1, username="res")
    assert login(resident).get(reverse("web:dashboard")).status_code == 403
    assert Client().get(reverse("web:dashboard")).status_code == 302


def test_geojson_for_the_map(areas, cases):
    boundaries.write_demo_boundaries()
    response = login(cases).get(reverse("web:dashboard_geojson"))
    geo = response.json()
    assert geo["type"] == "FeatureCollection"
    assert {f["properties"]["name"] for f in geo["features"]} == {areas.t1.code, areas.t2.code}
    assert all(f["geometry"]["type"] == "Polygon" for f in geo["features"])


def test_demo_boundaries_nest_without_overlap(areas):
    features = boundaries.demo_boundaries()["features"]
    by_code = {f["properties"]["code"]: f["geometry"]["coordinates"][0] for f in features}
    assert set(by_code) >= {areas.county.code, areas.t1.code, areas.t1c1.code}

    def box(ring):
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return min(xs), min(ys), max(xs), max(ys)

    t1, t2, county = (
        box(by_code[areas.t1.code]),
        box(by_code[areas.t2.code]),
        box(by_code[areas.county.code]),
    )
    assert county[0] <= t1[0] and t1[2] <= county[2] and county[1] <= t1[1] and t1[3] <= county[3]
    overlap_x = min(t1[2], t2[2]) - max(t1[0], t2[0])
    overlap_y = min(t1[3], t2[3]) - max(t1[1], t2[1])
    assert overlap_x <= 1e-9 or overlap_y <= 1e-9


def test_load_boundaries_command(areas, tmp_path, settings):
    good = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"adcode": areas.t1.code},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            },
            {
                "type": "Feature",
                "properties": {"adcode": "NOWHERE"},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            },
        ],
    }
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps(good))
    out = io.StringIO()
    call_command("load-boundaries", str(path), "--code-property", "adcode", stdout=out)
    assert "loaded 1 boundaries" in out.getvalue() and "NOWHERE" in out.getvalue()
    stored = json.loads(settings.ACCORD_BOUNDARIES_FILE.read_text())
    assert [f["properties"]["code"] for f in stored["features"]] == [areas.t1.code]

    path.write_text('{"type": "Feature"}')
    with pytest.raises(CommandError, match="not a GeoJSON FeatureCollection"):
        call_command("load-boundaries", str(path))
    path.write_text("not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("load-boundaries", str(path))
