"""The access log's source address follows the same rule as lockouts and rate limits
(core.ipaddr): behind trusted proxies it is the address the outermost trusted proxy saw, never
the leftmost X-Forwarded-For entry, which the client writes itself."""

from __future__ import annotations

import pytest
from django.test import Client

from accord.core.audit import access_refused
from accord.core.models import AccessEvent
from factories import ApiClient, create_token

pytestmark = pytest.mark.django_db

FORGED = "6.6.6.6"  # written by the client
PROXY_SAW = "203.0.113.9"  # appended by our one trusted proxy
PROXY = "10.0.0.1"  # the proxy itself (REMOTE_ADDR)


def _forwarding_client() -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{FORGED}, {PROXY_SAW}")


@pytest.fixture
def one_trusted_proxy(settings):
    settings.ACCORD_TRUSTED_PROXIES = 1
    settings.ACCORD_TRUST_X_FORWARDED_FOR = True  # the old (deprecated) switch, also on


def test_audit_source_ignores_a_forged_forwarded_for(one_trusted_proxy, areas, make_user):
    user = make_user("township_coordinator", areas.t1)
    api = ApiClient(create_token(user), client=_forwarding_client())
    assert api.get("cases").status_code == 200
    ev = AccessEvent.objects.latest("seq")
    assert ev.action == "case.list"
    assert ev.source == PROXY_SAW


def test_login_event_source_ignores_a_forged_forwarded_for(one_trusted_proxy, areas, make_user):
    user = make_user("mediator", areas.t1)
    user.set_password("correct horse battery staple")
    user.save()
    client = _forwarding_client()
    assert client.login(username=user.username, password="correct horse battery staple")
    assert client.post("/logout/").status_code in (200, 302)
    ev = AccessEvent.objects.latest("seq")
    assert ev.action == "auth.logout"
    assert ev.source == PROXY_SAW


def test_refusal_hook_source_ignores_a_forged_forwarded_for(one_trusted_proxy, rf, areas):
    request = rf.get("/api/v1/cases/AC-2026-0000009", REMOTE_ADDR=PROXY)
    request.META["HTTP_X_FORWARDED_FOR"] = f"{FORGED}, {PROXY_SAW}"
    ev = access_refused(request, status=404, code="not_found")
    assert ev is not None and ev.source == PROXY_SAW


def test_without_trusted_proxies_the_header_is_ignored(settings, areas, make_user):
    settings.ACCORD_TRUSTED_PROXIES = 0
    user = make_user("township_coordinator", areas.t1)
    api = ApiClient(create_token(user), client=_forwarding_client())
    assert api.get("cases").status_code == 200
    assert AccessEvent.objects.latest("seq").source == PROXY
