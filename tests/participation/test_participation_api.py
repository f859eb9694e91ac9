"""The participation API: strict schemas, scoped reads, the duty to answer over HTTP."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def body(**kw):
    today = timezone.localdate()
    b = {
        "area": "T1",
        "title_en": "Draft market rules",
        "title_zh": "市场管理规定（草案）",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=29)).isoformat(),
        "articles": [{"body_en": "Stalls close at 22:00.", "body_zh": "摊位22点关闭。"}],
    }
    b.update(kw)
    return b


def test_create_publish_comment_dispose_respond(areas, coordinator, resident, api_for, api):
    staff = api_for(coordinator)
    r = staff.post("consultations", body())
    assert r.status_code == 201, r.json()
    ref = r.json()["reference"]
    assert api.get(f"consultations/{ref}").status_code == 404  # a draft is not public
    assert staff.post(f"consultations/{ref}/transitions", {"action": "publish"}).status_code == 200
    d = api.get(f"consultations/{ref}").json()
    assert d["status_label"] == "Open for comment" and d["actions"] == []
    assert (
        api.post(
            f"consultations/{ref}/comments", {"text": "Later, please", "article": 1}
        ).status_code
        == 201
    )
    mine = api_for(resident)
    assert mine.post(f"consultations/{ref}/comments", {"text": "Fine by me"}).status_code == 201
    public = api.get(f"consultations/{ref}/comments").json()
    assert len(public) == 2 and all(p["text"] is None for p in public)
    full = staff.get(f"consultations/{ref}/comments").json()
    assert {p["text"] for p in full} == {"Later, please", "Fine by me"}
    assert staff.post(f"consultations/{ref}/transitions", {"action": "close"}).status_code == 200
    r = staff.post(
        f"consultations/{ref}/decision",
        {"summary_en": "Hours kept.", "summary_zh": "维持。", "url": "/d/7"},
    )
    assert r.status_code == 200
    r = staff.post(f"consultations/{ref}/transitions", {"action": "respond"})
    assert r.status_code == 422 and r.json()["code"] == "consultation_guard"
    ids = [p["id"] for p in full]
    r = staff.post(f"consultations/{ref}/dispositions",
                   {"comment_ids": ids, "disposition": "partly", "reason": "Later on Fridays"})  # fmt: skip
    assert r.json() == {"disposed": 2}
    assert staff.post(f"consultations/{ref}/transitions", {"action": "respond"}).status_code == 200
    res = api.get(f"consultations/{ref}/results").json()
    assert res["adoption_rate"] == 1.0 and res["decision_url"] == "/d/7"
    assert res["groups"][0]["reasons"][0]["reason"] == "Later on Fridays"
    my = mine.get("my/comments").json()
    assert my[0]["disposition_label"] == "Partly adopted" and my[0]["reason"] == "Later on Fridays"


def test_strict_and_scoped(areas, coordinator, resident, make_user, api_for):
    staff = api_for(coordinator)
    r = staff.post("consultations", {**body(), "status": "responded"})
    assert r.status_code == 422
    r = staff.post("consultations", body(closes_on=timezone.localdate().isoformat()))
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    assert api_for(resident).post("consultations", body()).status_code == 403
    ref = staff.post("consultations", body()).json()["reference"]
    other = api_for(make_user("township_coordinator", areas.t2))
    assert other.get(f"consultations/{ref}").status_code == 404
    assert other.post(f"consultations/{ref}/transitions", {"action": "publish"}).status_code == 404
    staff.post(f"consultations/{ref}/transitions", {"action": "publish"})
    assert other.post(f"consultations/{ref}/transitions", {"action": "close"}).status_code == 404
    assert (
        api_for(resident).post(f"consultations/{ref}/transitions", {"action": "close"}).status_code
        == 404
    )
    assert (
        other.post(
            f"consultations/{ref}/dispositions",
            {"comment_ids": [1], "disposition": "adopted", "reason": "x"},
        ).status_code
        == 404
    )
    assert (
        staff.post(
            f"consultations/{ref}/dispositions",
            {"comment_ids": [1], "disposition": "maybe", "reason": "x"},
        ).status_code
        == 422
    )


def test_hearings_export_and_statement_hide(areas, coordinator, resident, api_for, api):
    from accord.participation import comments as csvc
    from accord.participation import statements as st
    from accord.participation.models import Consultation

    staff = api_for(coordinator)
    ref = staff.post("consultations", body(allow_statements=True)).json()["reference"]
    staff.post(f"consultations/{ref}/transitions", {"action": "publish"})
    soon = (timezone.now() + dt.timedelta(days=5)).isoformat()
    later = (timezone.now() + dt.timedelta(days=10)).isoformat()
    h1 = staff.post(f"consultations/{ref}/hearings", {"held_at": soon, "place": "Hall"}).json()
    h2 = staff.post(f"consultations/{ref}/hearings", {"held_at": later, "place": "Hall"}).json()
    m = {"materials_en": "Maps", "materials_zh": "地图"}
    r = staff.post(f"hearings/{h1['id']}/materials", m)
    assert r.status_code == 409 and r.json()["code"] == "hearing_notice_too_late"
    assert staff.post(f"hearings/{h2['id']}/materials", m).json()["materials"] == "Maps"
    assert api.get(f"consultations/{ref}").json()["hearings"][1]["materials"] == "Maps"
    c = Consultation.objects.get(reference=ref)
    csvc.comment_create(actor=resident, consultation=c, text="Secret-ish comment text", article=1)
    exp = api.get(f"consultations/{ref}/export").json()
    assert exp["comments"][0]["article"] == 1 and "Secret-ish" not in str(exp)
    csv_text = api.get(f"consultations/{ref}/export?format=csv").content.decode()
    assert csv_text.startswith("consultation,comment,article") and "Secret-ish" not in csv_text
    assert api.get(f"consultations/{ref}/export?format=xml").status_code == 422
    s = st.statement_add(consultation=c, pseudonym="p", text="Ban cars")
    assert api_for(resident).post(f"statements/{s.pk}/hide", {"reason": "spam"}).status_code == 404
    assert staff.post(f"statements/{s.pk}/hide", {"reason": "criticism"}).status_code == 422
    assert staff.post(f"statements/{s.pk}/hide", {"reason": "off_topic"}).status_code == 204
    assert api.get(f"consultations/{ref}/statements").json() == []


def test_comments_are_rate_limited(areas, coordinator, api, settings):
    from helpers import open_consultation

    settings.ACCORD_RATE_LIMITS = {**settings.ACCORD_RATE_LIMITS, "participation": (3, 3600)}
    c = open_consultation(coordinator, "T1")
    codes = [
        api.post(f"consultations/{c.reference}/comments", {"text": f"c{i}"}).status_code
        for i in range(4)
    ]
    assert codes == [201, 201, 201, 429]


def put(client, path, data):
    return client.client.put(
        client._url(path), data=json.dumps(data), content_type="application/json",
        headers=client._headers(),
    )  # fmt: skip


def test_edit_draft_only(areas, coordinator, make_user, api_for):
    staff = api_for(coordinator)
    ref = staff.post("consultations", body()).json()["reference"]
    b = body(title_en="Market rules, second draft",
             articles=[{"body_en": "A.", "body_zh": "甲。"}, {"body_en": "B.", "body_zh": "乙。"}])  # fmt: skip
    r = put(staff, f"consultations/{ref}", b)
    assert r.status_code == 200 and r.json()["title_en"] == "Market rules, second draft"
    assert [a["number"] for a in r.json()["articles"]] == [1, 2]
    assert put(staff, f"consultations/{ref}", {**b, "area": "T1C1"}).status_code == 422
    other = api_for(make_user("township_coordinator", areas.t2))
    assert put(other, f"consultations/{ref}", b).status_code == 404
    staff.post(f"consultations/{ref}/transitions", {"action": "publish"})
    assert put(staff, f"consultations/{ref}", b).status_code == 409
