"""Residents told of every step: e-mail through a real local SMTP server (aiosmtpd), in the
subscriber's language, with the tracking link, via django-tasks; failures retried, then
recorded; SMS gateways."""

from __future__ import annotations

import json
import logging
import socket
import threading
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller

from accord.core import notifications
from accord.core.notify_models import CaseSubscription, Notification
from accord.grid.notify import on_case_changed, status_labels

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.TASKS = IMMEDIATE
    settings.ACCORD_PUBLIC_URL = "https://accord.example"
    yield inbox
    controller.stop()


def subject_of(msg) -> str:
    return str(make_header(decode_header(msg["Subject"])))


def body_of(msg) -> str:
    return msg.get_payload(decode=True).decode(msg.get_content_charset() or "utf-8")


def accept(case, mediator, do_transition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = do_transition(case, mediator, "accept")
        on_case_changed(case)  # what the cases hook calls after the transition
    return case


def test_email_in_their_language_with_the_tracking_link(
    smtp, areas, make_case, mediator, do_transition, django_capture_on_commit_callbacks
):
    case, _secret = make_case(area=areas.t1c1g1)
    notifications.subscribe(reference=case.reference, email="li@example.org", language="en")
    notifications.subscribe(reference=case.reference, email="wang@example.org", language="zh-hans")
    case = accept(case, mediator, do_transition, django_capture_on_commit_callbacks)
    assert len(smtp.messages) == 2
    by_to = {to[0]: msg for to, msg in smtp.messages}
    en, zh = by_to["li@example.org"], by_to["wang@example.org"]
    labels = status_labels("accepted")
    assert labels["en"] == "Accepted" and labels["zh-hans"] != "Accepted"
    assert subject_of(en) == f"Your case {case.reference}: Accepted"
    assert labels["zh-hans"] in subject_of(zh)
    link = f"https://accord.example/track/?ref={case.reference}"
    assert link in body_of(en) and link in body_of(zh)
    assert "Water leaks" not in body_of(en)  # never the case's details
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    # The same step again (a repeated hook call) sends nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        on_case_changed(case)
    assert len(smtp.messages) == 2


def test_unsendable_message_is_retried_then_recorded(
    settings, areas, make_case, mediator, do_transition, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 2
    settings.TASKS = IMMEDIATE
    settings.ACCORD_NOTIFY_MAX_ATTEMPTS = 3
    case, _secret = make_case(area=areas.t1c1g1)
    notifications.subscribe(reference=case.reference, email="li@example.org", language="en")
    accept(case, mediator, do_transition, django_capture_on_commit_callbacks)
    n = Notification.objects.get()
    assert n.status == "failed" and n.attempts == 3
    assert "Connection" in n.last_error or "refused" in n.last_error.lower()


def test_not_subscribed_gets_nothing(
    smtp, areas, make_case, mediator, do_transition, django_capture_on_commit_callbacks
):
    case, _secret = make_case(area=areas.t1c1g1)
    accept(case, mediator, do_transition, django_capture_on_commit_callbacks)
    assert smtp.messages == [] and Notification.objects.count() == 0


def test_contact_is_checked_and_encrypted(areas, make_case):
    from django.db import connection

    from accord.core.errors import ValidationFailed

    case, _secret = make_case(area=areas.t1c1g1)
    with pytest.raises(ValidationFailed):
        notifications.subscribe(reference=case.reference, email="not-an-address")
    with pytest.raises(ValidationFailed):
        notifications.subscribe(reference=case.reference)
    sub = notifications.subscribe(reference=case.reference, email="zhou@example.org")
    with connection.cursor() as cur:
        cur.execute("SELECT email FROM core_casesubscription WHERE id = %s", [sub.pk])
        assert "zhou@example.org" not in cur.fetchone()[0]
    assert CaseSubscription.objects.get(pk=sub.pk).email == "zhou@example.org"


def test_sms_log_gateway(settings, caplog, areas, make_case, mediator, do_transition,
                         django_capture_on_commit_callbacks):  # fmt: skip
    settings.TASKS = IMMEDIATE
    settings.ACCORD_SMS_GATEWAY = "log"
    case, _secret = make_case(area=areas.t1c1g1)
    notifications.subscribe(reference=case.reference, phone="138 0000 1234", language="en")
    with caplog.at_level(logging.INFO, logger="accord.core.notifications"):
        accept(case, mediator, do_transition, django_capture_on_commit_callbacks)
    assert Notification.objects.get().status == "sent"
    assert "***1234" in caplog.text and "138 0000" not in caplog.text


def test_sms_http_gateway_posts_to_the_provider():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers["Content-Length"])
            received.append((self.headers["Authorization"], json.loads(self.rfile.read(length))))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/send"
    notifications.HttpSmsGateway(url, token="tkn").send("13800001234", "Case AC-1: Accepted")
    thread.join(5)
    server.server_close()
    assert received == [("Bearer tkn", {"to": "13800001234", "text": "Case AC-1: Accepted"})]


def test_updates_page_needs_the_tracking_code(client, areas, make_case):
    case, secret = make_case(area=areas.t1c1g1)
    data = {"reference": case.reference, "secret": "wrong", "email": "a@example.org",
            "consent": "on"}  # fmt: skip
    assert client.post("/grid/updates/", data).status_code == 404
    assert CaseSubscription.objects.count() == 0
    r = client.post("/grid/updates/", {**data, "secret": secret}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    sub = CaseSubscription.objects.get()
    assert sub.case_reference == case.reference and sub.email == "a@example.org"


def test_workbench_filing_can_opt_the_resident_in(areas, make_user):
    import uuid

    from accord.grid import sync

    worker = make_user("grid_worker", areas.t1c1g1)
    item = {"uuid": uuid.uuid4(), "seq": 1, "kind": "case", "payload": {
        "area": "T1C1G1", "category": "neighbour", "description": "Broken railing on stairs.",
        "notify_email": "gao@example.org", "notify_consent": True, "language": "en"}}  # fmt: skip
    [result] = sync.sync_apply(actor=worker, items=[item])
    sub = CaseSubscription.objects.get()
    assert sub.case_reference == result["reference"] and sub.language == "en"


def test_ready_registers_into_the_cases_hook_when_it_exists(monkeypatch):
    """Before cases publishes `accord.cases.hooks` nothing is registered; once it does, the
    grid's handler is in CASE_CHANGED."""
    import sys
    import types

    from django.apps import apps as django_apps

    from accord.core.hooks import Hook
    from accord.grid import notify

    config = django_apps.get_app_config("grid")
    real = sys.modules.get("accord.cases.hooks")
    if real is None or not hasattr(real, "CASE_CHANGED"):
        fake = types.ModuleType("accord.cases.hooks")
        fake.CASE_CHANGED = Hook("cases.changed")
        monkeypatch.setitem(sys.modules, "accord.cases.hooks", fake)
        hook = fake.CASE_CHANGED
    else:
        hook = real.CASE_CHANGED
    config.ready()
    assert notify.on_case_changed in hook


def test_stalled_messages_are_enqueued_again(smtp, areas, make_case):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    case, _secret = make_case(area=areas.t1c1g1)
    sub = notifications.subscribe(reference=case.reference, email="li@example.org", language="en")
    n = Notification.objects.create(
        subscription=sub, channel="email", recipient="li@example.org", language="en",
        subject="s", body="b", case_reference=case.reference, dedupe_key="x",
    )  # fmt: skip
    Notification.objects.filter(pk=n.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    call_command("notify-retry")
    n.refresh_from_db()
    assert n.status == "sent" and len(smtp.messages) == 1
