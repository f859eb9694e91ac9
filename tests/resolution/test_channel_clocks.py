"""Every channel driven through its clock with fixed dates across the 2025 National Day holiday
(Oct 1-8 off, Sun Sep 28 and Sat Oct 11 worked) and New Year 2026 (Jan 1-3 off, Sun Jan 4
worked); each deadline is checked against the statute table."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from accord.core.errors import Conflict, ValidationFailed
from accord.resolution import statutes
from accord.resolution import workflow as wf
from accord.resolution.mediation import agreement_record
from accord.resolution.models import Clock, StatuteRule
from accord.resolution.proceedings import OpenInput, proceeding_open
from accord.resolution.transitions import proceeding_transition

pytestmark = pytest.mark.django_db
D = dt.date

APPLIED = D(2025, 9, 26)  # Friday
ACCEPTED = D(2025, 9, 30)  # Tuesday, the day before the holiday
OUTCOME = D(2025, 11, 3)  # Monday

# rule code -> expected due date, worked out by hand from the statute and the calendar.
EXPECTED = {
    "people_mediation.mediate": D(2025, 10, 30),  # 1 month after Sep 30
    "people_mediation.confirm_apply": D(2025, 12, 3),  # 30 days after Nov 3
    "labour_mediation.mediate": D(2025, 10, 11),  # 15 days after Sep 26 (no roll-forward)
    "admin_mediation.mediate": D(2025, 10, 30),  # 30 days
    "labour_arbitration.examine": D(2025, 10, 9),  # Oct 1 is a holiday → first working day
    "labour_arbitration.award": D(2025, 11, 14),  # 45 days after Sep 30
    "labour_arbitration.sue": D(2025, 11, 18),  # 15 days after the award
    "rural_land_arbitration.award": D(2025, 12, 1),  # 60 days → Sat Nov 29 → Mon Dec 1
    "rural_land_arbitration.sue": D(2025, 12, 3),  # 30 days
    "commercial_arbitration.award": D(2026, 1, 30),  # 4 months
    "commercial_arbitration.set_aside": D(2026, 5, 4),  # 6 months → Sun May 3 → Mon May 4
    "admin_ruling.decide": D(2025, 12, 1),  # 60 days → Sat → Mon
    "admin_ruling.challenge": D(2026, 1, 4),  # 60 days → Fri Jan 2 (holiday) → Sun Jan 4 (worked)
    "admin_reconsideration.examine": D(2025, 10, 10),  # 5 working days: 28, 29, 30 Sep, 9, 10 Oct
    "admin_reconsideration.decide": D(2025, 12, 1),  # 60 days → Mon Dec 1
    "admin_reconsideration.decide_simplified": D(2025, 10, 30),  # 30 days
    "admin_reconsideration.sue": D(2025, 11, 18),  # 15 days
    "petition.register": D(2025, 10, 11),  # 15 days: Sat Oct 11 is a worked day
    "petition.handle": D(2025, 12, 1),  # 60 days
    "petition.request_review": D(2025, 12, 3),  # 30 days
    "petition.review": D(2025, 10, 30),
    "petition.request_re_review": D(2025, 12, 3),
    "petition.re_review": D(2025, 10, 30),
    "litigation_referral.ordinary": D(2026, 3, 30),  # 6 months
    "litigation_referral.summary": D(2025, 12, 30),  # 3 months
    "litigation_referral.small_claims": D(2025, 12, 1),  # 2 months → Sun Nov 30 → Mon
    "judicial_confirmation.decide": D(2025, 10, 15),  # 15 days
}

MAIN_OUTCOME = {
    wf.PEOPLE_MEDIATION: wf.AGREEMENT,
    wf.LABOUR_MEDIATION: wf.FAILURE,
    wf.ADMIN_MEDIATION: wf.FAILURE,
    wf.LABOUR_ARBITRATION: wf.AWARD,
    wf.RURAL_LAND_ARBITRATION: wf.AWARD,
    wf.COMMERCIAL_ARBITRATION: wf.AWARD,
    wf.ADMIN_RULING: wf.DECISION,
    wf.ADMIN_RECONSIDERATION: wf.DECISION,
    wf.PETITION: wf.DECISION,
    wf.LITIGATION_REFERRAL: wf.JUDGMENT,
    wf.JUDICIAL_CONFIRMATION: wf.DECISION,
}

RUNS = [(c, p) for c in wf.CHANNELS for p in wf.PROCEDURES.get(c, ("",)) if p != "enforcement"]


def test_seeded_table_is_the_statute_table(db):
    rows = {r.code: r for r in StatuteRule.objects.all()}
    assert set(rows) == {r["code"] for r in statutes.RULES}
    for seed in statutes.RULES:
        row = rows[seed["code"]]
        for field in ("amount", "unit", "count", "extension_max", "start_event", "duty", "kind"):
            assert getattr(row, field) == seed[field], (seed["code"], field)
        assert row.basis_en and row.basis_zh
    periods = {r["code"] for r in statutes.RULES if r["kind"] == "period"}
    assert periods == set(EXPECTED)


@pytest.mark.parametrize(("channel", "procedure"), RUNS)
def test_channel_through_its_clock(calendar_2025, areas, mediator, make_case, channel, procedure):
    case, _ = make_case(area=areas.t1c1g1, category="contract_debt")
    p = proceeding_open(
        actor=mediator,
        case=case,
        data=OpenInput(channel=channel, procedure=procedure, applied_on=APPLIED),
    )
    p = proceeding_transition(actor=mediator, proceeding=p, action="accept", on_date=ACCEPTED)
    if channel in wf.MEDIATION:
        agreement_record(
            actor=mediator, proceeding=p, text="协议", terms=[{"text": "付款", "due_on": None}]
        )
    p = proceeding_transition(
        actor=mediator,
        proceeding=p,
        action="conclude",
        outcome=MAIN_OUTCOME[channel],
        on_date=OUTCOME,
    )
    clocks = {c.rule.code: c for c in Clock.objects.filter(proceeding=p).select_related("rule")}
    expected_rules = {
        r["code"]
        for r in statutes.RULES
        if r["channel"] == channel
        and r["kind"] == "period"
        and r["procedure"] in ("", procedure)
        and r["start_event"] in ("applied", "accepted", f"outcome:{MAIN_OUTCOME[channel]}")
    }
    assert set(clocks) == expected_rules
    starts = {"applied": APPLIED, "accepted": ACCEPTED}
    for code, c in clocks.items():
        assert c.due_on == EXPECTED[code], code
        assert c.started_on == starts.get(c.rule.start_event, OUTCOME), code
        # The body's own periods stop on conclusion; the parties' periods start then.
        if c.rule.duty in ("body", "external"):
            assert c.state == Clock.State.STOPPED and c.stopped_on in (ACCEPTED, OUTCOME)
        else:
            assert c.state == Clock.State.RUNNING


def _open(mediator, case, channel, procedure=""):
    return proceeding_open(
        actor=mediator,
        case=case,
        data=OpenInput(channel=channel, procedure=procedure, applied_on=APPLIED),
    )


def test_working_day_clock_suspension_resumption_and_restart(
    calendar_2025, areas, mediator, make_case
):
    case, _ = make_case(area=areas.t1c1g1, category="relocation")
    p = _open(mediator, case, wf.ADMIN_RECONSIDERATION)
    c = p.clocks.get(rule__code="admin_reconsideration.examine")
    assert c.due_on == D(2025, 10, 10)
    # Suspended on Mon 29 Sep, resumed Fri 10 Oct: the working days in (29 Sep, 10 Oct]
    # (30 Sep, 9 and 10 Oct; 1-8 Oct are holidays) did not count → 3 working days added.
    proceeding_transition(
        actor=mediator, proceeding=p, action="suspend", on_date=D(2025, 9, 29), note="补正材料"
    )
    with pytest.raises(ValidationFailed):  # already suspended
        proceeding_transition(
            actor=mediator, proceeding=p, action="suspend", on_date=D(2025, 9, 30), note="again"
        )
    c.refresh_from_db()
    assert c.state == Clock.State.SUSPENDED
    proceeding_transition(actor=mediator, proceeding=p, action="resume", on_date=D(2025, 10, 10))
    c.refresh_from_db()
    assert c.suspended_days == 3
    # 10 Oct + 3 working days: Sat 11 Oct (worked), Mon 13, Tue 14.
    assert c.state == Clock.State.RUNNING and c.due_on == D(2025, 10, 14)
    # Restart (e.g. the application was completed): 5 working days from Mon 13 Oct.
    proceeding_transition(
        actor=mediator, proceeding=p, action="restart", on_date=D(2025, 10, 13), note="申请补正完毕"
    )
    c.refresh_from_db()
    assert (c.started_on, c.due_on, c.suspended_days, c.restarts) == (
        D(2025, 10, 13), D(2025, 10, 20), 0, 1,
    )  # fmt: skip


def test_extension_only_with_recorded_approval_and_within_the_rule(
    calendar_2025, areas, mediator, coordinator, make_case
):
    case, _ = make_case(area=areas.t1c1g1, category="rural_land")
    p = _open(mediator, case, wf.RURAL_LAND_ARBITRATION)
    proceeding_transition(actor=mediator, proceeding=p, action="accept", on_date=ACCEPTED)
    award = p.clocks.get(rule__code="rural_land_arbitration.award")
    assert award.due_on == D(2025, 12, 1)
    kwargs = dict(proceeding=p, action="extend", note="案情复杂")
    from accord.core.errors import Forbidden

    with pytest.raises(Forbidden):  # a mediator cannot approve
        proceeding_transition(actor=mediator, extension=30, approved_by="主任", **kwargs)
    with pytest.raises(ValidationFailed, match="approving authority"):
        proceeding_transition(actor=coordinator, extension=30, **kwargs)
    with pytest.raises(ValidationFailed, match="at most 30"):
        proceeding_transition(actor=coordinator, extension=31, approved_by="主任", **kwargs)
    proceeding_transition(actor=coordinator, extension=20, approved_by="主任", **kwargs)
    award.refresh_from_db()
    assert award.due_on == D(2025, 12, 19) and award.extension_approved_by == "主任"
    with pytest.raises(ValidationFailed, match="at most 10"):  # 20 used of 30
        proceeding_transition(actor=coordinator, extension=11, approved_by="主任", **kwargs)
    proceeding_transition(actor=coordinator, extension=10, approved_by="主任", **kwargs)
    award.refresh_from_db()
    assert award.due_on == D(2025, 12, 29)  # 60 + 30 days after Sep 30 = Mon Dec 29


def test_no_extension_where_the_statute_gives_none(
    calendar_2025, areas, mediator, coordinator, make_case
):
    case, _ = make_case(area=areas.t1c1g1, category="labour")
    p = _open(mediator, case, wf.LABOUR_MEDIATION)
    with pytest.raises(ValidationFailed, match="may be extended"):
        proceeding_transition(
            actor=coordinator, proceeding=p, action="extend", extension=5, approved_by="x", note="n"
        )


def test_a_change_of_the_law_is_a_data_change(calendar_2025, areas, mediator, make_case):
    StatuteRule.objects.filter(code="labour_arbitration.award").update(amount=60, extension_max=30)
    case, _ = make_case(area=areas.t1c1g1, category="labour")
    p = _open(mediator, case, wf.LABOUR_ARBITRATION)
    proceeding_transition(actor=mediator, proceeding=p, action="accept", on_date=ACCEPTED)
    assert p.clocks.get(rule__code="labour_arbitration.award").due_on == D(2025, 12, 1)
    StatuteRule.objects.filter(code="labour_arbitration.examine").update(active=False)
    case2, _ = make_case(area=areas.t1c1g1, category="labour")
    p2 = _open(mediator, case2, wf.LABOUR_ARBITRATION)
    assert not p2.clocks.filter(rule__code="labour_arbitration.examine").exists()


def test_one_active_proceeding_per_channel(calendar_2025, areas, mediator, make_case):
    case, _ = make_case(area=areas.t1c1g1)
    p = _open(mediator, case, wf.PEOPLE_MEDIATION)
    with pytest.raises(Conflict):
        _open(mediator, case, wf.PEOPLE_MEDIATION)
    proceeding_transition(
        actor=mediator, proceeding=p, action="withdraw", on_date=ACCEPTED, note="申请人撤回"
    )
    p.refresh_from_db()
    assert p.outcome == wf.WITHDRAWAL
    again = _open(mediator, case, wf.PEOPLE_MEDIATION)
    assert again.number.endswith("-P2")


def test_limitation_warnings_at_intake_public(calendar_2025, api):
    r = api.get("resolution/limitations", knew_on="2024-10-01", category="labour")
    assert r.status_code == 200
    rows = {w["rule"]: w for w in r.json()}
    # One year from 1 Oct 2024 ends on 1 Oct 2025, a holiday → Thu 9 Oct 2025.
    assert rows["labour_arbitration.limitation"]["last_day"] == "2025-10-09"
    assert rows["labour_arbitration.limitation"]["expired"] is True
    r = api.get("resolution/limitations", knew_on="2025-11-01", channel="admin_reconsideration")
    (row,) = r.json()
    assert row["last_day"] == "2025-12-31" and "60" in row["basis"]
    zh = api.get(
        "resolution/limitations",
        knew_on="2025-11-01",
        channel="rural_land_arbitration",
        headers={"Accept-Language": "zh-hans"},
    ).json()
    assert zh[0]["last_day"] == "2027-11-01" and "二年" in zh[0]["basis"]
    assert (
        api.get("resolution/limitations", knew_on="2025-11-01", channel="nope").status_code == 422
    )
    assert api.get("resolution/limitations", knew_on="not-a-date").status_code == 422


def test_statute_table_dump_edit_load(tmp_path, calendar_2025, areas, mediator, make_case):
    import json

    from django.core.management import CommandError, call_command

    target = tmp_path / "statutes.json"
    call_command("resolution-statutes", "--dump", str(target), stdout=io.StringIO())
    rows = json.loads(target.read_text(encoding="utf-8"))
    assert len(rows) == len(statutes.RULES)
    for row in rows:
        if row["code"] == "admin_mediation.mediate":
            row["amount"] = 20  # the department sets its own limit
    target.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("resolution-statutes", "--load", str(target), stdout=out)
    assert "0 rule(s) created" in out.getvalue()
    case, _ = make_case(area=areas.t1c1g1, category="traffic")
    p = _open(mediator, case, wf.ADMIN_MEDIATION)
    proceeding_transition(actor=mediator, proceeding=p, action="accept", on_date=ACCEPTED)
    assert p.clocks.get().due_on == D(2025, 10, 20)  # 20 days after 30 Sep
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"code": "duel.fight", "amount": 3}]), encoding="utf-8")
    with pytest.raises(CommandError, match="known channel"):
        call_command("resolution-statutes", "--load", str(bad), stdout=io.StringIO())
    bad.write_text(json.dumps([{"code": "petition.new", "amount": 3, "unit": "day"}]))
    with pytest.raises(CommandError, match="needs step"):
        call_command("resolution-statutes", "--load", str(bad), stdout=io.StringIO())
