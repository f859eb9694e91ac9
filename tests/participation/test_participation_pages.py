"""The pages: a resident comments on an article, staff answer every comment and respond,
"you said, we did" shows it; refusals are pages, not 500s."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accord.participation.models import Comment, Consultation

pytestmark = pytest.mark.django_db


def login(user):
    c = Client()
    c.force_login(user)
    return c


def test_staff_and_resident_flow(areas, coordinator, resident):
    staff = login(coordinator)
    today = timezone.localdate()
    r = staff.post("/participation/staff/new/", {
        "area": "T1", "decision_type": "other", "title_en": "Market hours", "title_zh": "市场时间",
        "articles_en": "Open at 6.\n---\nClose at 22.", "articles_zh": "6点开。\n---\n22点关。",
        "opens_on": today.isoformat(), "closes_on": (today + dt.timedelta(days=9)).isoformat(),
        "allow_anonymous": "on",
    })  # fmt: skip
    assert r.status_code == 422 and "reason" in r.content.decode()  # 10 days without a reason
    r = staff.post("/participation/staff/new/", {
        "area": "T1", "decision_type": "other", "title_en": "Market hours", "title_zh": "市场时间",
        "articles_en": "Open at 6.\n---\nClose at 22.", "articles_zh": "6点开。\n---\n22点关。",
        "opens_on": today.isoformat(), "closes_on": (today + dt.timedelta(days=9)).isoformat(),
        "short_reason_en": "The market reopens next month.", "short_reason_zh": "下月重新开市。",
        "allow_anonymous": "on",
    })  # fmt: skip
    assert r.status_code == 302
    c = Consultation.objects.get()
    assert c.articles.count() == 2
    assert (
        staff.post(f"/participation/staff/c/{c.reference}/act/", {"action": "publish"}).status_code
        == 302
    )
    page = Client().get(f"/participation/c/{c.reference}/").content.decode()
    assert "The market reopens next month." in page and "Close at 22." in page
    me = login(resident)
    r = me.post(
        f"/participation/c/{c.reference}/comment/",
        {"article": "2", "text": "Close at 23 on Fridays"},
    )
    assert r.status_code == 302
    r = Client().post(f"/participation/c/{c.reference}/comment/", {"article": "9", "text": "x"})
    assert r.status_code == 422
    manage = staff.get(f"/participation/staff/c/{c.reference}/").content.decode()
    assert "Close at 23 on Fridays" in manage
    com = Comment.objects.get()
    staff.post(f"/participation/staff/c/{c.reference}/act/", {"action": "close"})
    r = staff.post(f"/participation/staff/c/{c.reference}/act/", {"action": "respond"})
    assert r.status_code == 422
    staff.post(f"/participation/staff/c/{c.reference}/decision/",
               {"summary_en": "Fridays until 23.", "summary_zh": "周五至23点。", "url": "/d/1"})  # fmt: skip
    r = staff.post(f"/participation/staff/c/{c.reference}/dispose/",
                   {"comment": [str(com.pk)], "disposition": "adopted", "reason": "Fridays until 23"})  # fmt: skip
    assert r.status_code == 302
    assert (
        staff.post(f"/participation/staff/c/{c.reference}/act/", {"action": "respond"}).status_code
        == 302
    )
    res = Client().get(f"/participation/c/{c.reference}/results/").content.decode()
    assert "Fridays until 23" in res and "Close at 23 on Fridays" not in res and "100%" in res
    mine = me.get("/participation/mine/").content.decode()
    assert "Close at 23 on Fridays" in mine and "Adopted" in mine


def test_staff_pages_refuse_others(areas, resident, coordinator, make_user):
    assert login(resident).get("/participation/staff/").status_code == 403
    assert Client().get("/participation/staff/").status_code == 302
    assert login(coordinator).get("/participation/staff/c/ZQ-0000-00000/").status_code == 404
    assert Client().get("/participation/").status_code == 200
    assert Client().get("/participation/suggestions/").status_code == 200


def test_staff_hearing_and_statement_moderation_pages(areas, coordinator):
    from helpers import open_consultation

    from accord.participation import statements as st
    from accord.participation.models import Hearing

    c = open_consultation(coordinator, "T1", allow_statements=True)
    s = st.statement_add(consultation=c, pseudonym="p", text="Paint the bridge red")
    staff = login(coordinator)
    page = staff.get(f"/participation/staff/c/{c.reference}/").content.decode()
    assert "Schedule a hearing" in page and "Paint the bridge red" in page
    soon = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    r = staff.post(
        f"/participation/staff/c/{c.reference}/hearing/", {"held_at": soon, "place": "Hall"}
    )
    assert r.status_code == 302
    h = Hearing.objects.get()
    r = staff.post(f"/participation/staff/c/{c.reference}/materials/",
                   {"hearing": h.pk, "materials_en": "Maps", "materials_zh": "地图"})  # fmt: skip
    assert r.status_code == 409 and "7 days" in r.content.decode()
    r = staff.post(
        f"/participation/staff/c/{c.reference}/hide-statement/",
        {"statement": s.pk, "reason": "off_topic"},
    )
    assert r.status_code == 302
    assert (
        "Paint the bridge red"
        not in Client().get(f"/participation/c/{c.reference}/").content.decode()
    )


def test_edit_a_draft_page(areas, coordinator):
    from helpers import draft_input

    from accord.participation import consultations as svc

    c = svc.consultation_create(actor=coordinator, data=draft_input("T1"))
    staff = login(coordinator)
    page = staff.get(f"/participation/staff/c/{c.reference}/edit/").content.decode()
    assert "Parking on pavements is banned." in page and "\n---\n" in page
    today = timezone.localdate()
    r = staff.post(f"/participation/staff/c/{c.reference}/edit/", {
        "decision_type": "other", "title_en": "Parking, second draft", "title_zh": "停车（二稿）",
        "articles_en": "Only one article now.", "articles_zh": "现只有一条。",
        "opens_on": today.isoformat(), "closes_on": (today + dt.timedelta(days=29)).isoformat(),
    })  # fmt: skip
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.title_en == "Parking, second draft" and c.articles.count() == 1 and c.area.code == "T1"
