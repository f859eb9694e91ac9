"""Browser hardening headers on every response, no-store for authenticated responses,
templates that work under the CSP, 413 for oversized bodies, 429 on public endpoints."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

import accord
from accord.cases.models import Case
from accord.core.ipaddr import UNKNOWN, client_ip
from factories import ApiClient

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/"),
        ("get", "/login/"),
        ("get", "/track/"),
        ("get", "/file/"),
        ("get", "/healthz"),
        ("get", "/api/v1/categories"),
        ("get", "/api/v1/cases"),  # 401
        ("get", "/no-such-page/"),  # 404
        ("post", "/api/v1/track"),  # 422
    ],
)
def test_every_response_carries_the_hardening_headers(areas, method, path):
    response = getattr(Client(), method)(path)
    csp = _csp(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


def test_authenticated_responses_are_not_stored(areas, mediator, make_case, api_for):
    case, _ = make_case(area=areas.t1c1g1)
    client = Client()
    client.force_login(mediator)
    for path in ("/cases/", f"/cases/{case.reference}/", "/api/v1/cases", "/"):
        response = client.get(path)
        assert "no-store" in response["Cache-Control"], path
        assert "private" in response["Cache-Control"], path
    api = api_for(mediator)
    response = api.get(f"cases/{case.reference}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    # Pages holding a secret for anonymous users (intake result, tracking) are not stored either.
    assert "no-store" in Client().get("/track/")["Cache-Control"]
    assert "no-store" in Client().get("/login/")["Cache-Control"]


# --- templates are CSP-clean -----------------------------------------------------------------

INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I
)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_BLOCK = re.compile(r"<style\b", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def _templates() -> list[Path]:
    root = Path(accord.__file__).parent
    return sorted(root.glob("**/templates/**/*.html"))


def test_templates_need_no_unsafe_inline():
    """The production CSP has no 'unsafe-inline': no inline script, no on*= handlers, no
    style attributes or <style> blocks, no javascript: URLs in any template. Data for
    scripts goes through json_script (a JSON <script> is allowed)."""
    problems = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("inline event handler", INLINE_HANDLER),
            ("style attribute", STYLE_ATTR),
            ("<style> block", STYLE_BLOCK),
            ("javascript: URL", JS_URL),
        ):
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{path.relative_to(path.parents[3])}:{line}: {name}")
    assert _templates(), "templates were found"
    assert not problems, "\n".join(problems)


# --- 413 ---------------------------------------------------------------------------------------


def test_oversized_json_body_is_413(areas, api, settings):
    body = json.dumps({"category": "neighbour", "area": "T1C1G1", "description": "x" * 2_000_000})
    before = Case.objects.count()
    response = api.post("cases", raw=body)
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large.", "code": "too_large"}
    assert Case.objects.count() == before


def test_oversized_form_is_413_html(areas):
    client = Client()
    response = client.post(
        reverse("web:file_case"),
        {"description": "x" * 1_100_000, "category": "neighbour"},
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "too large" in response.content.decode()


def test_oversized_upload_is_413(areas, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ACCORD_MAX_UPLOAD_SIZE = 64 * 1024
    upload = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 100_000, "application/pdf")
    response = Client().post(reverse("web:file_case"), {"attachment": upload})
    assert response.status_code == 413


@pytest.mark.parametrize("csrf", [False, True])
def test_too_many_fields_is_413(areas, settings, csrf):
    # With CSRF enforced (as in production) the body is read before the view: still a 413.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    client = Client(enforce_csrf_checks=csrf)
    response = client.post(reverse("web:track"), {f"f{i}": "1" for i in range(50)})
    assert response.status_code == 413


def test_multipart_without_boundary_is_400(areas):
    response = Client(enforce_csrf_checks=True).generic(
        "POST", reverse("web:track"), b"x=1", content_type="multipart/form-data"
    )
    assert response.status_code == 400


def test_lying_content_length_is_refused(areas):
    response = Client().generic(
        "POST", "/api/v1/track", b"{}", content_type="application/json", CONTENT_LENGTH="abc"
    )
    assert response.status_code == 400


# --- 429 ---------------------------------------------------------------------------------------


def test_tracking_lookup_is_rate_limited(areas, make_case, settings):
    # The per-address request limit alone (the per-reference failure limit, which would block
    # the case from every address, is tested in tests/cases/test_track_rate_limit.py).
    settings.ACCORD_RATE_LIMITS = {
        **settings.ACCORD_RATE_LIMITS,
        "track": (5, 3600),
        "track_fail_ref": (100, 900),
    }
    case, secret = make_case(area=areas.t1c1g1)
    api = ApiClient()
    codes = [
        api.post("track", {"reference": case.reference, "secret": "wrong"}).status_code
        for _ in range(5)
    ]
    assert codes == [404] * 5
    blocked = api.post("track", {"reference": case.reference, "secret": secret})
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "rate_limited"
    assert 0 < int(blocked["Retry-After"]) <= 3600
    # The web form shares the bucket and answers in HTML.
    page = Client().post(reverse("web:track"), {"reference": case.reference, "secret": secret})
    assert page.status_code == 429 and page["Content-Type"].startswith("text/html")
    # Another address is not affected.
    other = ApiClient(client=Client(REMOTE_ADDR="198.51.100.1"))
    assert other.post("track", {"reference": case.reference, "secret": secret}).status_code == 200


def test_default_limits_allow_normal_use_and_block_floods(areas, api):
    limit, window = __import__("accord.config.settings", fromlist=["x"]).ACCORD_RATE_LIMITS[
        "filing"
    ]
    assert (limit, window) == (20, 3600)
    body = {"category": "neighbour", "area": "T1C1G1", "description": "Noise at night."}
    codes = [api.post("cases", body).status_code for _ in range(limit + 1)]
    assert codes[:limit] == [201] * limit
    assert codes[limit] == 429
    assert Case.objects.count() == limit


def test_staff_filing_for_walk_ins_is_not_limited(areas, mediator, api_for, settings):
    settings.ACCORD_RATE_LIMITS = {**settings.ACCORD_RATE_LIMITS, "filing": (2, 3600)}
    api = api_for(mediator)
    body = {"category": "neighbour", "area": "T1C1G1", "description": "Walk-in complaint."}
    assert [api.post("cases", body).status_code for _ in range(4)] == [201] * 4


def test_signed_in_residents_are_limited_per_account(areas, resident, api_for, settings):
    settings.ACCORD_RATE_LIMITS = {**settings.ACCORD_RATE_LIMITS, "filing": (2, 3600)}
    api = api_for(resident)
    body = {"category": "neighbour", "area": "T1C1G1", "description": "My neighbour's dog."}
    assert [api.post("cases", body).status_code for _ in range(3)] == [201, 201, 429]


def test_login_is_rate_limited_per_address(areas, settings):
    settings.ACCORD_RATE_LIMITS = {**settings.ACCORD_RATE_LIMITS, "login": (3, 600)}
    client = Client()
    codes = [
        client.post(reverse("web:login"), {"username": f"u{i}", "password": "x"}).status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    api = ApiClient()
    assert api.post("auth/token", {"username": "u9", "password": "x"}).status_code == 429


def test_client_address_behind_trusted_proxies(settings):
    rf = RequestFactory()
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.ACCORD_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"  # the header is ignored without a trusted proxy
    settings.ACCORD_TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"  # the address our proxy saw, not the spoofed one
    settings.ACCORD_TRUSTED_PROXIES = 3
    assert client_ip(request) == "10.0.0.1"  # fewer hops than proxies: fall back


def test_client_address_is_always_a_valid_ip(settings):
    """Axes stores the address in an IP column (PostgreSQL inet refuses anything else)."""
    rf = RequestFactory()
    settings.ACCORD_TRUSTED_PROXIES = 1
    bad_hop = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(bad_hop) == "10.0.0.1"
    settings.ACCORD_TRUSTED_PROXIES = 0
    missing = rf.get("/")
    del missing.META["REMOTE_ADDR"]
    assert client_ip(missing) == UNKNOWN
    assert client_ip(rf.get("/", REMOTE_ADDR="2001:DB8::1")) == "2001:db8::1"
