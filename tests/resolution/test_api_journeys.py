"""The two journeys of issue 4 through the API, with fixed dates across the 2025 National Day
holiday: a labour case from community mediation to an award and the deadline to sue, and a
neighbour dispute from mediation to an archived dossier whose PDF shows Chinese text."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from accord.core.audit import verify_chain
from accord.resolution.models import Clock, Proceeding

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def file_case(api, category, description):
    r = api.post(
        "cases",
        {
            "category": category,
            "area": "T1C1G1",
            "description": description,
            "parties": [
                {"role": "applicant", "kind": "person", "name": "王小明"},
                {"role": "respondent", "kind": "organisation", "name": "恒达建筑有限公司"},
            ],
        },
    )
    assert r.status_code == 201, r.content
    return r.json()["reference"]


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def clock(detail, code):
    return next(c for c in detail["clocks"] if c["rule"] == code)


def test_labour_mediation_day_15_to_arbitration_award_and_deadline_to_sue(
    calendar_2025, areas, mediator, county_supervisor, api_for
):
    api = api_for(mediator)
    ref = file_case(api, "labour", "三个月工资未发 Three months of wages unpaid.")

    # Community mediation (labour dispute mediation by the community committee).
    med = ok(
        api.post(
            f"cases/{ref}/proceedings",
            {
                "channel": "labour_mediation",
                "applied_on": "2025-09-19",
                "knew_on": "2025-08-31",
                "handling_area": "T1C1",
            },
        ),
        201,
    )
    assert med["handling_area"] == "T1C1"
    assert [p["name"] for p in med["parties"]] == ["王小明", "恒达建筑有限公司"]
    # Art. 14: 15 days from receipt; a waiting period after which the party gains a right,
    # so it does not roll forward over the holiday: Sat 4 October 2025.
    assert clock(med, "labour_mediation.mediate")["due_on"] == "2025-10-04"
    # Limitation warning shown at intake: one year from 31 August 2025.
    limit = {w["rule"]: w for w in med["limitation"]}
    assert limit["labour_arbitration.limitation"]["last_day"] == "2026-08-31"
    number = med["number"]
    ok(api.post(f"proceedings/{number}/transitions", {"action": "accept", "on_date": "2025-09-22"}))
    ok(
        api.post(
            f"proceedings/{number}/sessions",
            {
                "held_at": "2025-09-25T10:00:00+08:00",
                "place": "社区调解室",
                "attendees": ["王小明", "恒达建筑有限公司", "调解员"],
                "record": "双方对欠薪数额分歧较大。",
            },
        ),
        201,
    )
    # Day 15 passed without agreement: arbitration is offered.
    detail = ok(api.get(f"proceedings/{number}"))
    assert [o["channel"] for o in detail["offers"]] == ["labour_arbitration"]
    assert detail["handoff_targets"] == ["labour_arbitration"]
    # Mediation cannot hand to a channel the law does not open from here.
    r = api.post(f"proceedings/{number}/handoff", {"channel": "judicial_confirmation"})
    assert r.status_code == 409 and r.json()["code"] == "handoff_not_allowed"

    arb = ok(
        api.post(
            f"proceedings/{number}/handoff",
            {"channel": "labour_arbitration", "applied_on": "2025-10-09"},
        ),
        201,
    )
    assert arb["previous"] == number
    assert arb["handling_area"] == "CO"  # the county arbitration commission
    assert arb["claims"].startswith("三个月工资未发")  # carried over, not retyped
    assert arb["knew_on"] == "2025-08-31"
    # Art. 29: accept or refuse within 5 days: 14 October 2025.
    assert clock(arb, "labour_arbitration.examine")["due_on"] == "2025-10-14"
    src = ok(api.get(f"proceedings/{number}"))
    assert src["status"] == "concluded" and src["outcome"] == "failure"
    assert clock(src, "labour_mediation.mediate")["state"] == "stopped"

    a = arb["number"]
    handler = api_for(county_supervisor)
    arb = ok(
        handler.post(f"proceedings/{a}/transitions", {"action": "accept", "on_date": "2025-10-13"})
    )
    assert clock(arb, "labour_arbitration.examine")["state"] == "stopped"
    # Art. 43: award within 45 days of acceptance: 27 November 2025.
    assert clock(arb, "labour_arbitration.award")["due_on"] == "2025-11-27"
    ok(handler.post(f"proceedings/{a}/transitions", {"action": "start", "on_date": "2025-10-20"}))
    ok(
        handler.post(
            f"proceedings/{a}/transitions",
            {"action": "suspend", "on_date": "2025-11-03", "note": "等待工伤认定结论"},
        )
    )
    board = ok(handler.get("supervision/board"))
    assert any(i["proceeding"] == a and i["colour"] == "grey" for i in board["items"])
    arb = ok(
        handler.post(f"proceedings/{a}/transitions", {"action": "resume", "on_date": "2025-11-10"})
    )
    assert clock(arb, "labour_arbitration.award")["due_on"] == "2025-12-04"  # + 7 days
    # An extension needs the approving authority on record and stays within 15 days.
    r = handler.post(
        f"proceedings/{a}/transitions", {"action": "extend", "extension": 15, "note": "案情复杂"}
    )
    assert r.status_code == 422
    r = handler.post(
        f"proceedings/{a}/transitions",
        {"action": "extend", "extension": 16, "note": "案情复杂", "approved_by": "仲裁委主任"},
    )
    assert r.status_code == 422
    arb = ok(
        handler.post(
            f"proceedings/{a}/transitions",
            {"action": "extend", "extension": 15, "note": "案情复杂", "approved_by": "仲裁委主任"},
        )
    )
    award = clock(arb, "labour_arbitration.award")
    assert award["due_on"] == "2025-12-19" and award["extension_approved_by"] == "仲裁委主任"
    arb = ok(
        handler.post(
            f"proceedings/{a}/transitions",
            {
                "action": "conclude",
                "outcome": "award",
                "on_date": "2025-12-15",
                "outcome_summary": "裁决被申请人支付工资36000元",
            },
        )
    )
    assert arb["status"] == "concluded" and arb["outcome"] == "award"
    # Arts. 48, 50: the deadline to sue, 15 days from the award: 30 December 2025.
    sue = clock(arb, "labour_arbitration.sue")
    assert sue["due_on"] == "2025-12-30" and sue["duty"] == "party"
    assert arb["handoff_targets"] == ["litigation_referral"]

    # One timeline on the case: intake, mediation, hand-off, arbitration, award, deadline.
    case = ok(api.get(f"cases/{ref}"))
    assert case["status"] == "referred"
    events = ok(api.get(f"cases/{ref}/events"))
    actions = [e["action"] for e in events]
    for expected in (
        "register",
        "accept",
        "proceeding_open",
        "proceeding_accept",
        "proceeding_session",
        "proceeding_conclude",
        "proceeding_handoff",
        "refer",
        "proceeding_suspend",
        "proceeding_resume",
        "proceeding_extend",
    ):
        assert expected in actions, expected
    conclude = [e for e in events if e["action"] == "proceeding_conclude"][-1]
    assert conclude["data"]["outcome"] == "award"
    assert {"rule": "labour_arbitration.sue", "due_on": "2025-12-30"}.items() <= conclude["data"][
        "deadlines"
    ][0].items()
    assert ok(api.get(f"cases/{ref}/followups"))[0]["due_on"] == "2025-12-30"
    assert verify_chain().ok


def test_neighbour_mediation_agreement_confirmation_followup_archive_pdf(
    calendar_2025, areas, mediator, coordinator, api_for
):
    api = api_for(mediator)
    ref = file_case(api, "neighbour", "楼上漏水导致厨房天花板损坏。")
    p = ok(
        api.post(
            f"cases/{ref}/proceedings",
            {"channel": "people_mediation", "applied_on": "2025-09-26", "handling_area": "T1C1"},
        ),
        201,
    )
    n = p["number"]
    p = ok(api.post(f"proceedings/{n}/transitions", {"action": "accept", "on_date": "2025-09-29"}))
    # MoJ 2002 rules art. 33: generally within one month of acceptance: 29 October 2025.
    assert clock(p, "people_mediation.mediate")["due_on"] == "2025-10-29"
    assert {d["kind"] for d in p["documents"]} == {"acceptance_notice"}
    assert ok(api.get(f"cases/{ref}"))["status"] == "in_progress"
    ok(
        api.post(
            f"proceedings/{n}/sessions",
            {
                "held_at": "2025-10-09T15:00:00+08:00",
                "online": True,
                "attendees": ["王小明", "恒达建筑有限公司"],
                "record": "双方同意由楼上住户负责维修。",
            },
        ),
        201,
    )
    # Concluding with an agreement needs its text first.
    r = api.post(f"proceedings/{n}/transitions", {"action": "conclude", "outcome": "agreement"})
    assert r.status_code == 422
    ok(
        api.post(
            f"proceedings/{n}/agreement",
            {
                "text": "经调解，双方自愿达成如下协议。",
                "terms": [
                    {"text": "被申请人负责维修厨房天花板", "due_on": "2025-10-20"},
                    {"text": "被申请人赔偿申请人2000元", "due_on": "2025-10-25"},
                ],
            },
        )
    )
    for name, role in (("王小明", "applicant"), ("恒达建筑有限公司", "respondent")):
        ok(
            api.post(
                f"proceedings/{n}/agreement/signatures",
                {"name": name, "role": role, "signed_on": "2025-10-10"},
            )
        )
    r = api.post(f"proceedings/{n}/agreement/signatures", {"name": "Nobody", "role": "applicant"})
    assert r.status_code == 422
    p = ok(
        api.post(
            f"proceedings/{n}/transitions",
            {"action": "conclude", "outcome": "agreement", "on_date": "2025-10-10"},
        )
    )
    # People's Mediation Law art. 33: 30 days from 10 Oct = Sun 9 Nov → Mon 10 Nov 2025.
    assert clock(p, "people_mediation.confirm_apply")["due_on"] == "2025-11-10"
    assert "mediation_agreement" in {d["kind"] for d in p["documents"]}
    assert p["handoff_targets"] == ["judicial_confirmation"]
    assert ok(api.get(f"cases/{ref}"))["status"] == "resolved"

    jc = ok(
        api.post(
            f"proceedings/{n}/handoff",
            {"channel": "judicial_confirmation", "applied_on": "2025-10-20"},
        ),
        201,
    )
    assert jc["previous"] == n and jc["handling_area"] == "CO"
    letter = next(
        d for d in jc["documents"] if d["kind"] == "referral_letter" and d["language"] == "zh-hans"
    )
    body = ok(api.get(f"documents/{letter['id']}"))["body"]
    assert "调解协议司法确认申请书" in body and "经调解，双方自愿达成如下协议。" in body
    assert "2025年11月10日" in body
    src = ok(api.get(f"proceedings/{n}"))
    assert clock(src, "people_mediation.confirm_apply")["state"] == "stopped"
    j = jc["number"]
    jc = ok(api.post(f"proceedings/{j}/transitions", {"action": "accept", "on_date": "2025-10-21"}))
    assert clock(jc, "judicial_confirmation.decide")["due_on"] == "2025-11-05"
    ok(
        api.post(
            f"proceedings/{j}/transitions",
            {"action": "conclude", "outcome": "decision", "on_date": "2025-10-30",
             "outcome_summary": "裁定确认调解协议有效"},
        )
    )  # fmt: skip

    (visit,) = ok(api.get(f"cases/{ref}/followups"))
    assert visit["due_on"] == "2025-10-25"  # 15 days after the agreement
    ok(
        api.post(
            f"followups/{visit['id']}",
            {
                "performed": True,
                "satisfaction": 5,
                "remaining_risk": "none",
                "done_on": "2025-10-27",
            },
        )
    )
    assert ok(api.get(f"cases/{ref}"))["status"] == "follow_up"

    coord = api_for(coordinator)
    r = coord.post(f"cases/{ref}/archive", {})
    assert r.status_code == 422 and r.json()["code"] == "dossier_incomplete"
    assert "Identity" in r.json()["detail"] and "Proof of performance" in r.json()["detail"]
    assert api.post(f"cases/{ref}/archive", {}).status_code == 403  # not a coordinator
    for kind, title in (("identity", "身份证复印件"), ("proof_of_performance", "转账凭证")):
        ok(
            api.post(
                f"cases/{ref}/documents",
                {"kind": kind, "title": title, "body": f"{title}（已核验）"},
            ),
            201,
        )
    checklist = {i["key"]: i for i in ok(api.get(f"cases/{ref}/dossier"))["checklist"]}
    assert all(i["present"] for i in checklist.values() if i["required"])
    assert ok(coord.post(f"cases/{ref}/archive", {"note": "归档"}))["status"] == "archived"

    bundle = ok(api.get(f"cases/{ref}/dossier"))
    assert bundle["case"]["status"] == "archived"
    assert {d["kind"] for d in bundle["documents"]} >= {
        "acceptance_notice", "mediation_agreement", "referral_letter", "dossier_cover",
        "identity", "proof_of_performance",
    }  # fmt: skip
    r = api.get(f"cases/{ref}/dossier.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(r.content)).pages
    # pypdf reports fpdf2's two-byte CID text with NUL separators: drop them.
    text = "".join(page.extract_text() for page in pages).replace("\x00", "")
    compact = re.sub(r"\s+", "", text)
    assert len(CJK.findall(text)) > 100
    for phrase in (
        "卷宗",
        "人民调解协议书",
        "楼上漏水导致厨房天花板损坏",
        "调解协议司法确认申请书",
    ):
        assert phrase in compact, phrase
    assert ref in compact
    assert Proceeding.objects.filter(case__reference=ref).count() == 2
    assert (
        not Clock.objects.filter(proceeding__case__reference=ref, rule__duty="body")
        .exclude(state="stopped")
        .exists()
    )
