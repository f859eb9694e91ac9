"""The second step of staff login: TOTP code, or enrolment of an authenticator."""

from __future__ import annotations

import base64

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accord.accounts import services, twofactor
from accord.accounts.forms import CodeForm
from accord.accounts.lockout import lockout_response


def _next(request: HttpRequest, state: twofactor.Pending) -> str:
    url = state.next_url
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return settings.LOGIN_REDIRECT_URL


def _locked(request: HttpRequest, state: twofactor.Pending) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": state.user.get_username()})


def _wrong_code(request: HttpRequest, state: twofactor.Pending, form: CodeForm, template, ctx):
    twofactor.report_failure(request, state.user)
    if not twofactor.count_failure(request):
        return redirect("web:login")
    form.add_error("code", _("That code is not valid. Check the time on your phone and retry."))
    return render(request, template, {**ctx, "form": form}, status=422)


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def totp_verify(request: HttpRequest) -> HttpResponse:
    state = twofactor.pending(request)
    if state is None:
        return redirect("web:login")
    device = twofactor.confirmed_device(state.user)
    if device is None:
        return redirect("accounts:totp_enrol")
    if _locked(request, state):
        return lockout_response(request)
    form = CodeForm(request.POST or None)
    template = "accounts/totp_verify.html"
    if request.method == "POST":
        if form.is_valid() and twofactor.verify_device(device, form.cleaned_data["code"]):
            twofactor.finish(request, state)
            return redirect(_next(request, state))
        return _wrong_code(request, state, form, template, {})
    return render(request, template, {"form": form})


def _qr_data_uri(uri: str) -> str:
    try:
        import segno
    except ImportError:  # optional: the key can be typed in
        return ""
    import io

    buf = io.BytesIO()
    segno.make(uri, error="m").save(buf, kind="svg", scale=5, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def totp_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator during a pending login (first staff login)."""
    state = twofactor.pending(request)
    if state is None:
        return redirect("web:login")
    if twofactor.confirmed_device(state.user) is not None:
        return redirect("accounts:totp_verify")
    if _locked(request, state):
        return lockout_response(request)
    if not state.secret:
        state.secret = twofactor.new_secret()
        twofactor.remember_secret(request, state.secret)
    uri = twofactor.provisioning_uri(state.user, state.secret)
    ctx = {
        "secret": " ".join(state.secret[i : i + 4] for i in range(0, len(state.secret), 4)),
        "uri": uri,
        "qr": _qr_data_uri(uri),
    }
    form = CodeForm(request.POST or None)
    template = "accounts/totp_enrol.html"
    if request.method == "POST":
        if form.is_valid() and services.totp_enrol(
            user=state.user, secret=state.secret, code=form.cleaned_data["code"]
        ):
            twofactor.finish(request, state)
            return redirect(_next(request, state))
        return _wrong_code(request, state, form, template, ctx)
    return render(request, template, {**ctx, "form": form})


@never_cache
@login_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password: this session continues, every other session and every
    API token of the user ends."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.user_set_password(
                actor=request.user,
                user=request.user,
                password=form.cleaned_data["new_password1"],
                request=request,
            )
            messages.success(
                request,
                _("Your password was changed. You were signed out everywhere else."),
            )
            return redirect(settings.LOGIN_REDIRECT_URL)
        return render(request, "accounts/password_change.html", {"form": form}, status=422)
    return render(request, "accounts/password_change.html", {"form": form})
