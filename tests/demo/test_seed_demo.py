"""seed-demo: the generated jurisdiction, staff, cases and ground truth hang together."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command

from accord.accounts.models import Membership, Role, User
from accord.cases import routing, workflow
from accord.cases.clock import state_deadline
from accord.cases.identity import hash_secret, normalise_org_name
from accord.cases.models import Case, CaseEvent, Counter, Party
from accord.core.calendar import BusinessCalendar
from accord.core.models import LEVEL_ORDER, LEVEL_RANK, Area, AuditEvent, Holiday
from accord.demo.generator import DEMO_PASSWORD
from accord.demo.models import InjectedSituation

END = "2026-06-01"
pytestmark = pytest.mark.django_db


def seed(*extra: str, seed: int = 7) -> str:
    out = io.StringIO()
    call_command(
        "seed-demo", "--size", "small", "--seed", str(seed), "--end", END, *extra, stdout=out
    )
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Case.objects.order_by("reference").values_list(
            "reference", "category__code", "area__code", "status", "tier", "people_count"
        )
    )


def intake_decision(case: Case) -> routing.RoutingDecision:
    return routing.route(
        routing.RoutingInput.for_category(
            case.category,
            people_count=case.people_count,
            amount=case.amount,
            risk_of_violence=case.risk_of_violence,
        ),
        routing.policy_from_settings(),
    )


def test_small_demo_is_a_consistent_jurisdiction(tmp_path):
    gt_file = tmp_path / "gt.json"
    output = seed("--ground-truth", str(gt_file))
    end = dt.date.fromisoformat(END)

    # Sizes.
    n_cases = Case.objects.count()
    assert 1500 <= n_cases <= 2600
    assert Party.objects.count() == 2 * n_cases
    assert CaseEvent.objects.count() >= 3 * n_cases

    # Areas: one city, all five levels, a proper tree with hierarchical codes and paths.
    areas = {a.pk: a for a in Area.objects.all()}
    assert {a.level for a in areas.values()} == {lvl.value for lvl in LEVEL_ORDER}
    assert [a.code for a in areas.values() if a.parent_id is None] == ["LJ"]
    for a in areas.values():
        assert len(a.code) <= 32
        if a.parent_id is None:
            assert a.level == "city" and a.path == "/LJ/"
            continue
        parent = areas[a.parent_id]
        assert LEVEL_RANK[a.level] == LEVEL_RANK[parent.level] + 1
        assert a.code.startswith(parent.code + "-")
        assert a.path == parent.path + a.code + "/"
        assert a.name_zh and a.name_en
    assert Area.objects.get(code="LJ-DH-QS-LA-G03").name_zh == "第3网格"
    assert Area.objects.get(code="LJ-DH-QS-LA").name_en == "Liu'an Community"

    # Staff: every role (grid workers come with `grid-seed-demo`), the memorable logins, one
    # shared password.
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values) - {
        Role.GRID_WORKER
    }
    for username in ("admin", "supervisor.donghu", "coordinator.qingshi", "mediator.liuan",
                     "analyst", "resident"):  # fmt: skip
        assert User.objects.filter(username=username).exists(), username
        assert username in output
    assert DEMO_PASSWORD in output
    assert User.objects.get(username="mediator.liuan").check_password(DEMO_PASSWORD)
    assert not User.objects.filter(is_superuser=True).exists()

    # Cases: tier from routing, handling area = ancestor at the tier, timeline = status.
    calendar = BusinessCalendar.load()
    events = defaultdict(list)
    for e in CaseEvent.objects.order_by("case_id", "created_at", "id"):
        events[e.case_id].append(e)
    cutoff = dt.datetime.combine(end, dt.time(0), tzinfo=calendar_tz())
    statuses = set()
    max_ref: dict[int, int] = {}
    for case in Case.objects.select_related("category"):
        statuses.add(case.status)
        decision = intake_decision(case)
        evs = events[case.pk]
        escalations = [e for e in evs if e.action == "escalate"]
        if escalations:
            assert escalations[0].data["tier"]["from"] == decision.tier
            assert case.tier == escalations[-1].data["tier"]["to"]
        else:
            assert case.tier == decision.tier, case.reference
        assert case.routing[: len(decision.reasons)] == [
            {"rule": r.rule, "en": r.en, "zh": r.zh} for r in decision.reasons
        ]
        area, handling = areas[case.area_id], areas[case.handling_area_id]
        assert handling.level == case.tier
        assert area.path.startswith(handling.path)
        # The timeline walks the workflow's transition table and ends in the case's status.
        assert evs[0].action == "register" and evs[0].to_status == workflow.S.REGISTERED
        assert evs[0].created_at == case.created_at
        for prev, e in zip(evs, evs[1:], strict=False):
            t = workflow.CASE.by_action[e.action]
            assert e.from_status == prev.to_status, case.reference
            assert e.from_status in t.sources, (case.reference, e.action)
            if e.action != "record_attempt":
                assert e.to_status == t.target
            assert e.created_at > prev.created_at
        assert evs[-1].to_status == case.status
        changes = [e for e in evs if e.to_status != e.from_status]
        assert changes[-1].created_at == case.status_changed_at
        assert evs[-1].created_at < cutoff
        assert (case.closed_at is not None) == (case.status in workflow.FINISHED)
        entered = case.status_changed_at.astimezone(calendar_tz()).date()
        assert case.deadline == state_deadline(
            calendar, case.category.deadlines, case.status, entered
        )
        year, n = re.fullmatch(r"AC-(\d{4})-(\d{7})", case.reference).groups()
        max_ref[int(year)] = max(max_ref.get(int(year), 0), int(n))
    assert {"archived", "closed", "in_progress", "rejected", "withdrawn"} <= statuses
    assert dict(Counter.objects.filter(name__startswith="case-").values_list("name", "value")) == {
        f"case-{y}": v for y, v in max_ref.items()
    }

    # Tracking: the printed example reference and secret work.
    ref, secret = re.search(r"reference (AC-\S+)\s+secret (\S+)", output).groups()
    assert Case.objects.get(reference=ref).tracking_secret_hash == hash_secret(secret)

    # Ground truth: each situation's cases exist, share one normalised respondent, lie in
    # its area, category and window; one is recent.
    situations = list(InjectedSituation.objects.all())
    assert len(situations) >= 4
    assert any((end - s.start_date).days <= 12 * 7 for s in situations)
    for s in situations:
        cases = list(Case.objects.filter(pk__in=s.cases.values("pk")).select_related("area"))
        assert len(cases) == s.extra_cases > 0
        respondents = Party.objects.filter(case__in=cases, role="respondent")
        assert {normalise_org_name(p.name) for p in respondents} == {s.respondent}
        assert set(respondents.values_list("normalised_name", flat=True)) == {s.respondent}
        area = Area.objects.get(code=s.area_code)
        for c in cases:
            assert c.category.code == s.category_code
            assert c.area.path.startswith(area.path)
            assert s.start_date <= c.created_at.astimezone(calendar_tz()).date() <= s.end_date
    hengda = InjectedSituation.objects.get(key="wage-arrears-hengda")
    assert len(set(hengda.respondent_names)) >= 3  # spelling variants
    assert json.loads(gt_file.read_text()) == json.loads(_ground_truth_json())

    # Holidays, audit.
    assert Holiday.objects.filter(date=dt.date(2025, 1, 29), kind="holiday").exists()
    assert Holiday.objects.filter(date=dt.date(2025, 1, 26), kind="workday").exists()
    assert AuditEvent.objects.filter(action="demo.seed").count() == 1
    assert not AuditEvent.objects.filter(action="case.create").exists()
    call_command("audit-verify", stdout=io.StringIO())

    # A second run refuses without --reset and is a quiet no-op with --if-empty.
    with pytest.raises(CommandError, match="--reset"):
        seed()
    out = io.StringIO()
    call_command("seed-demo", "--size", "small", "--if-empty", stdout=out)
    assert out.getvalue() == ""
    assert Case.objects.count() == n_cases


def calendar_tz():
    from zoneinfo import ZoneInfo

    from django.conf import settings

    return ZoneInfo(settings.TIME_ZONE)


def _ground_truth_json() -> str:
    out = io.StringIO()
    call_command("demo-ground-truth", stdout=out)
    return out.getvalue()


def test_same_seed_same_data_and_reset_replaces_it():
    seed(seed=3)
    first = snapshot()
    first_gt = json.loads(_ground_truth_json())
    seed("--reset", seed=3)
    assert snapshot() == first
    assert json.loads(_ground_truth_json()) == first_gt
    assert AuditEvent.objects.filter(action="demo.reset").count() == 1
    call_command("audit-verify", stdout=io.StringIO())
    seed("--reset", seed=4)
    assert snapshot() != first
