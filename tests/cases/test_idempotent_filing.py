"""A repeated filing files once: the web form's one-time token (and redirect after POST),
the API's Idempotency-Key."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accord.cases.models import Case, FilingKey

pytestmark = pytest.mark.django_db


def intake(areas, **extra) -> dict:
    return {
        "category": "neighbour",
        "area": areas.t1c1g1.code,
        "description": "The dog next door barks all night.",
        "people_count": "1",
        "other_kind": "person",
        **extra,
    }


def form_token(client: Client) -> str:
    page = client.get(reverse("web:file_case")).content.decode()
    return re.search(r'name="filing_token" value="([^"]+)"', page).group(1)


def test_web_filing_redirects_to_receipt_and_reload_files_nothing(areas):
    client = Client()
    data = intake(areas, filing_token=form_token(client))
    response = client.post(reverse("web:file_case"), data)
    case = Case.objects.get()
    receipt = reverse("web:file_receipt", args=[case.reference])
    assert response.status_code == 302 and response["Location"] == receipt
    first = client.get(receipt).content.decode()
    secret = re.search(r'<code class="big" id="secret">([^<]+)</code>', first).group(1)
    assert case.reference in first and 'class="qr"' in first
    # Reloading the receipt: the reference, no secret, the page says it was shown.
    again = client.get(receipt).content.decode()
    assert case.reference in again and secret not in again and 'id="secret-shown"' in again
    # Sending the form again (the browser's "resend"): the same receipt, nothing filed.
    resent = client.post(reverse("web:file_case"), data)
    assert resent.status_code == 302 and resent["Location"] == receipt
    assert Case.objects.count() == 1
    # The secret still tracks the case; another browser does not see the receipt.
    tracked = client.post(reverse("web:track"), {"reference": case.reference, "secret": secret})
    assert tracked.status_code == 200
    assert Client().get(receipt).status_code == 404


def test_web_receipt_in_chinese_says_secret_was_shown(areas):
    client = Client()
    client.cookies["django_language"] = "zh-hans"
    client.post(reverse("web:file_case"), intake(areas, filing_token=form_token(client)))
    case = Case.objects.get()
    client.get(reverse("web:file_receipt", args=[case.reference]))
    again = client.get(reverse("web:file_receipt", args=[case.reference])).content.decode()
    assert "不再显示" in again


def payload(areas, **extra) -> dict:
    return {
        "category": "neighbour",
        "area": areas.t1c1g1.code,
        "description": "Water leaks from the flat above.",
        "parties": [{"role": "applicant", "kind": "person", "name": "Li Wei"}],
        **extra,
    }


def test_api_same_key_files_once_and_replays_without_secret(areas, api):
    headers = {"Idempotency-Key": "k-123"}
    first = api.post("cases", payload(areas), headers=headers)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["tracking_secret"] and body["replayed"] is False
    second = api.post("cases", payload(areas), headers=headers)
    assert second.status_code == 201
    replay = second.json()
    assert replay["replayed"] is True and replay["tracking_secret"] is None
    assert replay["reference"] == body["reference"]
    assert {k: v for k, v in replay.items() if k not in ("replayed", "tracking_secret")} == {
        k: v for k, v in body.items() if k not in ("replayed", "tracking_secret")
    }
    assert Case.objects.count() == 1
    # Only hashes are kept.
    row = FilingKey.objects.get()
    assert "k-123" not in row.key_hash and body["tracking_secret"] not in str(vars(row))
    # Without a key, or with another key: a new case.
    assert (
        api.post("cases", payload(areas), headers={"Idempotency-Key": "k-124"}).json()["reference"]
        != body["reference"]
    )
    assert Case.objects.count() == 2


def test_api_same_key_other_body_is_refused(areas, api):
    headers = {"Idempotency-Key": "same"}
    assert api.post("cases", payload(areas), headers=headers).status_code == 201
    other = api.post("cases", payload(areas, description="Something else."), headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert "different request" in other.json()["detail"]
    assert Case.objects.count() == 1


def test_api_key_is_per_caller_and_kept_24_hours(areas, api, api_for, resident):
    headers = {"Idempotency-Key": "shared"}
    assert api.post("cases", payload(areas), headers=headers).status_code == 201
    mine = api_for(resident).post("cases", payload(areas), headers=headers)
    assert mine.status_code == 201 and mine.json()["replayed"] is False
    assert Case.objects.count() == 2
    FilingKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    late = api.post("cases", payload(areas), headers=headers)
    assert late.json()["replayed"] is False and Case.objects.count() == 3


def test_api_failed_filing_frees_the_key(areas, api):
    headers = {"Idempotency-Key": "retry-me"}
    bad = api.post("cases", payload(areas, category="nope"), headers=headers)
    assert bad.status_code == 422 and FilingKey.objects.count() == 0
    good = api.post("cases", payload(areas, category="nope"), headers=headers)
    assert good.status_code == 422
    assert (
        api.post("cases", payload(areas), headers={"Idempotency-Key": "x" * 201}).status_code == 422
    )
