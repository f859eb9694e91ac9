"""A demo case's life: its timeline simulated through the case workflow.

The simulation decides what staff and parties do and when (accept, assign, start, failed
attempts, an escalation, resolve or refer, the follow-up visit, close, archive; sometimes a
rejection, a redirection or a withdrawal). What each step does to the case is production
code: the workflow table (`cases.workflow.check`: the step must be possible in the case's
state for the actor's capabilities and pass its guards) gives the new status, and the
action's effect is the one `case_transition` applies (the tier change of an escalation by
`_escalate`, the 3-3-1 rule of a failed attempt through `routing.route`, the deadline by
`_set_deadline`). Steps from the cut-off (`--end` 00:00) on are dropped, so old cases are
archived or closed and recent ones are spread over the open states.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from accord.accounts.models import COORDINATOR_ROLES, Role
from accord.cases import routing, workflow
from accord.cases.filing import routing_input as _routing_input
from accord.cases.filing import set_deadline as _set_deadline
from accord.cases.models import Case
from accord.cases.transitions import _apply_tier, _escalate
from accord.cases.workflow import S
from accord.core.calendar import BusinessCalendar
from accord.core.models import Level
from accord.demo import names as N
from accord.demo.jurisdiction import Node, Staff
from accord.demo.writer import Row

TOP_TIER = routing.TIERS[-1]


class Lives:
    """Per-run state for timelines: the random stream (shared with `demo.filings`), the
    calendar, the staff and the cut-off."""

    def __init__(
        self,
        city: Node,
        staff: dict[tuple[str, str], Staff],
        calendar: BusinessCalendar,
        rnd: random.Random,
        tz: dt.tzinfo,
        end: dt.date,
    ):
        self.city = city
        self.staff = staff
        self.cal = calendar
        self.rnd = rnd
        self.tz = tz
        self.cutoff = dt.datetime.combine(end, dt.time(0), tzinfo=tz)

    # ---- time helpers

    def office(self, day: dt.date) -> dt.datetime:
        while not self.cal.is_working_day(day):
            day += dt.timedelta(days=1)
        minute = self.rnd.randint(8 * 60 + 30, 17 * 60 + 30)
        return dt.datetime.combine(
            day, dt.time(minute // 60, minute % 60, self.rnd.randint(0, 59)), tzinfo=self.tz
        )

    def after_working(self, t: dt.datetime, lo: int, hi: int) -> dt.datetime:
        n = self.rnd.randint(lo, hi)
        day = self.cal.add_working_days(t.date(), n) if n else t.date()
        nt = self.office(day)
        if nt <= t:
            nt = t + dt.timedelta(minutes=self.rnd.randint(5, 120))
        return nt

    def after_days(self, t: dt.datetime, days: float) -> dt.datetime:
        nt = self.office(t.date() + dt.timedelta(days=max(0, int(days))))
        if nt <= t:
            nt = t + dt.timedelta(minutes=self.rnd.randint(5, 120))
        return nt

    # ---- staff at a tier

    def who(self, node: Node, tier: str) -> tuple[Staff, Staff]:
        """(coordinator, handler) for a case in community `node` handled at `tier`."""
        comm = node.anc[Level.COMMUNITY]
        town = node.anc[Level.TOWNSHIP]
        county = node.anc[Level.COUNTY]
        st = self.staff
        if tier == "community":
            m = st.get((Role.MEDIATOR, comm.code)) or st[(Role.MEDIATOR, town.code)]
            return m, m
        if tier == "township":
            return st[(Role.TOWNSHIP_COORDINATOR, town.code)], st[(Role.MEDIATOR, town.code)]
        if tier == "county":
            return st[(Role.COUNTY_SUPERVISOR, county.code)], st[
                (Role.DEPARTMENT_HANDLER, county.code)
            ]
        admin = st[(Role.ADMIN, self.city.code)]
        return admin, admin

    # ---- one life

    def timeline(self, case: Case, area: Node) -> list[Row]:
        """Play the case's life from its filing; returns its events (before the cut-off).
        The case's fields follow from the kept steps."""
        rnd = self.rnd
        life = _Life(self, case)
        lang = 0 if rnd.random() < 0.8 else 1
        tier = case.tier
        comm = area.anc[Level.COMMUNITY]
        coord, handler = self.who(comm, tier)
        staff_channel = case.channel in ("walk_in", "hotline", "grid_worker", "referral")
        reg_actor = self.who(comm, "community")[0] if staff_channel else None
        life.register(reg_actor)
        t = case.created_at
        r = rnd.random()
        if r < 0.025:
            t = self.after_working(t, 1, 3)
            life.step(t, "reject", coord, N.NOTES["reject"][lang])
        elif r < 0.035:
            t = self.after_working(t, 0, 2)
            life.step(t, "redirect", coord, N.NOTES["redirect"][lang])
        else:
            in_progress_days = case.category.deadlines.get("in_progress", [30])[0]
            escalate = tier in ("community", "township") and rnd.random() < 0.04
            for round_ in range(3):
                t = self.after_working(t, 0, 2)
                life.step(t, "accept", coord)
                t = self.after_working(t, 0, 1)
                life.step(t, "assign", coord, assignee=handler)
                t = self.after_working(t, 0, 2)
                life.step(t, "start", handler)
                attempts = 0 if rnd.random() < 0.8 else (1 if rnd.random() < 0.75 else 2)
                raised = False
                for _ in range(attempts):
                    t = self.after_days(t, rnd.uniform(2, 10))
                    note = N.NOTES["attempt"][lang]
                    if life.step(t, "record_attempt", handler, note) and case.status == S.ESCALATED:
                        raised = True
                        break
                if raised:
                    # The 3-3-1 rule moved the case up (with a deployment's lower limits;
                    # never with the defaults): it is handled again at the new tier.
                    tier = case.tier
                    coord, handler = self.who(comm, tier)
                    continue
                if round_ == 0 and escalate:
                    t = self.after_days(t, rnd.uniform(1, 8))
                    by_party = case.filed_by_id is not None and rnd.random() < 0.5
                    life.step(
                        t, "escalate", None if by_party else handler, N.NOTES["escalate"][lang]
                    )
                    tier = case.tier if life.open else tier
                    coord, handler = self.who(comm, tier)
                    continue
                break
            r = rnd.random()
            if r < 0.03:
                t = self.after_days(t, rnd.uniform(1, 20))
                life.step(t, "withdraw", handler, N.NOTES["withdraw"][lang])
                return life.done()
            referred = r < 0.09
            if rnd.random() < 0.08:  # a slow case that overruns its clock
                dur = in_progress_days * rnd.uniform(1.1, 3.0)
            else:
                dur = rnd.gammavariate(2.0, in_progress_days * 0.18)
            t = self.after_days(t, dur)
            if referred:
                life.step(t, "refer", handler, N.NOTES["refer"][lang])
            else:
                life.step(t, "resolve", handler, N.NOTES["resolve"][lang])
            t = self.after_days(t, rnd.uniform(2, 14))
            sat = rnd.choices((1, 2, 3, 4, 5), (4, 6, 15, 35, 40))[0]
            performed = None if referred else rnd.random() < 0.9
            life.step(t, "follow_up", handler, satisfaction=sat, agreement_performed=performed)
            t = self.after_working(t, 0, 3)
            life.step(t, "close", handler)
            if rnd.random() < 0.9:
                t = self.after_days(t, rnd.uniform(15, 90))
                archiver = coord if tier != "community" else self.who(comm, "township")[0]
                life.step(t, "archive", archiver)
        return life.done()


class _Life:
    """One case's kept steps: each applied as `case_transition` applies it, until the first
    step at or after the cut-off (the rest of the simulated life is dropped)."""

    def __init__(self, lives: Lives, case: Case) -> None:
        self.lives, self.case = lives, case
        self.events: list[Row] = []
        self.open = True  # no step has reached the cut-off yet

    def _event(self, t, actor: Staff | None, action, from_status, note, data) -> None:
        self.events.append(
            Row(
                case_id=self.case.id,
                created_at=t,
                actor_id=actor.pk if actor else None,
                actor_role=actor.role if actor else "",
                action=action,
                from_status=from_status,
                to_status=self.case.status,
                note=note,
                data=data,
            )
        )

    def register(self, actor: Staff | None) -> None:
        """The filing's event, as case_create records it."""
        case = self.case
        data = {"tier": case.tier, "channel": case.channel, "routing": case.routing}
        self._event(case.created_at, actor, "register", "", "", data)

    def step(
        self,
        t: dt.datetime,
        action: str,
        actor: Staff | None,
        note: str = "",
        *,
        assignee: Staff | None = None,
        satisfaction: int | None = None,
        agreement_performed: bool | None = None,
    ) -> bool:
        """Apply the step; False (nothing applied) from the cut-off on."""
        if not self.open or t >= self.lives.cutoff:
            self.open = False
            return False
        case = self.case
        if actor is None:  # the party who filed the case
            caps = {workflow.APPLICANT}
        else:
            caps = {workflow.STAFF}
            if actor.role in COORDINATOR_ROLES:
                caps.add(workflow.COORDINATOR)
            if case.assignee_id == actor.pk:
                caps.add(workflow.ASSIGNEE)
        facts = workflow.CaseFacts(
            status=case.status,
            tier=case.tier,
            top_tier=TOP_TIER,
            note=note,
            satisfaction=satisfaction,
            agreement_performed=agreement_performed,
            assignee_given=assignee is not None,
            has_assignee=case.assignee_id is not None,
        )
        transition = workflow.CASE.check(action, facts, caps)  # a demo life obeys the table
        from_status = case.status
        data: dict[str, Any] = {}
        # The action's effect, as case_transition applies it.
        if action == "assign":
            case.assignee_id = assignee.pk  # the simulation chose staff of the handling unit
            data["assignee"] = assignee.username
        elif action == "escalate":
            by_party = workflow.APPLICANT in caps and workflow.STAFF not in caps
            _escalate(case, party=by_party, staff=not by_party, data=data)
            data["requested_by"] = "party" if by_party else "staff"
        elif action == "record_attempt":
            _record_attempt(case, data)
        elif action == "follow_up":
            case.satisfaction = satisfaction
            case.agreement_performed = agreement_performed
            data.update(satisfaction=satisfaction, agreement_performed=agreement_performed)
        if action != "record_attempt":  # an attempt keeps the status unless it escalated
            case.status = transition.target
        if case.status in workflow.FINISHED and case.closed_at is None:
            case.closed_at = t
        if case.status != from_status:
            case.status_changed_at = t
        self._event(t, actor, action, from_status, note, data)
        return True

    def done(self) -> list[Row]:
        """The deadline of the state the case was left in (`_set_deadline`, as after every
        status change; only the last one stands) and the timestamp of its last change."""
        case = self.case
        _set_deadline(case, self.lives.cal)
        case.updated_at = case.status_changed_at
        return self.events


def _record_attempt(case: Case, data: dict[str, Any]) -> None:
    """The effect of a failed attempt in `case_transition` (counts, then the 3-3-1 rule:
    up a tier, or the parties guided to arbitration or court at the top tier).

    `case_transition` has it inline in this version, so it is restated here from the
    production helpers; once the cases part keeps its effects in a table
    (`cases.transitions._EFFECTS`), this and the escalate and follow-up branches of
    `_Life.step` call those entries instead."""
    case.failed_attempts_at_tier += 1
    case.failed_attempts_total += 1
    data["failed_attempts_at_tier"] = case.failed_attempts_at_tier
    decision = routing.route(
        _routing_input(
            case, current_tier=case.tier, failed_attempts_at_tier=case.failed_attempts_at_tier
        ),
        routing.policy_from_settings(),
    )
    if decision.tier != case.tier:
        _apply_tier(case, decision, data)
        case.status = S.ESCALATED
    elif decision.guide_to_formal_channels:
        case.routing = case.routing + decision.reasons_as_dicts()
        data["guide_to_formal_channels"] = True
