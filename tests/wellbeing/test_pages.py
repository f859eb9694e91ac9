"""The pages: Help now on every resident page without login, the screening with its crisis
view, the danger button, the counsellor's board."""

from __future__ import annotations

from django.test import Client

from accord.wellbeing.models import CrisisAlert, Screening


def test_every_page_carries_help_now(db, network):
    for url in ("/", "/wellbeing/help/", "/wellbeing/screening/phq9/"):
        html = Client().get(url).content.decode()
        assert 'href="/wellbeing/help/"' in html and 'href="tel:12356"' in html, url


def test_help_page_shows_numbers_units_open_now_and_forms(network, areas, settings):
    settings.ACCORD_WELLBEING_HOTLINE, settings.ACCORD_EMERGENCY_NUMBER = "400-161-9995", "112"
    html = Client().get("/wellbeing/help/?area=T1C1").content.decode()
    assert 'href="tel:400-161-9995"' in html and 'href="tel:112"' in html
    assert "T1 station" in html and "Open now" in html  # U-T1 is always open
    assert 'action="/wellbeing/danger/"' in html and 'action="/wellbeing/request/"' in html


def test_phq9_item9_page_shows_hotline_and_alerts(network, areas):
    c = Client()
    data = {f"q{i}": "0" for i in range(1, 10)} | {"q9": "2", "area": "T1C1", "key": "pagekey1"}
    r = c.post("/wellbeing/screening/phq9/", data)
    html = r.content.decode()
    assert r.status_code == 200
    assert html.index('href="tel:12356"') < html.index("not a diagnosis")
    assert "on-call counsellor of your area has been alerted" in html
    assert CrisisAlert.objects.get().submission_key == "pagekey1"
    assert Screening.objects.count() == 0  # no consent: not kept


def test_incomplete_screening_is_refused_with_a_message(network):
    r = Client().post("/wellbeing/screening/gad7/", {"q1": "1"})
    assert r.status_code == 422 and "Please answer every question" in r.content.decode()
    assert Client().get("/wellbeing/screening/bdi/").status_code == 404


def test_danger_button_and_board_acknowledge(network, areas):
    r = Client().post("/wellbeing/danger/", {"area": "T1", "contact": "13900000000", "key": "d1"})
    assert r.status_code == 200 and 'href="tel:120"' in r.content.decode()
    alert = CrisisAlert.objects.get()
    c = Client()
    c.force_login(network.c1)
    board = c.get("/wellbeing/board/").content.decode()
    assert alert.reference in board and "13900000000" in board
    assert 'href="/wellbeing/board/"' in board  # the counsellors' nav link
    c.post(f"/wellbeing/alerts/{alert.reference}/act/", {"action": "acknowledge"})
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    other = Client()
    other.force_login(network.c_t2)
    assert other.post(f"/wellbeing/alerts/{alert.reference}/act/",
                      {"action": "resolve", "note": "x"}).status_code == 404  # fmt: skip
    resident = Client()
    assert resident.get("/wellbeing/board/").status_code == 302  # login first
