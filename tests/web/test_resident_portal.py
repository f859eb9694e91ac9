"""The resident's side: receipt with QR code, tracking with deadline and handler, asking for
escalation and rating the follow-up with only the reference and the tracking secret."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accord.cases.models import Case
from accord.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def track(client: Client, case, secret: str, **extra):
    return client.post(
        reverse("web:track"), {"reference": case.reference, "secret": secret, **extra}
    )


def test_receipt_has_qr_code_with_secret_in_fragment(areas):
    response = Client().post(
        reverse("web:file_case"),
        {
            "category": "neighbour",
            "area": areas.t1c1g1.code,
            "description": "Noise at night.",
            "people_count": "1",
            "other_kind": "person",
        },
        follow=True,  # redirect after POST to the receipt
    )
    body = response.content.decode()
    case = Case.objects.get()
    assert '<svg width="' in body and 'class="qr"' in body
    assert f"Tracking link for case {case.reference}" in body
    assert "<script>" not in body and "style=" not in body  # CSP: no inline code or styles
    # The tracking link opens the form with the reference; the secret is only in the fragment.
    page = Client().get(reverse("web:track"), {"ref": case.reference})
    assert f'value="{case.reference}"' in page.content.decode()
    assert "web/track.js" in page.content.decode()


@pytest.mark.parametrize("language", [None, "zh-hans"])
def test_tracking_page_shows_deadline_handler_and_person(areas, make_case, mediator, language):
    case, secret = make_case(area=areas.t1c1g1)
    client = Client()
    if language:
        client.cookies["django_language"] = language
    body = track(client, case, secret).content.decode()
    assert "Not yet assigned to a person" in body or "尚未指定承办人" in body
    assert case.deadline is not None
    expected_date = (
        f"{case.deadline.year}年{case.deadline.month}月{case.deadline.day}日"
        if language
        else case.deadline.strftime("%b")[:3]
    )
    assert expected_date in body
    assert "Li Wei" not in body and "138 0000 0000" not in body

    case.assignee = mediator
    case.save()
    body = track(Client(), case, secret).content.decode()
    assert "Person in charge" in body and str(mediator) in body


def test_party_asks_for_escalation_without_an_account(areas, make_case):
    case, secret = make_case(area=areas.t1c1g1)
    client = Client()
    page = track(client, case, secret).content.decode()
    assert 'value="escalate"' in page
    response = track(client, case, secret, do="escalate", note="Nothing happens.")
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == "escalated" and case.tier == "township"
    event = case.events.order_by("-id").first()
    assert event.action == "escalate" and event.actor is None and event.actor_role == "applicant"
    assert event.data["requested_by"] == "party"
    body = response.content.decode()
    assert "Your request has been recorded" in body and "at your request" in body
    assert AuditEvent.objects.filter(action="case.escalate", object_id=case.reference).exists()


def test_escalation_needs_the_right_secret(areas, make_case):
    case, _secret = make_case(area=areas.t1c1g1)
    response = track(Client(), case, "wrong", do="escalate")
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "registered"


def test_party_rates_after_resolution(areas, make_case, mediator, do_transition):
    case, secret = make_case(area=areas.t1c1g1)
    client = Client()
    # Not before the case is resolved: the rating form is not offered and a post is refused.
    assert 'value="rate"' not in track(client, case, secret).content.decode()
    refused = track(client, case, secret, do="rate", satisfaction="5")
    assert refused.status_code == 409
    for action, kwargs in [
        ("accept", {}),
        ("assign", {"assignee": None}),
        ("start", {}),
        ("resolve", {"note": "Agreement signed."}),
    ]:
        case = do_transition(case, mediator, action, **kwargs)
    page = track(client, case, secret).content.decode()
    assert 'value="rate"' in page
    assert track(client, case, secret, do="rate").status_code == 422  # no rating chosen
    response = track(client, case, secret, do="rate", satisfaction="4", note="Fair.")
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.satisfaction == 4
    assert case.events.order_by("-id").first().action == "party_rating"
    assert "4 / 5" in response.content.decode()


def test_track_page_in_chinese_after_escalation(areas, make_case):
    case, secret = make_case(area=areas.t1c1g1)
    client = Client()
    client.cookies["django_language"] = "zh-hans"
    body = track(client, case, secret, do="escalate").content.decode()
    assert "您的申请已记录" in body and "应您的请求" in body
    assert re.search(r"申请提级|提级办理", body)


# --- residents with an account ------------------------------------------------------------


def test_signed_in_resident_sees_and_escalates_own_case(areas, make_case, resident, make_user):
    mine, _ = make_case(area=areas.t1c1g1, actor=resident)
    someone_elses, _ = make_case(area=areas.t1c1g1)
    client = Client()
    client.force_login(resident)
    home = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("web:my_cases")}"' in home
    listing = client.get(reverse("web:my_cases")).content.decode()
    assert mine.reference in listing and someone_elses.reference not in listing
    page = client.get(reverse("web:my_case", args=[mine.reference]))
    assert page.status_code == 200 and 'value="escalate"' in page.content.decode()
    assert 'name="secret"' not in page.content.decode()
    assert client.get(reverse("web:my_case", args=[someone_elses.reference])).status_code == 404
    response = client.post(
        reverse("web:my_case", args=[mine.reference]), {"do": "escalate", "note": "Too slow."}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "escalated" and mine.tier == "township"
    assert mine.events.order_by("-id").first().data["requested_by"] == "party"
    # Rating is refused while the case is open.
    refused = client.post(
        reverse("web:my_case", args=[mine.reference]), {"do": "rate", "satisfaction": "2"}
    )
    assert refused.status_code == 409
    assert "can be rated once it has been resolved" in refused.content.decode()


def test_my_cases_needs_login():
    response = Client().get(reverse("web:my_cases"))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]
