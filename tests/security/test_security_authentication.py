"""ASVS V6/V7 (authentication, session management): argon2id, password rules, lockout,
TOTP second factor for staff (web and API), session key rotation, timeouts, and ending
sessions and tokens when a user is deactivated or their password changes."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from login_helpers import client_from, code_for, post_login, signed_in

from accord.accounts import services
from accord.accounts.models import ApiToken, TotpDevice, User
from accord.config import settings as accord_settings
from accord.core.middleware import SESSION_AUTH_AT, SESSION_SEEN_AT
from accord.core.models import AuditEvent
from factories import PASSWORD, ApiClient

pytestmark = pytest.mark.django_db


# --- password storage and rules -------------------------------------------------------------


def test_argon2id_is_the_configured_hasher(settings):
    # The suite swaps in a fast hasher (tests/conftest.py); the real settings module does not.
    assert accord_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = accord_settings.PASSWORD_HASHERS
    encoded = make_password("a long enough passphrase")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("a long enough passphrase", encoded)


def test_old_hashes_are_upgraded_to_argon2id_at_login(settings, areas, make_user):
    settings.PASSWORD_HASHERS = accord_settings.PASSWORD_HASHERS
    user = make_user("resident", areas.t1c1g1, username="legacy")
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert post_login(Client(), "legacy").status_code == 302
    assert User.objects.get(pk=user.pk).password.startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    "password",
    [
        "short-pass1",  # 11 characters
        "q1w2e3r4t5y6",  # on the common-password list
        "123456789012345",  # numeric only
    ],
)
def test_weak_passwords_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, User(username="someone"))


@pytest.mark.parametrize(
    "password",
    [
        "twelve chars",  # exactly 12, with a space
        "山高水长人心齐家和万事兴",  # 12 Chinese characters
        "пароль-для-входа",  # Cyrillic
        "🔑🔒 emoji passphrase ✓",
        "x" * 64 + "y" * 64,  # long passphrases are fine
    ],
)
def test_long_unicode_passwords_accepted(password):
    validate_password(password, User(username="someone"))


def test_user_create_refuses_weak_password(areas):
    from accord.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        services.user_create(
            actor=None, username="weak", role="mediator", area_code="T1", password="elevenchars"
        )
    assert exc.value.code == "weak_password"
    assert not User.objects.filter(username="weak").exists()


# --- lockout (django-axes) ---------------------------------------------------------------------


def test_lockout_per_user_name_across_addresses(areas, mediator):
    for i in range(4):
        response = post_login(client_from(f"10.0.0.{i}"), "mediator_t1", "wrong password!")
        assert response.status_code == 200  # the form again, with an error
    locked = post_login(client_from("10.0.0.9"), "mediator_t1", "wrong password!")
    assert locked.status_code == 429
    # Now even the right password from a fresh address is refused.
    again = post_login(client_from("10.0.1.1"), "mediator_t1")
    assert again.status_code == 429
    assert "Too many failed sign-in attempts" in again.content.decode()
    assert again["Retry-After"] == "900"


def test_lockout_per_address_across_user_names(areas, make_user):
    make_user("resident", areas.t1c1g1, username="innocent")
    for i in range(5):
        post_login(client_from("192.0.2.7"), f"guess{i}", "wrong password!")
    # Another account from the same address is locked out too ...
    assert post_login(client_from("192.0.2.7"), "innocent").status_code == 429
    # ... but not from another address.
    assert post_login(client_from("192.0.2.8"), "innocent").status_code == 302


def test_success_resets_the_failure_count(areas, mediator):
    client = client_from("10.1.1.1")
    for _ in range(4):
        post_login(client, "mediator_t1", "wrong password!")
    assert post_login(client, "mediator_t1").status_code == 302
    client = client_from("10.1.1.1")
    for _ in range(4):
        assert post_login(client, "mediator_t1", "wrong password!").status_code == 200


def test_api_token_issuance_locks_out_too(areas, mediator, api):
    body = {"username": "mediator_t1", "password": "wrong password!"}
    codes = [api.post("auth/token", body).status_code for _ in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    locked = api.post("auth/token", {"username": "mediator_t1", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"


# --- API token issuance ------------------------------------------------------------------------


def test_token_issuance_without_second_factor_when_not_required(areas, mediator, api):
    r = api.post("auth/token", {"username": "mediator_t1", "password": PASSWORD, "name": "app"})
    assert r.status_code == 201, r.content
    token = r.json()["token"]
    assert ApiClient(token).get("cases").status_code == 200
    assert AuditEvent.objects.filter(action="token.create").exists()
    # The holder can revoke it.
    assert (
        ApiClient(token)
        .client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {token}"})
        .status_code
        == 204
    )
    assert ApiClient(token).get("cases").status_code == 401


def test_token_issuance_refuses_unknown_fields_and_bad_credentials(areas, mediator, api):
    r = api.post("auth/token", {"username": "mediator_t1", "password": PASSWORD, "admin": True})
    assert r.status_code == 422
    r = api.post("auth/token", {"username": "nobody", "password": PASSWORD})
    assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_token_issuance_requires_totp_for_staff(totp_on, areas, mediator, resident, api):
    body = {"username": "mediator_t1", "password": PASSWORD}
    r = api.post("auth/token", body)
    assert r.status_code == 403 and r.json()["code"] == "totp_enrolment_required"
    secret = pyotp.random_base32()
    services.totp_enrol(user=mediator, secret=secret, code=code_for(secret, -1))
    r = api.post("auth/token", body)
    assert r.status_code == 401 and r.json()["code"] == "totp_required"
    r = api.post("auth/token", {**body, "otp": "000000" if code_for(secret) != "000000" else "1"})
    assert r.status_code in (401, 422)
    code = code_for(secret)
    r = api.post("auth/token", {**body, "otp": code})
    assert r.status_code == 201, r.content
    # The same code cannot be used twice.
    replay = api.post("auth/token", {**body, "otp": code})
    assert replay.status_code == 401 and replay.json()["code"] == "totp_invalid"
    # Residents are not staff: no second factor.
    r = api.post("auth/token", {"username": "resident_1", "password": PASSWORD})
    assert r.status_code == 201
    assert ApiToken.objects.filter(user=mediator).count() == 1


# --- TOTP on the web ---------------------------------------------------------------------------


def _enrol_on_web(client: Client, username: str) -> str:
    response = post_login(client, username)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:totp_enrol")
    page = client.get(reverse("accounts:totp_enrol"))
    assert page.status_code == 200
    secret = page.context["secret"].replace(" ", "")
    assert page.context["uri"].startswith("otpauth://totp/")
    return secret


def test_staff_web_login_needs_enrolment_then_a_code(totp_on, areas, mediator):
    client = Client()
    secret = _enrol_on_web(client, "mediator_t1")
    assert not signed_in(client), "the password alone does not sign staff in"
    wrong = client.post(reverse("accounts:totp_enrol"), {"code": "12345x"})
    assert wrong.status_code == 422
    assert not TotpDevice.objects.filter(user=mediator).exists()
    done = client.post(reverse("accounts:totp_enrol"), {"code": code_for(secret)})
    assert done.status_code == 302
    assert signed_in(client)
    device = TotpDevice.objects.get(user=mediator)
    assert device.confirmed_at is not None
    assert AuditEvent.objects.filter(action="user.totp_enrol").exists()

    # Next time: password, then the code page.
    other = Client()
    response = post_login(other, "mediator_t1")
    assert response["Location"] == reverse("accounts:totp_verify")
    assert not signed_in(other)
    TotpDevice.objects.filter(pk=device.pk).update(last_step=0)  # allow the current step again
    response = other.post(reverse("accounts:totp_verify"), {"code": code_for(secret)})
    assert response.status_code == 302
    assert signed_in(other)


def test_wrong_codes_end_the_attempt_and_count_as_failures(totp_on, areas, mediator):
    secret = pyotp.random_base32()
    services.totp_enrol(user=mediator, secret=secret, code=code_for(secret))
    client = client_from("203.0.113.5")
    post_login(client, "mediator_t1")
    bad = "000000" if code_for(secret) != "000000" else "111111"
    statuses = [
        client.post(reverse("accounts:totp_verify"), {"code": bad}).status_code for _ in range(5)
    ]
    assert statuses == [422, 422, 422, 422, 429]  # the 5th wrong code locks the account
    assert not signed_in(client)
    # The half-done login is gone, and the password is refused while locked out.
    gone = client.get(reverse("accounts:totp_verify"))
    assert gone.status_code == 302 and gone["Location"] == reverse("web:login")
    assert post_login(client_from("203.0.113.99"), "mediator_t1").status_code == 429


def test_code_page_without_password_step_goes_to_login(totp_on, areas, mediator):
    client = Client()
    response = client.post(reverse("accounts:totp_verify"), {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("web:login")
    response = client.get(reverse("accounts:totp_enrol"))
    assert response.status_code == 302 and response["Location"] == reverse("web:login")


def test_residents_sign_in_without_second_factor(totp_on, areas, resident):
    client = Client()
    response = post_login(client, "resident_1")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_totp_setting_defaults():
    assert accord_settings.ACCORD_REQUIRE_TOTP is accord_settings.PRODUCTION


# --- sessions ------------------------------------------------------------------------------------


def test_login_issues_a_new_session_key(areas, mediator, settings):
    client = Client()
    session = client.session
    session["before-login"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key
    assert post_login(client, "mediator_t1").status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after and after != before


def test_session_cookie_lifetime_is_the_idle_timeout():
    assert accord_settings.SESSION_COOKIE_AGE == 30 * 60
    assert accord_settings.ACCORD_SESSION_ABSOLUTE_SECONDS == 12 * 3600


def _age_session(client: Client, **seconds_ago: float) -> None:
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[{"auth": SESSION_AUTH_AT, "seen": SESSION_SEEN_AT}[key]] = now - ago
    session.save()


def test_idle_timeout_30_minutes(areas, mediator):
    client = Client()
    client.force_login(mediator)
    _age_session(client, seen=29 * 60)
    assert signed_in(client), "29 idle minutes: still signed in (and refreshed)"
    assert time.time() - client.session[SESSION_SEEN_AT] < 5
    _age_session(client, seen=31 * 60)
    assert not signed_in(client)


def test_absolute_timeout_12_hours(areas, mediator):
    client = Client()
    client.force_login(mediator)
    _age_session(client, auth=11.9 * 3600, seen=10)
    assert signed_in(client)
    _age_session(client, auth=12 * 3600 + 5, seen=10)
    assert not signed_in(client), "active, but 12 hours after login"


def test_session_api_auth_obeys_the_timeouts(areas, mediator):
    client = Client()
    client.force_login(mediator)
    assert client.get("/api/v1/cases").status_code == 200
    _age_session(client, seen=31 * 60)
    assert client.get("/api/v1/cases").status_code == 401


# --- deactivation and password change end sessions and tokens --------------------------------


def _two_sessions_and_a_token(user):
    a, b = Client(), Client()
    a.force_login(user)
    b.force_login(user)
    token = services.token_create(actor=None, user=user)
    assert signed_in(a) and signed_in(b) and ApiClient(token).get("cases").status_code == 200
    return a, b, token


def test_deactivation_ends_sessions_and_tokens(areas, mediator, coordinator):
    a, b, token = _two_sessions_and_a_token(mediator)
    services.user_deactivate(actor=coordinator, user=mediator)
    assert not signed_in(a) and not signed_in(b)
    assert ApiClient(token).get("cases").status_code == 401
    assert not ApiToken.objects.filter(user=mediator, revoked_at__isnull=True).exists()
    assert post_login(Client(), "mediator_t1").status_code == 200  # cannot log in
    assert AuditEvent.objects.filter(action="user.deactivate").exists()


def test_password_change_ends_sessions_and_tokens(areas, mediator):
    a, b, token = _two_sessions_and_a_token(mediator)
    services.user_set_password(actor=mediator, user=mediator, password="a brand new passphrase")
    assert not signed_in(a) and not signed_in(b)
    assert ApiClient(token).get("cases").status_code == 401
    # A token issued after the change works.
    fresh = services.token_create(actor=None, user=mediator)
    assert ApiClient(fresh).get("cases").status_code == 200
    assert AuditEvent.objects.filter(action="user.password_change").exists()


def test_password_change_by_any_code_path_ends_sessions_and_tokens(areas, mediator):
    """Even a change that bypasses the service (e.g. `accord changepassword`)."""
    a, b, token = _two_sessions_and_a_token(mediator)
    user = User.objects.get(pk=mediator.pk)
    user.set_password("changed elsewhere, still long")
    user.save()
    assert not signed_in(a) and not signed_in(b)
    assert ApiClient(token).get("cases").status_code == 401


def test_own_password_change_keeps_the_current_session(areas, mediator, rf, settings):
    from django.contrib.sessions.backends.db import SessionStore

    a, b, token = _two_sessions_and_a_token(mediator)
    request = rf.post("/")
    request.user = mediator
    request.session = SessionStore(session_key=a.session.session_key)
    services.user_set_password(
        actor=mediator, user=mediator, password="my own new passphrase", request=request
    )
    request.session.save()
    # (the response would carry the rotated session key to the browser)
    a.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    assert signed_in(a), "the session that changed the password continues"
    assert not signed_in(b)
    assert ApiClient(token).get("cases").status_code == 401


def test_end_all_sessions(areas, mediator):
    a, b, token = _two_sessions_and_a_token(mediator)
    services.user_end_sessions(actor=None, user=mediator)
    assert not signed_in(a) and not signed_in(b)
    assert ApiClient(token).get("cases").status_code == 401


# --- operator commands -------------------------------------------------------------------------


def test_operator_commands(areas, mediator):
    import io

    from django.core.management import CommandError, call_command

    secret = pyotp.random_base32()
    services.totp_enrol(user=mediator, secret=secret, code=code_for(secret))
    a, b, token = _two_sessions_and_a_token(mediator)
    call_command("end-sessions", "mediator_t1", stdout=io.StringIO())
    assert not signed_in(a) and ApiClient(token).get("cases").status_code == 401
    call_command("reset-totp", "mediator_t1", stdout=io.StringIO())
    assert not TotpDevice.objects.filter(user=mediator).exists()
    call_command("deactivate-user", "mediator_t1", stdout=io.StringIO())
    assert not User.objects.get(pk=mediator.pk).is_active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.end_sessions", "user.totp_reset", "user.deactivate"} <= actions
    with pytest.raises(CommandError):
        call_command("deactivate-user", "ghost", stdout=io.StringIO())


def test_second_step_and_lockout_in_chinese(totp_on, areas, mediator):
    client = Client()
    client.cookies["django_language"] = "zh-hans"
    post_login(client, "mediator_t1")
    page = client.get(reverse("accounts:totp_enrol")).content.decode()
    assert "设置身份验证器" in page and "Set up your authenticator" not in page
    for _ in range(5):
        locked = post_login(client, "mediator_t1", "wrong password!")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()


def test_password_change_page(areas, mediator):
    a, b, token = _two_sessions_and_a_token(mediator)
    url = reverse("accounts:password_change")
    weak = a.post(
        url, {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert weak.status_code == 422
    wrong_old = a.post(
        url,
        {"old_password": "not it at all", "new_password1": "a new passphrase 2026",
         "new_password2": "a new passphrase 2026"},
    )  # fmt: skip
    assert wrong_old.status_code == 422
    done = a.post(
        url,
        {"old_password": PASSWORD, "new_password1": "a new passphrase 2026",
         "new_password2": "a new passphrase 2026"},
    )  # fmt: skip
    assert done.status_code == 302
    assert signed_in(a), "the session that changed the password continues"
    assert not signed_in(b)
    assert ApiClient(token).get("cases").status_code == 401
    assert User.objects.get(pk=mediator.pk).check_password("a new passphrase 2026")
