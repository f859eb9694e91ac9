"""Supervision board, supervision orders, daily reminders (django-tasks), follow-up visits and
what non-performance starts, metrics; scoping and bad input."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation

from accord.core.errors import Conflict, Forbidden, ValidationFailed
from accord.resolution import workflow as wf
from accord.resolution.followups import followup_record
from accord.resolution.mediation import agreement_record
from accord.resolution.models import Document, FollowUp, Notification, Proceeding
from accord.resolution.outcomes import followup_days
from accord.resolution.proceedings import OpenInput, proceeding_handoff, proceeding_open
from accord.resolution.selectors import supervision_board
from accord.resolution.supervision import reminders_send, supervision_order_issue
from accord.resolution.transitions import proceeding_transition

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def opened(actor, case, channel, applied_on, accept_on=None):
    p = proceeding_open(
        actor=actor, case=case, data=OpenInput(channel=channel, applied_on=applied_on)
    )
    if accept_on:
        p = proceeding_transition(actor=actor, proceeding=p, action="accept", on_date=accept_on)
    return p


@pytest.fixture
def board_data(areas, mediator, make_case):
    """Three township cases: one green, one yellow, one red; one suspended (grey)."""
    today = timezone.localdate()
    rows = {}
    for name, days_ago in (("green", 1), ("yellow", 28), ("red", 40), ("grey", 5)):
        case, _ = make_case(area=areas.t1c1g1, actor=mediator, category="traffic")
        rows[name] = opened(
            mediator,
            case,
            wf.ADMIN_MEDIATION,
            today - dt.timedelta(days=days_ago),
            today - dt.timedelta(days=days_ago),
        )
    proceeding_transition(
        actor=mediator, proceeding=rows["grey"], action="suspend", on_date=today, note="鉴定中"
    )
    return rows


def test_board_colours_by_unit_and_channel(
    board_data, mediator, county_supervisor, make_user, areas
):
    board = supervision_board(actor=mediator)
    colours = {i["proceeding"]: i["colour"] for i in board["items"]}
    assert colours == {
        board_data["yellow"].number: "yellow",
        board_data["red"].number: "red",
        board_data["grey"].number: "grey",
    }
    assert board["totals"] == {"yellow": 1, "red": 1, "grey": 1}
    with translation.override("en"):
        county = supervision_board(actor=county_supervisor, tier="township")
    assert county["rows"] == [
        {"unit": "T1", "unit_name": "Township T1", "channel": "admin_mediation",
         "yellow": 1, "red": 1, "grey": 1},
    ]  # fmt: skip
    outsider = make_user("mediator", areas.t2)
    assert supervision_board(actor=outsider)["items"] == []


@override_settings(TASKS=IMMEDIATE)
def test_daily_reminder_task_notifies_assignees_once_a_day(board_data, mediator):
    out = io.StringIO()
    call_command("resolution-remind", stdout=out)
    assert "2 reminder(s) sent" in out.getvalue()
    kinds = sorted(Notification.objects.filter(recipient=mediator).values_list("kind", flat=True))
    assert kinds == ["deadline_red", "deadline_yellow"]
    call_command("resolution-remind", "--enqueue", stdout=io.StringIO())  # immediate backend
    assert Notification.objects.count() == 2  # not twice on the same day
    red = Notification.objects.get(kind="deadline_red")
    assert red.text_en.startswith("OVERDUE") and red.text_zh.startswith("已超期")


def test_supervision_order_from_a_higher_tier(
    board_data, mediator, coordinator, county_supervisor, api_for
):
    p = board_data["red"]
    assert p.handling_area.code == "T1"
    reply_due = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(Forbidden):  # same tier as the handling unit
        supervision_order_issue(actor=coordinator, proceeding=p, text="请加快", reply_due=reply_due)
    r = api_for(county_supervisor).post(
        f"proceedings/{p.number}/supervision-orders",
        {"text": "请于三日内报告办理进展", "reply_due": reply_due.isoformat()},
    )
    assert r.status_code == 201, r.content
    order_id = r.json()["id"]
    assert [o["id"] for o in supervision_board(actor=mediator)["orders"]] == [order_id]
    assert Document.objects.filter(proceeding=p, kind="supervision_order").count() == 2
    assert Notification.objects.filter(recipient=mediator, kind="supervision_order").exists()
    api = api_for(mediator)
    assert api.post(f"supervision-orders/{order_id}/reply", {"reply": ""}).status_code == 422
    assert (
        api.post(f"supervision-orders/{order_id}/reply", {"reply": "已约定下周调解"}).status_code
        == 200
    )
    assert api.post(f"supervision-orders/{order_id}/reply", {"reply": "again"}).status_code == 409
    assert supervision_board(actor=mediator)["orders"] == []
    detail = api.get(f"proceedings/{p.number}").json()
    assert detail["supervision_orders"][0]["reply"] == "已约定下周调解"
    notes = api.get("notifications").json()
    assert any(n["kind"] == "supervision_order" for n in notes)
    assert api.post(f"notifications/{notes[0]['id']}/read").status_code == 200
    assert (
        api_for(county_supervisor).post(f"notifications/{notes[0]['id']}/read").status_code == 404
    )


def _agreed(mediator, make_case, areas):
    case, _ = make_case(area=areas.t1c1g1, actor=mediator)
    p = opened(mediator, case, wf.PEOPLE_MEDIATION, dt.date(2025, 9, 1), dt.date(2025, 9, 2))
    agreement_record(
        actor=mediator, proceeding=p, text="协议", terms=[{"text": "还款", "due_on": "2025-09-30"}]
    )
    p = proceeding_transition(
        actor=mediator,
        proceeding=p,
        action="conclude",
        outcome="agreement",
        on_date=dt.date(2025, 9, 10),
    )
    return case, p


@pytest.mark.parametrize(
    ("route", "channel", "case_status"),
    [
        ("reopen_mediation", "people_mediation", "reopened"),
        ("judicial_confirmation", "judicial_confirmation", "follow_up"),
        ("enforcement", "litigation_referral", "follow_up"),
    ],
)
def test_non_performance_routes(areas, mediator, make_case, route, channel, case_status):
    case, p = _agreed(mediator, make_case, areas)
    f = FollowUp.objects.get(case=case)
    assert f.due_on == dt.date(2025, 9, 25)
    with override_settings(ACCORD_FOLLOWUP_DAYS=20):
        assert followup_days() == 20
    with pytest.raises(ValidationFailed):
        followup_record(actor=mediator, followup=f, performed=True, satisfaction=4, route=route)
    followup_record(
        actor=mediator, followup=f, performed=False, satisfaction=2, remaining_risk="medium",
        route=route, done_on=dt.date(2025, 9, 26),
    )  # fmt: skip
    case.refresh_from_db()
    assert case.status == case_status
    assert case.agreement_performed is False and case.satisfaction == 2
    new = Proceeding.objects.filter(case=case).exclude(pk=p.pk).get()
    assert new.channel == channel and new.previous_id == p.pk
    if route == "enforcement":
        assert new.procedure == "enforcement"
    with pytest.raises(Conflict):
        followup_record(actor=mediator, followup=f, performed=False, satisfaction=2)


def test_judicial_confirmation_after_30_days_is_refused(areas, mediator, make_case):
    case, p = _agreed(mediator, make_case, areas)
    # 10 Sep + 30 days = 10 Oct 2025 (no holidays loaded in this test).
    with pytest.raises(ValidationFailed, match="30-day period"):
        proceeding_handoff(
            actor=mediator,
            source=p,
            data=OpenInput(channel=wf.JUDICIAL_CONFIRMATION, applied_on=dt.date(2025, 10, 11)),
        )
    assert not Proceeding.objects.filter(channel=wf.JUDICIAL_CONFIRMATION).exists()


def test_failed_mediation_issues_notice_of_rights_and_prefilled_routes(
    areas, mediator, make_case, api_for
):
    case, _ = make_case(area=areas.t1c1g1, actor=mediator, category="contract_debt")
    p = opened(mediator, case, wf.PEOPLE_MEDIATION, dt.date(2025, 9, 1), dt.date(2025, 9, 2))
    p = proceeding_transition(
        actor=mediator,
        proceeding=p,
        action="conclude",
        outcome="failure",
        on_date=dt.date(2025, 9, 20),
    )
    notice = Document.objects.get(proceeding=p, kind="rights_notice", language="zh-hans")
    assert "《人民调解法》第二十六条" in notice.body and "商事仲裁" in notice.body
    en = Document.objects.get(proceeding=p, kind="rights_notice", language="en")
    assert "Litigation referral" in en.body
    case.refresh_from_db()
    assert case.failed_attempts_total == 1
    api = api_for(mediator)
    detail = api.get(f"proceedings/{p.number}").json()
    assert "commercial_arbitration" in detail["handoff_targets"]
    r = api.post(
        f"proceedings/{p.number}/handoff",
        {"channel": "commercial_arbitration", "applied_on": "2025-09-25"},
    )
    assert r.status_code == 201
    assert r.json()["claims"] == case.description
    case.refresh_from_db()
    assert case.status == "referred"


def test_scope_and_bad_input(areas, mediator, make_user, make_case, api_for, resident):
    case, _ = make_case(area=areas.t1c1g1, actor=resident)
    p = opened(mediator, case, wf.PEOPLE_MEDIATION, dt.date(2025, 9, 1))
    outsider = api_for(make_user("mediator", areas.t2))
    for path in (f"proceedings/{p.number}", f"cases/{case.reference}/proceedings",
                 f"cases/{case.reference}/dossier", f"cases/{case.reference}/followups"):  # fmt: skip
        r = outsider.get(path)
        assert r.status_code == 404 and set(r.json()) == {"detail", "code"}, path
    assert (
        outsider.post(f"proceedings/{p.number}/transitions", {"action": "accept"}).status_code
        == 404
    )
    api = api_for(mediator)
    bad = [
        (f"cases/{case.reference}/proceedings", {"channel": "duel"}, 422),
        (f"cases/{case.reference}/proceedings", {"channel": "petition", "procedure": "x"}, 422),
        (
            f"cases/{case.reference}/proceedings",
            {"channel": "petition", "applied_on": "2999-01-01"},
            422,
        ),
        (f"cases/{case.reference}/proceedings", {"channel": "people_mediation"}, 409),
        (f"proceedings/{p.number}/transitions", {"action": "fly"}, 422),
        (f"proceedings/{p.number}/transitions", {"action": "start"}, 409),
        (f"proceedings/{p.number}/transitions", {"action": "refuse"}, 422),
        (f"proceedings/{p.number}/transitions", {"action": "accept", "on_date": "2025-08-01"}, 422),
        (f"proceedings/{p.number}/transitions", {"action": "accept", "on_date": "soon"}, 422),
        (
            f"proceedings/{p.number}/sessions",
            {"held_at": "2025-09-02T10:00:00Z", "record": "x", "online": True, "attendees": ["A"]},
            409,
        ),
        (f"proceedings/{p.number}/agreement", {"text": "x", "terms": [{"text": "t"}]}, 409),
        (
            f"cases/{case.reference}/documents",
            {"kind": "rights_notice", "title": "t", "body": "b"},
            422,
        ),
        (f"cases/{case.reference}/archive", {}, 403),
    ]
    for path, body, status in bad:
        r = api.post(path, body)
        assert r.status_code == status, (path, body, r.content)
        assert set(r.json()) == {"detail", "code"}
    # The party (resident who filed) sees the proceeding and may withdraw it.
    party = api_for(resident)
    assert party.get(f"proceedings/{p.number}").status_code == 200
    r = party.post(f"proceedings/{p.number}/transitions", {"action": "withdraw", "note": "已和解"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def test_metrics(areas, mediator, make_case, api_for, make_user):
    case, p = _agreed(mediator, make_case, areas)
    f = FollowUp.objects.get(case=case)
    followup_record(actor=mediator, followup=f, performed=True, satisfaction=4)
    m = api_for(mediator).get("resolution/metrics").json()
    assert m["cases"] == 1 and m["resolved"] == 1
    assert m["resolved_at_intake_tier_share"] == 1.0
    assert m["median_days_by_channel"]["people_mediation"]["median_days"] == 9
    assert m["agreement_performance_rate"] == 1.0 and m["satisfaction_mean"] == 4
    by_area = {r["area"]: r for r in m["by_area"]}  # the mediator's township T1 → communities
    assert set(by_area) == {"T1C1", "T1C2"}
    assert by_area["T1C1"]["resolved"] == 1 and by_area["T1C2"]["cases"] == 0
    # Analysts see aggregates only, with cells below ACCORD_MIN_CELL (5) suppressed.
    analyst = api_for(make_user("analyst", areas.t1)).get("resolution/metrics").json()
    assert analyst["cases"] is None and analyst["satisfaction_mean"] is None
    outsider = api_for(make_user("mediator", areas.t2)).get("resolution/metrics").json()
    assert outsider["cases"] == 0
    assert (
        api_for(mediator)
        .get("resolution/metrics", **{"from": "2026-02-01", "to": "2026-01-01"})
        .status_code
        == 422
    )


def test_board_and_reminders_on_demo_data(db):
    call_command("seed-demo", "--size", "small", "--seed", "3", stdout=io.StringIO())
    out = io.StringIO()
    call_command("resolution-seed-demo", "--limit", "40", stdout=out)
    assert "opened" in out.getvalue()
    assert Proceeding.objects.count() > 10
    from accord.accounts.models import Membership

    top = Membership.objects.filter(area__level="city").select_related("user").first()
    board = supervision_board(actor=top.user)
    assert board["rows"] and sum(board["totals"].values()) > 0
    assert reminders_send() > 0
    # `make demo` runs it again on every start: --if-empty leaves the proceedings as they are
    count = Proceeding.objects.count()
    out = io.StringIO()
    call_command("resolution-seed-demo", "--if-empty", stdout=out)
    assert "nothing to do" in out.getvalue() and Proceeding.objects.count() == count


def test_party_can_always_choose_a_formal_channel(areas, mediator, make_case, api_for, resident):
    case, _ = make_case(area=areas.t1c1g1, actor=resident)
    party = api_for(resident)
    r = party.post(f"cases/{case.reference}/proceedings", {"channel": "people_mediation"})
    assert r.status_code == 403  # mediation is offered by staff, not imposed or self-opened
    r = party.post(
        f"cases/{case.reference}/proceedings",
        {"channel": "litigation_referral", "procedure": "summary"},
    )
    assert r.status_code == 201, r.content
    case.refresh_from_db()
    assert case.status == "registered"  # the party cannot accept its own case
    events = party.get(f"cases/{case.reference}/events").json()
    assert events[-1]["action"] == "proceeding_open"


def test_assign_and_audited_dossier_export(
    board_data, mediator, coordinator, make_user, areas, api_for
):
    from accord.core.models import AuditEvent

    p = board_data["red"]
    colleague = make_user("mediator", areas.t1, username="colleague")
    r = api_for(mediator).post(f"proceedings/{p.number}/assign", {"assignee": "colleague"})
    assert r.status_code == 403
    r = api_for(coordinator).post(f"proceedings/{p.number}/assign", {"assignee": "nobody"})
    assert r.status_code == 404
    r = api_for(coordinator).post(f"proceedings/{p.number}/assign", {"assignee": "colleague"})
    assert r.status_code == 200 and r.json()["assignee"] == "colleague"
    reminders_send()
    assert Notification.objects.filter(recipient=colleague, kind="deadline_red").exists()
    before = AuditEvent.objects.filter(action="dossier.export").count()
    assert api_for(mediator).get(f"cases/{p.case.reference}/dossier").status_code == 200
    assert AuditEvent.objects.filter(action="dossier.export").count() == before + 1
