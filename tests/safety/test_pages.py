"""The safety pages: report with a photo (metadata stripped), track, board, detail with the
actions open now, five implementations form, supervision list, registry; Chinese too."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accord.safety import hazards
from accord.safety.models import Hazard, Photo

pytestmark = pytest.mark.django_db


def _client(user=None, lang="en"):
    c = Client()
    if user is not None:
        c.force_login(user)
    c.cookies["django_language"] = lang
    return c


def test_resident_reports_with_a_photo_and_tracks(areas, make_png):
    c = _client()
    assert c.get("/safety/report/").status_code == 200
    photo = SimpleUploadedFile("p.jpg", make_png(exif=True), content_type="image/jpeg")
    r = c.post("/safety/report/", {"sector": "fire", "area": areas.t1c1g1.code,
               "address": "Block 2", "description": "Fire exit chained shut.", "photo": photo})  # fmt: skip
    assert r.status_code == 201, r.content.decode()[:2000]
    html = r.content.decode()
    ref = re.search(r'id="reference">([^<]+)<', html).group(1)
    secret = re.search(r'id="secret">([^<]+)<', html).group(1)
    hazard = Hazard.objects.get(reference=ref)
    assert hazard.source == "anonymous"
    stored = Photo.objects.get(hazard=hazard)
    from accord.safety import photos

    data = photos.path_of(stored.stored_name).read_bytes()
    assert b"SecretCam" not in data
    assert not Image.open(io.BytesIO(data)).getexif()  # camera and GPS data gone
    r = c.post("/safety/track/", {"reference": ref.lower(), "secret": secret})
    assert r.status_code == 200 and "Fire exit chained" not in r.content.decode()
    assert c.post("/safety/track/", {"reference": ref, "secret": "x"}).status_code == 404


def test_report_refuses_a_file_that_is_not_a_picture(areas):
    fake = SimpleUploadedFile("p.jpg", b"\xff\xd8\xff not really", content_type="image/jpeg")
    r = _client().post("/safety/report/", {"sector": "fire", "area": areas.t1c1g1.code,
                       "description": "x", "photo": fake})  # fmt: skip
    assert r.status_code == 422 and Hazard.objects.count() == 0


def test_board_detail_and_actions_for_inspectors(areas, inspector, inspector2, report, resident):
    h, _ = report()
    c = _client(inspector)
    r = c.get("/safety/")
    assert r.status_code == 200 and h.reference in r.content.decode()
    assert _client(resident).get("/safety/").status_code == 403
    page = c.get(f"/safety/hazards/{h.reference}/").content.decode()
    assert "Verify on site" in page and "Order rectification" not in page
    assert c.post(f"/safety/hazards/{h.reference}/act/", {"action": "verify"}).status_code == 302
    r = c.post(f"/safety/hazards/{h.reference}/act/", {"action": "grade", "grade": "major",
               "criterion": "major_hard_to_remove"})  # fmt: skip
    assert r.status_code == 302
    c.post(f"/safety/hazards/{h.reference}/act/", {"action": "order", "days": "30"})
    r = c.post(f"/safety/hazards/{h.reference}/act/", {"action": "start"})
    assert r.status_code == 422 and "five implementations" in r.content.decode()
    page = c.get(f"/safety/hazards/{h.reference}/").content.decode()
    assert 'id="five-form"' in page and "Rectification started" not in page
    r = c.post(f"/safety/hazards/{h.reference}/five/", {
        "responsibility": "Site manager", "measures": "Shore up", "funds": "CNY 20,000",
        "deadline": "2030-01-01", "contingency": "Evacuate block", "plan": "Two weeks"})  # fmt: skip
    assert r.status_code == 302
    zh = _client(inspector, "zh-hans").get(f"/safety/hazards/{h.reference}/").content.decode()
    assert "开始整改" in zh and "重大隐患" in zh
    assert _client(inspector).post(f"/safety/hazards/{h.reference}/act/",
                                   {"action": "start"}).status_code == 302  # fmt: skip
    assert "Major" in c.get("/safety/supervision/").content.decode() or h.reference in \
        c.get("/safety/supervision/").content.decode()  # fmt: skip
    assert hazards.Hazard.objects.get(pk=h.pk).status == "rectifying"


def test_places_for_safety_staff_only(place, inspector, resident, areas, make_user):
    c = _client(inspector)
    assert "Hengda" in c.get("/safety/places/").content.decode()
    page = c.get(f"/safety/places/{place.pk}/").content.decode()
    assert "Wu Gang" in page and "139 0000 1234" in page
    other = _client(make_user("inspector", areas.t2, username="p_t2"))
    assert other.get(f"/safety/places/{place.pk}/").status_code == 404
    assert _client(resident).get("/safety/places/").status_code == 403


def test_nav_links(inspector, resident):
    assert "/safety/report/" in _client().get("/").content.decode()
    home = _client(inspector, "zh-hans").get("/safety/").content.decode()
    assert "安全隐患" in home
