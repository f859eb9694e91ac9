"""Wrong tracking secrets are slowed down: after 5 failures for one reference within 15
minutes (and a looser limit per address) tracking answers 429 with Retry-After."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_api_five_wrong_secrets_then_429_even_with_the_right_one(areas, make_case, api):
    case, secret = make_case(area=areas.t1c1g1)
    for _ in range(5):
        r = api.post("track", {"reference": case.reference, "secret": "wrong-guess"})
        assert r.status_code == 404
    r = api.post("track", {"reference": case.reference, "secret": "wrong-guess"})
    assert r.status_code == 429
    assert r.json()["code"] == "too_many_attempts"
    assert "Too many wrong tracking secrets for this case" in r.json()["detail"]
    assert 0 < int(r["Retry-After"]) <= 900
    assert api.post("track", {"reference": case.reference, "secret": secret}).status_code == 429
    # Another case is not blocked by this one's failures.
    other, other_secret = make_case(area=areas.t1c1g1)
    ok = api.post("track", {"reference": other.reference, "secret": other_secret})
    assert ok.status_code == 200


def test_right_secret_does_not_count(areas, make_case, api):
    case, secret = make_case(area=areas.t1c1g1)
    for _ in range(8):
        assert api.post("track", {"reference": case.reference, "secret": secret}).status_code == 200


def test_per_address_limit_over_many_references(areas, make_case, api, settings):
    settings.ACCORD_RATE_LIMITS = {**settings.ACCORD_RATE_LIMITS, "track_fail_ip": (7, 900)}
    case, secret = make_case(area=areas.t1c1g1)
    for i in range(7):
        r = api.post("track", {"reference": f"AC-2026-99999{i:02d}", "secret": "x"})
        assert r.status_code == 404
    r = api.post("track", {"reference": case.reference, "secret": secret})
    assert r.status_code == 429 and "from your connection" in r.json()["detail"]
    # From another address the case is found.
    other = Client(REMOTE_ADDR="10.9.8.7")
    r = other.post(
        "/api/v1/track",
        {"reference": case.reference, "secret": secret},
        content_type="application/json",
    )
    assert r.status_code == 200


@pytest.mark.parametrize("language", [None, "zh-hans"])
def test_track_page_429_in_both_languages(areas, make_case, language):
    case, _secret = make_case(area=areas.t1c1g1)
    client = Client()
    if language:
        client.cookies["django_language"] = language
    url = reverse("web:track")
    for _ in range(5):
        assert client.post(url, {"reference": case.reference, "secret": "bad"}).status_code == 404
    r = client.post(url, {"reference": case.reference.lower(), "secret": "bad"})
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    body = r.content.decode()
    if language:
        assert "查询密码错误次数过多" in body
    else:
        assert "Too many wrong tracking secrets for this case" in body
