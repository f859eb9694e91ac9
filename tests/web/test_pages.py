"""The server-rendered pages, in English and Simplified Chinese."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accord.cases.models import Case

pytestmark = pytest.mark.django_db

ZH = {"django_language": "zh-hans"}


def client_for(user=None, language: str | None = None) -> Client:
    client = Client()
    if language:
        client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


# --- layout, home, login ------------------------------------------------------------------


def test_home_anonymous_english():
    response = client_for().get(reverse("web:home"))
    assert response.status_code == 200
    body = text(response)
    assert '<html lang="en">' in body
    for url in ("web:file_case", "web:track", "web:login"):
        assert f'href="{reverse(url)}"' in body
    assert 'action="/i18n/setlang/"' in body


def test_home_anonymous_chinese_by_cookie():
    response = client_for(language="zh-hans").get(reverse("web:home"))
    assert response.status_code == 200
    body = text(response)
    assert '<html lang="zh-Hans">' in body
    assert "提交纠纷" in body
    assert "File a dispute" not in body


def test_home_chinese_by_accept_language():
    response = Client().get(reverse("web:home"), headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert "提交纠纷" in text(response)


def test_language_switch_sets_cookie_and_redirects():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/track/"})
    assert response.status_code == 302
    assert response["Location"] == "/track/"
    assert client.cookies["django_language"].value == "zh-hans"
    assert "查询" in text(client.get("/track/"))


def test_staff_home_goes_to_case_list(mediator):
    response = client_for(mediator).get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:case_list")


@pytest.mark.parametrize("language", [None, "zh-hans"])
def test_login_page_renders(language):
    response = client_for(language=language).get(reverse("web:login"))
    assert response.status_code == 200
    assert 'name="username"' in text(response)
    if language:
        assert "工作人员登录" in text(response)


def test_login_and_logout(mediator):
    client = Client()
    response = client.post(
        reverse("web:login"),
        {"username": "mediator_t1", "password": "correct-horse-battery-staple-42"},
    )
    assert response.status_code == 302
    assert client.get(reverse("web:case_list")).status_code == 200
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:case_list")).status_code == 302


def test_wrong_password_shows_error(mediator):
    response = Client().post(reverse("web:login"), {"username": "mediator_t1", "password": "x"})
    assert response.status_code == 200
    assert 'role="alert"' in text(response)


# --- case list ------------------------------------------------------------------------------


def test_case_list_requires_login():
    response = Client().get(reverse("web:case_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login") + "?next=/cases/")


def test_case_list_forbidden_for_residents(resident):
    response = client_for(resident).get(reverse("web:case_list"))
    assert response.status_code == 403
    assert "Not allowed" in text(response)
    home = text(client_for(resident).get(reverse("web:home")))
    assert f'href="{reverse("web:case_list")}"' not in home
    assert "Log out" in home


@pytest.mark.parametrize("language", [None, "zh-hans"])
def test_case_list_is_scoped(areas, make_case, mediator, language):
    mine, _ = make_case(area=areas.t1c1g1)
    other, _ = make_case(area=areas.t2c1g1)
    response = client_for(mediator, language).get(reverse("web:case_list"))
    assert response.status_code == 200
    body = text(response)
    assert mine.reference in body
    assert other.reference not in body
    if language:
        assert "案件" in body


def test_case_list_colour_order_and_label(areas, make_case, mediator):
    on_time, _ = make_case(area=areas.t1c1g1)
    late, _ = make_case(area=areas.t1c1g1)
    Case.objects.filter(pk=late.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=3),
        status_changed_at=timezone.now() - dt.timedelta(days=10),
    )
    body = text(client_for(mediator).get(reverse("web:case_list")))
    assert body.index(late.reference) < body.index(on_time.reference)
    assert "Red: overdue" in body  # the colour is also said in words

    overdue_only = text(client_for(mediator).get(reverse("web:case_list"), {"overdue": "yes"}))
    assert late.reference in overdue_only
    assert on_time.reference not in overdue_only


def test_case_list_filters_and_search(areas, make_case, mediator):
    neighbour, _ = make_case(area=areas.t1c1g1, description="Loud music every night.")
    consumer, _ = make_case(area=areas.t1c1g1, category="consumer", description="Refund refused.")
    client = client_for(mediator)
    body = text(client.get(reverse("web:case_list"), {"category": "consumer"}))
    assert consumer.reference in body and neighbour.reference not in body
    body = text(client.get(reverse("web:case_list"), {"q": "music"}))
    assert neighbour.reference in body and consumer.reference not in body
    body = text(client.get(reverse("web:case_list"), {"status": "closed"}))
    assert neighbour.reference not in body
    # Unknown filter values are ignored rather than crashing.
    response = client.get(reverse("web:case_list"), {"status": "nonsense", "page": "zz"})
    assert response.status_code == 200


def test_case_list_paginates(areas, make_case, mediator):
    for _ in range(51):
        make_case(area=areas.t1c1g1)
    client = client_for(mediator)
    first = text(client.get(reverse("web:case_list")))
    assert "Page 1 of 2" in first
    second = client.get(reverse("web:case_list"), {"page": 2})
    assert second.status_code == 200
    assert len(re.findall(r'<tr class="row-', text(second))) == 1


# --- case detail and actions ------------------------------------------------------------------


@pytest.mark.parametrize("language", [None, "zh-hans"])
def test_case_detail_renders(areas, make_case, mediator, language):
    case, _ = make_case(area=areas.t1c1g1)
    response = client_for(mediator, language).get(reverse("web:case_detail", args=[case.reference]))
    assert response.status_code == 200
    body = text(response)
    assert case.reference in body
    assert "Li Wei" in body and "Zhang Min" in body
    assert f'action="{reverse("web:case_act", args=[case.reference])}"' in body
    if language:
        assert "受理" in body and "时间线" in body
    else:
        assert "Accept" in body and "Timeline" in body


def test_case_detail_outside_jurisdiction_is_404(areas, make_case, mediator):
    other, _ = make_case(area=areas.t2c1g1)
    client = client_for(mediator)
    assert client.get(reverse("web:case_detail", args=[other.reference])).status_code == 404
    response = client.post(
        reverse("web:case_act", args=[other.reference]), {"action": "accept", "note": ""}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "registered"


def test_case_detail_requires_login(areas, make_case):
    case, _ = make_case(area=areas.t1c1g1)
    response = Client().get(reverse("web:case_detail", args=[case.reference]))
    assert response.status_code == 302


def test_action_changes_status(areas, make_case, mediator):
    case, _ = make_case(area=areas.t1c1g1)
    client = client_for(mediator)
    url = reverse("web:case_act", args=[case.reference])
    response = client.post(url, {"action": "accept", "note": "Looks like ours."})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:case_detail", args=[case.reference])
    case.refresh_from_db()
    assert case.status == "accepted"
    response = client.post(url, {"action": "assign", "assignee": ""})
    case.refresh_from_db()
    assert case.status == "assigned" and case.assignee == mediator
    page = text(client.get(response["Location"]))
    assert "Done: Assign." in page
    assert "Looks like ours." in page


def test_refused_action_shows_message_and_keeps_input(areas, make_case, mediator):
    case, _ = make_case(area=areas.t1c1g1)
    client = client_for(mediator)
    url = reverse("web:case_act", args=[case.reference])
    response = client.post(url, {"action": "reject", "note": "   "})
    assert response.status_code == 422
    assert "a note giving the reason is required" in text(response)
    case.refresh_from_db()
    assert case.status == "registered"

    response = client.post(url, {"action": "close", "note": "kept text"})
    assert response.status_code == 409
    assert 'role="alert"' in text(response)
    assert "kept text" in text(response)

    response = client.post(url, {"action": "no-such-action"})
    assert response.status_code == 422


def test_refused_action_message_in_chinese(areas, make_case, mediator):
    case, _ = make_case(area=areas.t1c1g1)
    response = client_for(mediator, "zh-hans").post(
        reverse("web:case_act", args=[case.reference]), {"action": "reject", "note": ""}
    )
    assert response.status_code == 422
    assert "需要填写理由" in text(response)


def test_act_requires_post(areas, make_case, mediator):
    case, _ = make_case(area=areas.t1c1g1)
    response = client_for(mediator).get(reverse("web:case_act", args=[case.reference]))
    assert response.status_code == 405


def test_applicant_sees_own_case_and_may_escalate(areas, make_case, resident):
    case, _ = make_case(area=areas.t1c1g1, actor=resident)
    response = client_for(resident).get(reverse("web:case_detail", args=[case.reference]))
    assert response.status_code == 200
    assert 'value="escalate"' in text(response)
    assert 'value="accept"' not in text(response)


# --- intake -----------------------------------------------------------------------------------


def intake_data(areas, **overrides) -> dict:
    data = {
        "category": "neighbour",
        "area": areas.t1c1g1.code,
        "description": "The dog next door barks all night.",
        "applicant_name": "Wang Fang",
        "applicant_contact": "139 0000 0000",
        "other_name": "Zhao Lei",
        "other_kind": "person",
        "people_count": "2",
        "amount": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("language", [None, "zh-hans"])
def test_intake_form_renders(areas, language):
    response = client_for(language=language).get(reverse("web:file_case"))
    assert response.status_code == 200
    body = text(response)
    assert 'name="category"' in body and areas.t1c1g1.code in body
    assert "<optgroup" in body
    if language:
        assert "邻里纠纷" in body and "噪音" in body
    else:
        assert "Neighbour" in body and "Noise, shared walls" in body


def test_intake_creates_case_and_shows_secret(areas):
    client = Client()
    response = client.post(
        reverse("web:file_case"), intake_data(areas, risk_of_violence="on"), follow=True
    )
    assert response.status_code == 200
    case = Case.objects.get()
    body = text(response)
    assert case.reference in body
    secret = re.search(r'<code class="big" id="secret">([^<]+)</code>', body).group(1)
    assert case.channel == "web" and case.risk_of_violence and case.filed_by is None
    assert {p.name for p in case.parties.all()} == {"Wang Fang", "Zhao Lei"}
    assert "no-store" in response["Cache-Control"]
    # The secret works for tracking.
    tracked = client.post(reverse("web:track"), {"reference": case.reference, "secret": secret})
    assert tracked.status_code == 200


def test_intake_invalid_form_keeps_input(areas):
    response = Client().post(reverse("web:file_case"), intake_data(areas, description=""))
    assert response.status_code == 422
    assert "Wang Fang" in text(response)
    assert Case.objects.count() == 0


def test_intake_domain_error_is_shown(areas):
    # Medical disputes cannot be filed anonymously: the service refuses, the page says so.
    response = client_for(language="zh-hans").post(
        reverse("web:file_case"), intake_data(areas, category="medical")
    )
    assert response.status_code == 403
    assert "请先登录" in text(response)
    assert Case.objects.count() == 0


def test_intake_by_signed_in_resident(areas, resident):
    response = client_for(resident).post(
        reverse("web:file_case"), intake_data(areas, category="medical"), follow=True
    )
    assert response.status_code == 200
    assert Case.objects.get().filed_by == resident


# --- tracking ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", [None, "zh-hans"])
def test_track_shows_status(areas, make_case, language):
    case, secret = make_case(area=areas.t1c1g1)
    client = client_for(language=language)
    assert client.get(reverse("web:track")).status_code == 200
    response = client.post(reverse("web:track"), {"reference": case.reference, "secret": secret})
    assert response.status_code == 200
    body = text(response)
    assert case.reference in body
    assert ("已登记" if language else "Registered") in body
    assert "Li Wei" not in body  # no names on the public tracking page


def test_track_wrong_secret_is_404(areas, make_case):
    case, _ = make_case(area=areas.t1c1g1)
    client = Client()
    wrong_secret = client.post(reverse("web:track"), {"reference": case.reference, "secret": "x"})
    wrong_ref = client.post(reverse("web:track"), {"reference": "AC-1999-0000001", "secret": "x"})
    assert wrong_secret.status_code == wrong_ref.status_code == 404
    message = "No case matches that reference and tracking secret."
    assert message in text(wrong_secret) and message in text(wrong_ref)
    assert 'name="reference"' in text(wrong_secret)


def test_healthz_still_works():
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_escalation_shows_tier_change(areas, make_case, mediator):
    case, _ = make_case(area=areas.t1c1g1)
    client = client_for(mediator)
    response = client.post(
        reverse("web:case_act", args=[case.reference]), {"action": "escalate", "note": "Big"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.tier == "township"
    page = text(client.get(response["Location"]))
    assert "Community / village → Township / street" in page


def test_navigation_leads_to_resolution_and_early_warning(mediator, make_user, areas):
    staff = text(client_for(mediator).get(reverse("web:case_list")))
    assert f'href="{reverse("resolution:board")}"' in staff
    assert f'href="{reverse("earlywarning:alert_list")}"' in staff
    analyst = make_user("analyst", areas.county)
    page = text(client_for(analyst).get(reverse("web:dashboard")))
    assert f'href="{reverse("earlywarning:aggregates")}"' in page  # aggregates, not alerts
    assert f'href="{reverse("earlywarning:alert_list")}"' not in page
    assert f'href="{reverse("resolution:board")}"' not in page
