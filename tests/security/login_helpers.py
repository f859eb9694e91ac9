"""Login helpers for the security tests (imported by name: a module called `conftest`
is ambiguous when several test folders have one)."""

from __future__ import annotations

import time

import pyotp
from django.test import Client
from django.urls import reverse

from factories import PASSWORD


def code_for(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def post_login(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("web:login"), {"username": username, "password": password}, **extra)


def client_from(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def signed_in(client: Client) -> bool:
    """Whether the client's session is a logged-in one (asked of the server)."""
    response = client.get(reverse("web:case_list"))
    return response.status_code != 302
