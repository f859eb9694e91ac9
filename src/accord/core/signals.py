"""Receivers that feed the access chain: the client address of each request, and logins,
logouts and failed logins (whatever view performs them)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.signals import request_finished, request_started
from django.dispatch import receiver

from accord.core.audit import access_record, current_source
from accord.core.ipaddr import address_from_meta, client_address


@receiver(request_started)
def _remember_source(sender, environ=None, scope=None, **kwargs) -> None:
    if environ is not None:
        current_source.set(address_from_meta(environ, default=""))
    elif scope is not None:
        client = scope.get("client") or ("",)
        current_source.set(str(client[0] or ""))


@receiver(request_finished)
def _forget_source(sender, **kwargs) -> None:
    current_source.set("")


@receiver(user_logged_in)
def _login(sender, request=None, user=None, **kwargs) -> None:
    access_record(
        actor=user,
        action="auth.login",
        object_type="user",
        object_id=user.pk if user else "",
        source=client_address(request) if request is not None else None,
    )


@receiver(user_logged_out)
def _logout(sender, request=None, user=None, **kwargs) -> None:
    if user is None:
        return
    access_record(
        actor=user,
        action="auth.logout",
        object_type="user",
        object_id=user.pk,
        source=client_address(request) if request is not None else None,
    )


@receiver(user_login_failed)
def _login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    # Django has already replaced the password in `credentials`; keep only the user name.
    username = str((credentials or {}).get("username", ""))[:150]
    access_record(
        actor=None,
        role="",
        action="auth.login_failed",
        object_type="user",
        object_id=username[:64],
        outcome="refused",
        source=client_address(request) if request is not None else None,
    )
