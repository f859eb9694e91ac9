"""Staff pages: render for staff in their jurisdiction, refuse others, no inline code (CSP)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accord.cases.models import Category
from accord.earlywarning import alerts
from accord.earlywarning.models import Alert, AlertStatus, Freq, IndicatorCount

pytestmark = pytest.mark.django_db


def client_for(user, language: str | None = None) -> Client:
    c = Client()
    if language:
        c.cookies["django_language"] = language
    c.force_login(user)
    return c


@pytest.fixture
def alert(areas, make_case):
    cat = Category.objects.get(code="labour")
    now = timezone.now()
    a = Alert.objects.create(
        kind="aberration",
        area=areas.t1c1g1,
        category=cat,
        method="ears-c2",
        freq="W",
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2026, 6, 1),
        observed=12,
        expected=3,
        upperbound=8,
        severity="high",
        responsible_area=areas.t1,
        ack_deadline=timezone.localdate() + dt.timedelta(days=1),
        created_at=now,
        updated_at=now,
    )
    case, _ = make_case(area=areas.t1c1g1, category="labour")
    a.cases.add(case)
    IndicatorCount.objects.bulk_create(
        IndicatorCount(
            freq=Freq.WEEKLY,
            area=areas.t1c1g1,
            category=cat,
            period=dt.date(2026, 6, 1) - dt.timedelta(days=7 * i),
            count=12 if i == 0 else 3,
        )
        for i in range(15)
    )
    return a


def no_inline_code(html: str) -> None:
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_alert_list_page(alert, coordinator):
    r = client_for(coordinator).get(reverse("earlywarning:alert_list"))
    assert r.status_code == 200
    html = r.content.decode()
    assert f"#{alert.pk}" in html and "ew-map-data" in html
    assert "web/vendor/echarts/echarts.min.js" in html and "earlywarning/ew-charts.js" in html
    no_inline_code(html)


def test_alert_list_in_chinese(alert, coordinator):
    html = client_for(coordinator, "zh-hans").get(reverse("earlywarning:alert_list")).content
    assert "预警" in html.decode()


def test_alert_detail_page_with_chart_cases_and_actions(alert, coordinator):
    r = client_for(coordinator).get(reverse("earlywarning:alert_detail", args=[alert.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="ew-series-data"' in html
    assert alert.cases.get().reference in html
    assert 'value="acknowledge"' in html
    no_inline_code(html)


def test_acting_through_the_page(alert, coordinator, mediator):
    c = client_for(coordinator)
    url = reverse("earlywarning:alert_act", args=[alert.pk])
    r = c.post(url, {"action": "acknowledge", "note": "seen"})
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    r = c.post(
        url,
        {
            "action": "add_task",
            "kind": "joint_mediation",
            "owner": mediator.username,
            "deadline": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        },
    )
    assert r.status_code == 302
    r = c.post(url, {"action": "close", "outcome": "real", "reason": ""})
    assert r.status_code == 422
    r = c.post(
        url, {"action": "add_task", "kind": "meeting", "owner": "nobody", "deadline": "2099-01-01"}
    )
    assert r.status_code == 404  # unknown owner: the service refuses, the page says why
    r = c.post(url, {"action": "close", "outcome": "real", "reason": "confirmed"})
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED_REAL


def test_pages_are_scoped(areas, alert, make_user, resident):
    other = make_user("township_coordinator", areas.t2, username="coord_t2")
    c = client_for(other)
    assert c.get(reverse("earlywarning:alert_detail", args=[alert.pk])).status_code == 404
    assert (
        c.post(
            reverse("earlywarning:alert_act", args=[alert.pk]), {"action": "acknowledge"}
        ).status_code
        == 404
    )
    r = client_for(resident).get(reverse("earlywarning:alert_list"))
    assert r.status_code == 403
    assert Client().get(reverse("earlywarning:alert_list")).status_code == 302  # to login


def test_queue_page_shows_factors(areas, make_case, coordinator):
    make_case(area=areas.t1c1g1, risk_of_violence=True, people_count=12)
    make_case(area=areas.t1c1g1)
    r = client_for(coordinator).get(reverse("earlywarning:queue"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Risk of violence" in html and "never limits what a party may do" in html
    no_inline_code(html)


def test_aggregates_page_for_analysts(areas, analyst):
    cat = Category.objects.get(code="labour")
    last = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 7)
    IndicatorCount.objects.create(
        freq=Freq.WEEKLY, area=areas.t1, category=cat, period=last, count=3
    )
    IndicatorCount.objects.create(
        freq=Freq.WEEKLY, area=areas.t2, category=cat, period=last, count=9
    )
    r = client_for(analyst).get(reverse("earlywarning:aggregates"), {"periods": 1})
    assert r.status_code == 200
    html = r.content.decode()
    assert "&lt; 5" in html and ">9<" in html and ">3<" not in html
    no_inline_code(html)
    assert client_for(analyst).get(reverse("earlywarning:alert_list")).status_code == 403
    bad = client_for(analyst).get(reverse("earlywarning:aggregates"), {"periods": "x"})
    assert bad.status_code == 422


def test_responsible_area_helper_for_group(areas):
    assert alerts.responsible_area_for(areas.t1, None) == areas.t1


def test_alert_map_counts_every_open_alert_of_an_area(alert, areas, coordinator):
    """The treemap of the alert list: an area's value is the number of its open alerts and
    those below it (two alerts in one grid are 2, not 1)."""
    second = Alert.objects.get(pk=alert.pk)
    second.pk = None
    second.category = Category.objects.get(code="neighbour")
    second.created_at = alert.created_at - dt.timedelta(hours=1)
    second.save()
    response = client_for(coordinator).get(reverse("earlywarning:alert_list"))
    tree = response.context["tree"]

    def find(nodes, code):
        for n in nodes:
            if n["code"] == code:
                return n
            found = find(n.get("children", []), code)
            if found:
                return found
        return None

    assert find(tree, areas.t1c1g1.code)["value"] == 2
    assert find(tree, areas.t1.code)["value"] == 2
