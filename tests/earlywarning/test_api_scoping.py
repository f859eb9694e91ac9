"""API and scoping: alerts only within the actor's jurisdiction, analysts see aggregates only
with small cells suppressed, bad input is a 4xx with {"detail", "code"}."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.cases.models import Category
from accord.earlywarning import alerts
from accord.earlywarning.models import Alert, Freq, IndicatorCount

pytestmark = pytest.mark.django_db


def make_alert(area, category="labour", **kw) -> Alert:
    cat = Category.objects.get(code=category)
    now = timezone.now()
    fields = dict(
        kind="aberration",
        area=area,
        category=cat,
        method="noufaily",
        freq="W",
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2026, 6, 1),
        observed=12,
        expected=3.5,
        upperbound=8.25,
        severity="high",
        responsible_area=alerts.responsible_area_for(area, cat),
        ack_deadline=timezone.localdate() + dt.timedelta(days=1),
        created_at=now,
        updated_at=now,
    )
    fields.update(kw)
    return Alert.objects.create(**fields)


@pytest.fixture
def t1_alert(areas, make_case):
    alert = make_alert(areas.t1c1g1)
    case, _ = make_case(area=areas.t1c1g1, category="labour")
    alert.cases.add(case)
    return alert


def test_alert_list_and_detail_are_scoped(areas, t1_alert, api_for, coordinator, make_user):
    t2_alert = make_alert(areas.t2c1g1)
    own = api_for(coordinator).get("early-warning/alerts")
    assert own.status_code == 200
    assert [a["id"] for a in own.json()["items"]] == [t1_alert.pk]
    other = make_user("township_coordinator", areas.t2, username="coord_t2")
    api = api_for(other)
    assert [a["id"] for a in api.get("early-warning/alerts").json()["items"]] == [t2_alert.pk]
    missing = api.get(f"early-warning/alerts/{t1_alert.pk}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert api.post(f"early-warning/alerts/{t1_alert.pk}/acknowledge", {}).status_code == 404


def test_detail_has_cases_tasks_and_allowed_actions(t1_alert, api_for, coordinator):
    body = api_for(coordinator).get(f"early-warning/alerts/{t1_alert.pk}").json()
    assert body["area"] == "T1C1G1" and body["responsible_area"] == "T1"
    assert body["observed"] == 12 and body["expected"] == 3.5 and body["upperbound"] == 8.25
    assert [c["reference"] for c in body["cases"]] == list(
        t1_alert.cases.values_list("reference", flat=True)
    )
    assert body["allowed_actions"] == ["acknowledge", "close_false"]


def test_lifecycle_over_the_api(t1_alert, api_for, coordinator, mediator):
    api = api_for(coordinator)
    r = api.post(f"early-warning/alerts/{t1_alert.pk}/acknowledge", {"note": "seen"})
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    deadline = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    r = api.post(
        f"early-warning/alerts/{t1_alert.pk}/tasks",
        {"kind": "department_visit", "owner": mediator.username, "deadline": deadline},
    )
    assert r.status_code == 201
    task_id = r.json()["id"]
    r = api_for(mediator).post(
        f"early-warning/alerts/{t1_alert.pk}/tasks/{task_id}/done", {"outcome": "visited"}
    )
    assert r.status_code == 200 and r.json()["done"] is True
    r = api.post(f"early-warning/alerts/{t1_alert.pk}/close", {"real": True, "reason": "real"})
    assert r.status_code == 200 and r.json()["status"] == "closed_real"
    assert r.json()["tasks"][0]["outcome"] == "visited"


@pytest.mark.parametrize(
    ("path", "payload", "status"),
    [
        ("acknowledge", {"note": "x", "extra": 1}, 422),
        ("tasks", {"kind": "party", "owner": "coord_t1", "deadline": "2099-01-01"}, 422),
        ("tasks", {"kind": "meeting", "owner": "coord_t1", "deadline": "not a date"}, 422),
        ("tasks", {"kind": "meeting", "owner": "coord_t1", "deadline": "2099-01-01"}, 409),
        ("close", {"real": False}, 422),
        ("close", {"real": False, "reason": ""}, 422),
        ("close", {"real": True, "reason": "x"}, 409),
        ("tasks/999/done", {}, 404),
    ],
)
def test_bad_input_is_a_4xx_with_a_code(t1_alert, api_for, coordinator, path, payload, status):
    r = api_for(coordinator).post(f"early-warning/alerts/{t1_alert.pk}/{path}", payload)
    assert r.status_code == status, r.content
    assert set(r.json()) == {"detail", "code"}


def test_unknown_alert_and_bad_ids(api_for, coordinator):
    api = api_for(coordinator)
    assert api.get("early-warning/alerts/999999").status_code == 404
    assert api.get("early-warning/alerts/abc").status_code == 422
    assert api.get("early-warning/alerts", limit=0).status_code == 422


def test_anonymous_gets_401(api, t1_alert):
    assert api.get("early-warning/alerts").status_code == 401
    assert api.get("early-warning/indicators").status_code == 401


def test_analyst_sees_aggregates_only_with_small_cells_suppressed(
    areas, t1_alert, api_for, analyst
):
    api = api_for(analyst)
    assert api.get("early-warning/alerts").json()["count"] == 0  # no alert, no case
    assert api.get(f"early-warning/alerts/{t1_alert.pk}").status_code == 404
    labour = Category.objects.get(code="labour")
    neighbour = Category.objects.get(code="neighbour")
    last_week = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 7)
    IndicatorCount.objects.all().delete()
    IndicatorCount.objects.bulk_create(
        [
            IndicatorCount(
                freq=Freq.WEEKLY, area=areas.t1, category=labour, period=last_week, count=7
            ),
            IndicatorCount(
                freq=Freq.WEEKLY, area=areas.t1, category=neighbour, period=last_week, count=2
            ),
            IndicatorCount(
                freq=Freq.WEEKLY, area=areas.t2, category=labour, period=last_week, count=4
            ),
        ]
    )
    body = api.get("early-warning/indicators", level="township", periods=1).json()
    cells = {(c["area"], c["category"]): c for c in body["cells"]}
    assert cells[("T1", "labour")]["count"] == 7
    assert cells[("T1", "neighbour")] | {} == {
        **cells[("T1", "neighbour")],
        "count": None,
        "suppressed": True,
    }
    assert cells[("T2", "labour")]["count"] is None
    assert body["suppressed"] == 2 and body["min_cell"] == 5
    assert "2" not in {str(c["count"]) for c in body["cells"]}
    assert api.get("early-warning/indicators", level="planet").status_code == 422
    assert api.get("early-warning/indicators", periods=500).status_code == 422
    assert api.get("early-warning/precision").status_code == 200
    assert api.get("early-warning/queue").status_code == 403  # cases are not for analysts


def test_aggregates_are_limited_to_the_jurisdiction(areas, api_for, make_user):
    analyst_t2 = make_user("analyst", areas.t2, username="an_t2")
    labour = Category.objects.get(code="labour")
    last_week = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 7)
    IndicatorCount.objects.create(
        freq=Freq.WEEKLY, area=areas.t1, category=labour, period=last_week, count=50
    )
    body = api_for(analyst_t2).get("early-warning/indicators", periods=1).json()
    assert body["cells"] == []


def test_resident_cannot_read_aggregates(areas, api_for, resident):
    r = api_for(resident).get("early-warning/indicators")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"


def test_runs_only_for_administrators(areas, api_for, coordinator, make_user):
    assert api_for(coordinator).post("early-warning/runs", {}).status_code == 403
    admin = make_user("admin", areas.city, username="boss")
    r = api_for(admin).post("early-warning/runs", {"method": "nope"})
    assert r.status_code == 422
    r = api_for(admin).post("early-warning/runs", {})
    assert r.status_code == 422 and r.json()["code"] == "no_indicators"


def test_series_endpoint(areas, t1_alert, api_for, coordinator):
    labour = Category.objects.get(code="labour")
    weeks = [dt.date(2026, 6, 1) - dt.timedelta(days=7 * i) for i in range(12)]
    IndicatorCount.objects.bulk_create(
        IndicatorCount(freq=Freq.WEEKLY, area=areas.t1c1g1, category=labour, period=w, count=3)
        for w in weeks
    )
    t1_alert.method = "ears-c2"
    t1_alert.save()
    body = api_for(coordinator).get(f"early-warning/alerts/{t1_alert.pk}/series").json()
    assert len(body["periods"]) == 12 and body["periods"][-1] == "2026-06-01"
    assert body["observed"] == [3] * 12
    assert body["expected"][:9] == [None] * 9 and body["expected"][-1] == 3.0
