"""Staff pages of the resolution app: render in English and Chinese, are scoped, act, carry no
inline script or style, and every control has a label."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from accord.resolution import workflow as wf
from accord.resolution.models import Document, FollowUp, Proceeding
from accord.resolution.proceedings import OpenInput, proceeding_open
from accord.resolution.transitions import proceeding_transition

pytestmark = pytest.mark.django_db


class Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)


def check_html(html: str) -> None:
    parser = Controls()
    parser.feed(html)
    missing = [c for c in parser.controls if c.get("id") not in parser.label_for]
    assert missing == []
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "style=" not in html and "<style" not in html and " onclick=" not in html


@pytest.fixture
def setup(areas, make_case, mediator):
    case, _ = make_case(area=areas.t1c1g1, actor=mediator, category="traffic")
    today = dt.date.today()
    p = proceeding_open(
        actor=mediator,
        case=case,
        data=OpenInput(channel=wf.ADMIN_MEDIATION, applied_on=today - dt.timedelta(days=40)),
    )
    proceeding_transition(
        actor=mediator, proceeding=p, action="accept", on_date=today - dt.timedelta(days=40)
    )
    client = Client()
    client.force_login(mediator)
    return case, p, client


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pages_render(setup, language):
    case, p, client = setup
    client.cookies["django_language"] = language
    doc = Document.objects.filter(proceeding=p, language="zh-hans").first()
    urls = [
        reverse("resolution:board"),
        reverse("resolution:board") + "?tier=township",
        reverse("resolution:case", args=[case.reference]),
        reverse("resolution:proceeding", args=[p.number]),
        reverse("resolution:document", args=[doc.pk]),
        reverse("resolution:metrics"),
    ]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        check_html(r.content.decode())
    board = client.get(reverse("resolution:board")).content.decode()
    assert p.number in board
    assert ("督办" in board) if language == "zh-hans" else ("Supervision board" in board)
    page = client.get(reverse("resolution:proceeding", args=[p.number])).content.decode()
    assert ("法定期限" in page) if language == "zh-hans" else ("Statutory clocks" in page)


def test_pages_are_scoped(setup, areas, make_user):
    case, p, _ = setup
    other = Client()
    other.force_login(make_user("mediator", areas.t2))
    assert other.get(reverse("resolution:proceeding", args=[p.number])).status_code == 404
    assert other.get(reverse("resolution:case", args=[case.reference])).status_code == 404
    assert other.get(reverse("resolution:dossier_pdf", args=[case.reference])).status_code == 404
    assert p.number not in other.get(reverse("resolution:board")).content.decode()
    resident = Client()
    resident.force_login(make_user("resident", areas.t1c1g1))
    assert resident.get(reverse("resolution:board")).status_code == 403


def test_act_and_pdf(setup):
    case, p, client = setup
    url = reverse("resolution:proceeding_act", args=[p.number])
    r = client.post(url, {"action": "suspend", "note": ""}, follow=True)
    assert "note giving the reason" in r.content.decode()
    r = client.post(url, {"action": "suspend", "note": "鉴定"}, follow=True)
    assert r.status_code == 200
    assert p.clocks.get(rule__code="admin_mediation.mediate").state == "suspended"
    pdf = client.get(reverse("resolution:dossier_pdf", args=[case.reference]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    r = client.post(
        reverse("resolution:case_open", args=[case.reference]),
        {"channel": "litigation_referral", "applied_on": dt.date.today().isoformat()},
    )
    assert r.status_code == 302 and "/proceedings/" in r["Location"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_public_time_limits_page(db, language):
    client = Client()
    client.cookies["django_language"] = language
    url = reverse("resolution:limitations")
    r = client.get(url, {"category": "labour", "knew_on": "2025-11-01"})
    assert r.status_code == 200
    html = r.content.decode()
    check_html(html)
    assert "2026-11-02" in html  # 1 Nov 2026 is a Sunday → Monday
    assert ("劳动人事争议仲裁" in html) if language == "zh-hans" else ("Labour arbitration" in html)
    assert client.get(url, {"knew_on": "yesterday"}).status_code == 422


def test_session_handoff_followup_archive_forms(areas, make_case, mediator, coordinator):
    case, _ = make_case(area=areas.t1c1g1, actor=mediator)
    p = proceeding_open(
        actor=mediator,
        case=case,
        data=OpenInput(channel=wf.PEOPLE_MEDIATION, applied_on=dt.date(2025, 9, 1)),
    )
    proceeding_transition(
        actor=mediator, proceeding=p, action="accept", on_date=dt.date(2025, 9, 2)
    )
    client = Client()
    client.force_login(mediator)
    page = client.get(reverse("resolution:proceeding", args=[p.number])).content.decode()
    check_html(page)
    assert reverse("resolution:session", args=[p.number]) in page
    r = client.post(
        reverse("resolution:session", args=[p.number]),
        {"held_at": "2025-09-03T10:00", "place": "调解室", "attendees": "王, 张", "record": "笔录"},
    )
    assert r.status_code == 302 and p.sessions.count() == 1
    assert p.sessions.get().attendees == ["王", "张"]
    r = client.post(
        reverse("resolution:handoff", args=[p.number]),
        {"channel": "litigation_referral", "applied_on": "2025-09-05", "note": "当事人选择诉讼"},
    )
    new = Proceeding.objects.get(previous=p)
    assert r.status_code == 302 and r["Location"].endswith(f"/proceedings/{new.number}/")
    r = client.post(
        reverse("resolution:handoff", args=[p.number]),
        {"channel": "judicial_confirmation"},
        follow=True,
    )
    assert "cannot be handed" in r.content.decode()
    proceeding_transition(
        actor=mediator, proceeding=new, action="accept", on_date=dt.date(2025, 9, 6)
    )
    proceeding_transition(
        actor=mediator,
        proceeding=new,
        action="conclude",
        outcome="judgment",
        on_date=dt.date(2025, 10, 6),
    )
    f = FollowUp.objects.get(case=case)
    page = client.get(reverse("resolution:case", args=[case.reference])).content.decode()
    check_html(page)
    r = client.post(
        reverse("resolution:followup", args=[case.reference, f.pk]),
        {"performed": "yes", "satisfaction": "4", "remaining_risk": "low"},
    )
    f.refresh_from_db()
    assert r.status_code == 302 and f.done_on is not None and f.satisfaction == 4
    r = client.post(reverse("resolution:archive", args=[case.reference]), follow=True)
    assert "only a coordinator" in r.content.decode()
    coord = Client()
    coord.force_login(coordinator)
    r = coord.post(reverse("resolution:archive", args=[case.reference]), follow=True)
    assert "dossier is incomplete" in r.content.decode()
