"""Run under ACCORD_ENV=production (by test_security_production.py, in a subprocess): migrate a
throwaway database, exercise the site over HTTPS and print what a browser would see as JSON.

Not a test module itself (no test_ prefix)."""

from __future__ import annotations

import json
import os
import sys
import time
from unittest import mock

import django


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "accord.config.settings"
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)

    import pyotp

    from accord.accounts.models import TotpDevice
    from accord.accounts.services import token_create, user_create
    from accord.core.models import Area, Level

    city = Area.objects.create(code="PC", name_en="City", name_zh="市", level=Level.CITY)
    county = Area.objects.create(
        code="PCO", name_en="County", name_zh="县", level=Level.COUNTY, parent=city
    )
    password = "production probe passphrase"  # noqa: S105
    staff = user_create(
        actor=None, username="probe_staff", role="county_supervisor", area_code=county.code,
        password=password,
    )  # fmt: skip
    user_create(
        actor=None, username="probe_resident", role="resident", area_code=county.code,
        password=password,
    )  # fmt: skip
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=staff, secret=secret, confirmed_at="2026-01-01T00:00:00Z")
    staff_token = token_create(actor=None, user=staff)

    out: dict = {"settings": {"DEBUG": settings.DEBUG, "ENV": settings.ENV}}
    out["password_hash_prefix"] = type(staff).objects.get(pk=staff.pk).password.split("$")[1]

    def headers(response) -> dict:
        return {k: v for k, v in response.headers.items()}

    def cookies(client) -> dict:
        return {
            name: {
                "secure": bool(m["secure"]),
                "httponly": bool(m["httponly"]),
                "samesite": m["samesite"],
            }
            for name, m in client.cookies.items()
        }

    host = {"HTTP_HOST": "accord.example.org"}
    anon = Client(**host)
    out["http_home"] = {
        "status": anon.get("/").status_code,
        "location": anon.get("/").get("Location"),
    }

    # A browser sends the Referer on same-origin HTTPS posts; Django's CSRF check requires it.
    https = Client(
        enforce_csrf_checks=True, HTTP_REFERER="https://accord.example.org/login/", **host
    )
    pages = {}
    for path in ("/", "/login/", "/track/", "/healthz", "/api/v1/categories", "/nope/"):
        r = https.get(path, secure=True)
        pages[path] = {"status": r.status_code, "headers": headers(r)}
    out["anonymous"] = pages
    for path in ("/api/v1/docs", "/api/v1/openapi.json"):
        r = https.get(path, secure=True)
        out.setdefault("docs_anonymous", {})[path] = r.status_code
        r = https.get(path, secure=True, HTTP_AUTHORIZATION=f"Bearer {staff_token}")
        out.setdefault("docs_staff", {})[path] = r.status_code

    # Staff login: password, then TOTP code; CSRF enforced as in a browser.
    login_page = https.get("/login/", secure=True)
    csrf = https.cookies[settings.CSRF_COOKIE_NAME].value
    r = https.post(
        "/login/",
        {"username": "probe_staff", "password": password, "csrfmiddlewaretoken": csrf},
        secure=True,
    )
    out["login_step1"] = {"status": r.status_code, "location": r.get("Location")}
    csrf = https.cookies[settings.CSRF_COOKIE_NAME].value
    r = https.post(
        "/login/code/",
        {"code": pyotp.TOTP(secret).at(time.time()), "csrfmiddlewaretoken": csrf},
        secure=True,
    )
    out["login_step2"] = {"status": r.status_code, "location": r.get("Location")}
    out["cookies"] = cookies(https)
    out["login_page_status"] = login_page.status_code
    r = https.get("/cases/", secure=True)
    out["staff_page"] = {"status": r.status_code, "headers": headers(r)}
    r = https.get("/api/v1/cases", secure=True)
    out["staff_api_session"] = {"status": r.status_code, "headers": headers(r)}

    # Errors: no traceback or settings, neither on pages nor in the API.
    boom = RuntimeError("probe-internal-detail " + settings.SECRET_KEY[:12])
    crashing = Client(raise_request_exception=False, **host)
    crashing.force_login(staff)
    with mock.patch("accord.cases.selectors.case_list_for", side_effect=boom):
        page = crashing.get("/cases/", secure=True)
        api = crashing.get("/api/v1/cases", secure=True)
    out["error_page"] = {"status": page.status_code, "body": page.content.decode()[:4000]}
    out["error_api"] = {"status": api.status_code, "body": api.content.decode()[:4000]}
    out["secret_prefix"] = settings.SECRET_KEY[:12]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
