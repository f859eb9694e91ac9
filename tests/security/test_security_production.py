"""Production settings (ACCORD_ENV=production), checked in a separate process so that the real
settings module is imported with the production environment: Django's deployment checks,
HSTS, CSP, cookies, no-store, TOTP at login, error pages, API docs."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SECRET = "prod-test-" + "k3y" * 20  # only for this throwaway process


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DJANGO_"))}
    env.update(
        ACCORD_ENV="production",
        ACCORD_SECRET_KEY=SECRET,
        ACCORD_ALLOWED_HOSTS="accord.example.org",
        ACCORD_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        PYTHONPATH=str(HERE.parent),
        # Field-encryption, blind-index and audit keys (required in production once the data
        # protection part is merged; throwaway values for this process).
        ACCORD_FIELD_KEYS="t1:" + base64.b64encode(b"f" * 32).decode(),
        ACCORD_INDEX_KEY=base64.b64encode(b"i" * 32).decode(),
        ACCORD_AUDIT_KEY=base64.b64encode(b"a" * 32).decode(),
    )
    return env


def test_deploy_checks_pass_at_warning_level(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "accord", "check", "--deploy", "--fail-level", "WARNING"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _env(tmp_path)
    del env["ACCORD_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "accord", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "ACCORD_SECRET_KEY" in result.stderr


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("prod")
    result = subprocess.run(
        [sys.executable, str(HERE / "prod_probe.py")],
        env=_env(tmp),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout)


def test_debug_is_off_and_passwords_are_argon2id(probe):
    assert probe["settings"] == {"DEBUG": False, "ENV": "production"}
    assert probe["password_hash_prefix"] == "argon2id"


def test_plain_http_is_redirected_to_https(probe):
    assert probe["http_home"]["status"] == 301
    assert probe["http_home"]["location"].startswith("https://accord.example.org/")


def test_every_response_has_hsts_csp_nosniff_referrer_policy(probe):
    responses = {**probe["anonymous"], "staff": probe["staff_page"]}
    responses["staff api"] = probe["staff_api_session"]
    for path, r in responses.items():
        h = r["headers"]
        hsts = h["Strict-Transport-Security"]
        max_age = int(hsts.split("max-age=")[1].split(";")[0])
        assert max_age >= 31536000, path
        assert "includeSubDomains" in hsts, path
        csp = h["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp, path
        assert h["X-Content-Type-Options"] == "nosniff", path
        assert h["Referrer-Policy"] in {
            "same-origin",
            "strict-origin-when-cross-origin",
            "no-referrer",
        }
    assert probe["anonymous"]["/nope/"]["status"] == 404


def test_staff_login_needs_the_second_factor_and_cookies_are_locked_down(probe):
    assert probe["login_page_status"] == 200
    assert probe["login_step1"] == {"status": 302, "location": "/login/code/"}
    assert probe["login_step2"]["status"] == 302
    cookies = probe["cookies"]
    session, csrf = cookies["__Host-accord_session"], cookies["__Host-accord_csrf"]
    assert session == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert csrf["secure"] is True and csrf["samesite"] == "Lax"
    assert probe["staff_page"]["status"] == 200


def test_authenticated_pages_are_no_store(probe):
    for key in ("staff_page", "staff_api_session"):
        assert "no-store" in probe[key]["headers"]["Cache-Control"], key
    assert probe["staff_api_session"]["status"] == 200


def test_error_pages_show_no_traceback_or_settings(probe):
    for key in ("error_page", "error_api"):
        r = probe[key]
        assert r["status"] == 500, key
        body = r["body"]
        for leak in ("Traceback", "probe-internal-detail", probe["secret_prefix"], "SECRET_KEY",
                     "settings", "RuntimeError", "File \""):  # fmt: skip
            assert leak not in body, (key, leak)
    assert json.loads(probe["error_api"]["body"])["code"] == "server_error"


def test_api_docs_are_not_public(probe):
    assert probe["docs_anonymous"] == {"/api/v1/docs": 404, "/api/v1/openapi.json": 404}
    assert probe["docs_staff"] == {"/api/v1/docs": 200, "/api/v1/openapi.json": 200}
