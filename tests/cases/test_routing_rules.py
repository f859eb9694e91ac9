"""Tiered routing (DESIGN §5), rule by rule, with the reasons people are shown."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.cases import routing
from accord.cases import workflow as wf
from accord.cases.models import CaseEvent, Category
from accord.cases.routing import RoutingInput, RoutingPolicy, route
from accord.cases.transitions import case_transition

# DESIGN §5, the spec, written out independently of the seed migration.
DESIGN_DEFAULT_TIERS = {
    "neighbour": "community",
    "family": "community",
    "labour": "township",
    "rural_land": "township",
    "property": "community",
    "relocation": "county",
    "consumer": "community",
    "traffic": "township",
    "medical": "county",
    "construction": "township",
    "environment": "county",
    "contract_debt": "community",
}


def inp(**kw) -> RoutingInput:
    base = dict(
        category_code="neighbour",
        category_en="Neighbour",
        category_zh="邻里纠纷",
        default_tier="community",
        department_en="Community mediation committee",
        department_zh="社区人民调解委员会",
    )
    base.update(kw)
    return RoutingInput(**base)


def rules(decision) -> list[str]:
    return [r.rule for r in decision.reasons]


def reason(decision, rule):
    found = [r for r in decision.reasons if r.rule == rule]
    assert len(found) == 1, (rule, rules(decision))
    return found[0]


def assert_bilingual(r, *, en: tuple[str, ...], zh: tuple[str, ...]):
    assert r.en.strip() and r.zh.strip()
    for word in en:
        assert word in r.en, (word, r.en)
    for word in zh:
        assert word in r.zh, (word, r.zh)
    # the Chinese text is Chinese, not a copy of the English
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.zh)


# --- category default -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_seed_has_exactly_the_design_categories():
    assert dict(Category.objects.values_list("code", "default_tier")) == DESIGN_DEFAULT_TIERS


@pytest.mark.django_db
@pytest.mark.parametrize("code,tier", sorted(DESIGN_DEFAULT_TIERS.items()))
def test_each_category_starts_at_its_design_tier(areas, make_user, make_case, code, tier):
    filer = make_user("resident", areas.t1c1g1)  # some categories refuse anonymous filing
    case, _ = make_case(area=areas.t1c1g1, category=code, actor=filer)
    assert case.tier == tier
    expected_unit = {"community": areas.t1c1, "township": areas.t1, "county": areas.county}
    assert case.handling_area == expected_unit[tier]
    assert [r["rule"] for r in case.routing] == ["category_default"]
    cat = case.category
    first = routing.Reason(**case.routing[0])
    assert_bilingual(
        first, en=(cat.name_en, tier, cat.department_en), zh=(cat.name_zh, cat.department_zh)
    )


def test_default_alone_gives_one_reason():
    d = route(inp())
    assert d.tier == "community"
    assert rules(d) == ["category_default"]
    assert not d.police_liaison and not d.guide_to_formal_channels


# --- escalation rules, one at a time ----------------------------------------------------------


@pytest.mark.parametrize(
    "people,tier", [(1, "community"), (9, "community"), (10, "township"), (250, "township")]
)
def test_collective_dispute_at_ten_people(people, tier):
    d = route(inp(people_count=people))
    assert d.tier == tier
    if tier == "township":
        assert_bilingual(
            reason(d, "collective"), en=(str(people), "10", "collective"), zh=(str(people), "群体")
        )
    else:
        assert "collective" not in rules(d)


def test_risk_of_violence_goes_to_township_with_police_liaison():
    d = route(inp(risk_of_violence=True))
    assert d.tier == "township"
    assert d.police_liaison is True
    assert_bilingual(
        reason(d, "violence"), en=("violence", "police", "art. 25"), zh=("暴力", "公安")
    )
    assert route(inp()).police_liaison is False


def test_violence_at_a_higher_default_keeps_the_tier_but_calls_the_police():
    d = route(inp(default_tier="county", risk_of_violence=True))
    assert d.tier == "county"
    assert d.police_liaison is True
    assert "violence" not in rules(d)  # no tier change, so no tier reason


@pytest.mark.parametrize(
    "amount,tier",
    [
        ("0", "community"),
        ("99999.99", "community"),
        ("100000", "township"),
        ("100000.00", "township"),
        ("999999.99", "township"),
        ("1000000", "county"),
        ("25000000", "county"),
    ],
)
def test_amount_thresholds(amount, tier):
    d = route(inp(amount=Decimal(amount)))
    assert d.tier == tier
    if tier == "community":
        assert "amount" not in rules(d)
    else:
        threshold = "1,000,000" if tier == "county" else "100,000"
        r = reason(d, "amount")
        assert_bilingual(r, en=(threshold, "yuan", tier), zh=(threshold, "元"))


def test_no_amount_is_not_zero():
    assert route(inp(amount=None)).tier == "community"


@pytest.mark.parametrize(
    "tier,attempts,expected,guide",
    [
        ("community", 2, "community", False),
        ("community", 3, "township", False),
        ("township", 2, "township", False),
        ("township", 3, "county", False),
        ("county", 0, "county", False),
        ("county", 1, "county", True),
    ],
)
def test_three_three_one(tier, attempts, expected, guide):
    d = route(inp(current_tier=tier, failed_attempts_at_tier=attempts))
    assert d.tier == expected
    assert d.guide_to_formal_channels is guide
    if expected != tier:
        assert_bilingual(
            reason(d, "attempts"), en=(str(attempts), "3-3-1", expected), zh=("3-3-1", "未成")
        )
    elif guide:
        assert_bilingual(
            reason(d, "attempts_exhausted"),
            en=("3-3-1", "arbitration", "court"),
            zh=("仲裁", "法院"),
        )
    else:
        assert rules(d) == []


@pytest.mark.parametrize(
    "tier,up", [("community", "township"), ("township", "county"), ("county", "city")]
)
def test_overdue_moves_to_the_next_tier(tier, up):
    d = route(inp(current_tier=tier, overdue=True))
    assert d.tier == up
    assert_bilingual(reason(d, "overdue"), en=("deadline", tier, up), zh=("超期",))


@pytest.mark.parametrize(
    "tier,up", [("community", "township"), ("township", "county"), ("county", "city")]
)
def test_party_request_is_always_honoured(tier, up):
    # nothing else would move this case: one person, no money, no violence, no attempts
    d = route(inp(current_tier=tier, party_requested=True))
    assert d.tier == up
    assert_bilingual(
        reason(d, "party_request"), en=("asked", "honoured", up), zh=("当事人", "申请")
    )


def test_party_request_wins_over_staff_request_in_the_record():
    d = route(inp(current_tier="community", party_requested=True, staff_requested=True))
    assert rules(d) == ["party_request"]
    d = route(inp(current_tier="community", staff_requested=True))
    assert d.tier == "township"
    assert_bilingual(reason(d, "staff_decision"), en=("Staff",), zh=("工作人员",))


@pytest.mark.parametrize("current", ["township", "county", "city"])
def test_never_lowers_the_current_tier(current):
    d = route(inp(current_tier=current, amount=Decimal("5"), people_count=1))
    assert d.tier == current
    assert rules(d) == []
    # an escalation rule that targets a lower tier than the current one changes nothing
    d = route(inp(current_tier=current, people_count=50, risk_of_violence=True))
    assert routing.tier_rank(d.tier) >= routing.tier_rank(current)
    assert "collective" not in rules(d)


def test_rules_combine_and_the_highest_wins():
    d = route(inp(people_count=40, risk_of_violence=True, amount=Decimal("2000000")))
    assert d.tier == "county"
    assert d.police_liaison
    assert rules(d) == ["category_default", "collective", "amount"]  # violence added no change
    assert d.explanation("en")[0] == d.reasons[0].en
    assert d.explanation("zh-hans") == [r.zh for r in d.reasons]


def test_policy_is_configurable():
    policy = RoutingPolicy(collective_parties=5, amount_township=Decimal("1000"))
    assert route(inp(people_count=5), policy).tier == "township"
    assert route(inp(amount=Decimal("1000")), policy).tier == "township"


# --- through the services ---------------------------------------------------------------------


@pytest.mark.django_db
def test_policy_comes_from_settings(areas, make_case, settings):
    settings.ACCORD_COLLECTIVE_PARTIES = 5
    case, _ = make_case(area=areas.t1c1g1, people_count=5)
    assert case.tier == "township"
    assert case.handling_area == areas.t1


@pytest.mark.django_db
def test_intake_with_violence_sets_police_liaison(areas, make_case):
    case, _ = make_case(area=areas.t1c1g1, risk_of_violence=True)
    assert (case.tier, case.handling_area, case.police_liaison) == ("township", areas.t1, True)
    assert [r["rule"] for r in case.routing] == ["category_default", "violence"]


@pytest.mark.django_db
def test_case_filed_above_its_tier_is_handled_where_it_was_filed(areas, make_case):
    case, _ = make_case(area=areas.t1, category="neighbour")
    assert case.tier == "community"
    assert case.handling_area == areas.t1


@pytest.fixture
def staff(areas, make_user):
    return make_user("county_supervisor", areas.county, username="supervisor")


def _to_in_progress(case, actor):
    for action in ("accept", "assign", "start"):
        case = case_transition(actor=actor, case=case, action=action)
    assert case.status == wf.S.IN_PROGRESS
    return case


@pytest.mark.django_db
def test_three_failed_attempts_at_community_escalate_to_township(areas, make_case, staff):
    case, _ = make_case(area=areas.t1c1g1)
    case = _to_in_progress(case, staff)
    for i in (1, 2):
        case = case_transition(actor=staff, case=case, action="record_attempt", note=f"try {i}")
        assert (case.status, case.tier, case.failed_attempts_at_tier) == (
            "in_progress",
            "community",
            i,
        )
    case = case_transition(actor=staff, case=case, action="record_attempt", note="try 3")
    case.refresh_from_db()
    assert case.status == wf.S.ESCALATED
    assert case.tier == "township"
    assert case.handling_area == areas.t1
    assert case.failed_attempts_at_tier == 0 and case.failed_attempts_total == 3
    assert case.assignee is None
    assert case.routing[-1]["rule"] == "attempts"
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert event.data["tier"] == {"from": "community", "to": "township"}

    # three more at the township: county
    case = _to_in_progress(case, staff)
    for i in range(3):
        case = case_transition(actor=staff, case=case, action="record_attempt", note=f"t{i}")
    assert (case.status, case.tier, case.handling_area) == ("escalated", "county", areas.county)

    # one at the county: the parties are guided to arbitration or court, the case stays
    case = _to_in_progress(case, staff)
    case = case_transition(actor=staff, case=case, action="record_attempt", note="county try")
    assert case.status == wf.S.IN_PROGRESS and case.tier == "county"
    assert case.routing[-1]["rule"] == "attempts_exhausted"
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert event.data.get("guide_to_formal_channels") is True
    assert case.failed_attempts_total == 7


@pytest.mark.django_db
def test_resident_applicant_escalation_is_honoured(areas, make_user, make_case):
    resident = make_user("resident", areas.t1c1g1)
    case, _ = make_case(area=areas.t1c1g1, actor=resident)
    case = case_transition(actor=resident, case=case, action="escalate")
    assert case.status == wf.S.ESCALATED
    assert case.tier == "township"
    assert case.handling_area == areas.t1
    assert case.routing[-1]["rule"] == "party_request"
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert event.data["requested_by"] == "party"
    assert event.actor == resident


@pytest.mark.django_db
def test_staff_escalation_is_recorded_as_staff(areas, make_case, staff):
    case, _ = make_case(area=areas.t1c1g1)
    case = case_transition(actor=staff, case=case, action="escalate")
    assert case.routing[-1]["rule"] == "staff_decision"
    assert CaseEvent.objects.filter(case=case).latest("id").data["requested_by"] == "staff"


@pytest.mark.django_db
def test_a_resident_cannot_escalate_someone_elses_case(areas, make_user, make_case):
    from accord.core.errors import Forbidden

    filer = make_user("resident", areas.t1c1g1)
    other = make_user("resident", areas.t1c1g1)
    case, _ = make_case(area=areas.t1c1g1, actor=filer)
    with pytest.raises(Forbidden):
        case_transition(actor=other, case=case, action="escalate")
