"""Group disputes: same respondent organisation or near-duplicate descriptions → one
'collective dispute forming' alert linking the cases, tiers raised by the routing rules."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.cases.filing import PartyInput
from accord.cases.models import Case, CaseEvent, Category
from accord.earlywarning import groups
from accord.earlywarning.models import Alert, AlertKind, CaseRisk
from accord.earlywarning.similarity import group_threshold, similarity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_make_a_group(settings):
    """These tests use a group size of 3 (the default is 5: see test_default_group_size)."""
    settings.ACCORD_EW_GROUP_MIN_CASES = 3


SPELLINGS = ["Jinsheng Property Co., Ltd.", "JINSHENG PROPERTY", "Jinsheng Property Company"]


def parties(respondent: str, kind: str = "organisation"):
    return (
        PartyInput(role="applicant", kind="person", name="Wang Fang"),
        PartyInput(role="respondent", kind=kind, name=respondent),
    )


def file(make_case, area, respondent, *, kind="organisation", category="property", **kw):
    kw.setdefault("description", f"Complaint about {respondent}: lift broken for weeks.")
    case, _ = make_case(area=area, category=category, parties=parties(respondent, kind), **kw)
    return case


def test_three_cases_against_one_organisation_form_one_linked_alert(areas, make_case):
    cases = [
        file(make_case, areas.t1c1g1, SPELLINGS[0], people_count=4),
        file(make_case, areas.t1c1g2, SPELLINGS[1], people_count=4),
    ]
    assert not Alert.objects.exists()  # two are not yet a group
    cases.append(file(make_case, areas.t1c2g1, SPELLINGS[2], people_count=4))
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.GROUP and alert.method == groups.SAME_RESPONDENT
    assert alert.respondent == "jinshengproperty"
    assert alert.area.code == "T1"  # the smallest area holding all three cases
    assert sorted(alert.cases.values_list("pk", flat=True)) == sorted(c.pk for c in cases)
    assert alert.observed == 3
    # a fourth case joins the same alert instead of opening another
    fourth = file(make_case, areas.t1c1g1, SPELLINGS[0])
    assert Alert.objects.count() == 1
    assert alert.cases.filter(pk=fourth.pk).exists()
    assert alert.events.filter(action="extend").exists()


def test_group_raises_tiers_as_the_collective_rule_says(areas, make_case):
    cases = [file(make_case, areas.t1c1g1, s, people_count=4) for s in SPELLINGS]
    # property starts at the community tier; 12 people together are a collective dispute
    for case in cases:
        case.refresh_from_db()
        assert case.tier == "township"
        assert case.handling_area.code == "T1"
        assert any(r["rule"] == "collective" for r in case.routing)
    # notes are encrypted at rest: compare them after decryption, not in SQL
    escalations = [e for e in CaseEvent.objects.filter(action="escalate")]
    assert [e.note for e in escalations] == ["collective dispute forming"] * 3
    # the newest case was raised during its own intake: what case_create returned is current
    assert cases[-1].tier == "township"


def test_a_growing_group_rescores_only_the_cases_it_links_or_raises(areas, make_case):
    first = [file(make_case, areas.t1c1g1, s, people_count=4) for s in SPELLINGS]
    before = dict(CaseRisk.objects.filter(case__in=first).values_list("case_id", "updated_at"))
    assert len(before) == 3  # the group (12 people) raised and scored all three
    fourth = file(make_case, areas.t1c1g1, SPELLINGS[0], people_count=4)
    # the fourth joins the group, which raises it; the three linked before stay as they were
    fourth.refresh_from_db()
    assert fourth.tier == "township"
    risk = CaseRisk.objects.get(case=fourth)
    assert {f["code"] for f in risk.factors} >= {"group"}
    after = dict(CaseRisk.objects.filter(case__in=first).values_list("case_id", "updated_at"))
    assert after == before


def test_a_raise_is_decided_again_on_the_locked_case(areas, make_case, monkeypatch):
    """The group decides from a few columns which cases move up, then locks those and decides
    again: a case closed in between is not raised."""
    cases = [file(make_case, areas.t1c1g1, s, people_count=1) for s in SPELLINGS[:2]]
    real = Category.objects.in_bulk

    def close_meanwhile(*args, **kwargs):  # runs between the first decision and the lock
        Case.objects.filter(pk=cases[0].pk).update(status="closed")
        return real(*args, **kwargs)

    monkeypatch.setattr(Category.objects, "in_bulk", close_meanwhile)
    third = file(make_case, areas.t1c1g1, SPELLINGS[2], people_count=10)
    assert Case.objects.get(pk=cases[0].pk).tier == "community"
    assert Case.objects.get(pk=cases[1].pk).tier == "township"
    assert Case.objects.get(pk=third.pk).tier == "township"


def test_few_people_do_not_raise_the_tier(areas, make_case):
    cases = [file(make_case, areas.t1c1g1, s, people_count=1) for s in SPELLINGS]
    assert Alert.objects.count() == 1
    assert {Case.objects.get(pk=c.pk).tier for c in cases} == {"community"}


def test_cases_against_a_person_are_never_grouped(areas, make_case):
    for _ in range(4):
        file(make_case, areas.t1c1g1, "Zhang Wei", kind="person", description=f"x {_}" * 3)
    assert not Alert.objects.filter(method=groups.SAME_RESPONDENT).exists()


def test_old_cases_fall_outside_the_window(areas, make_case, backdate):
    old = file(make_case, areas.t1c1g1, SPELLINGS[0])
    backdate(old, dt.date.today() - dt.timedelta(days=60))
    file(make_case, areas.t1c1g1, SPELLINGS[1])
    file(make_case, areas.t1c1g1, SPELLINGS[2])
    assert not Alert.objects.exists()


def test_a_respondent_with_a_steady_trickle_needs_more(areas, make_case, backdate):
    # 24 complaints over the past year: about 2 a month is usual for this landlord
    for i in range(24):
        c = file(make_case, areas.t1c1g1, SPELLINGS[0], description=f"Fee dispute no. {i}.")
        backdate(c, dt.date.today() - dt.timedelta(days=40 + 14 * i))
    Alert.objects.all().delete()
    for i in range(3):
        file(make_case, areas.t1c1g1, SPELLINGS[i % 3], description=f"Lift broken, flat {i}.")
    assert not Alert.objects.filter(method=groups.SAME_RESPONDENT).exists()
    assert group_threshold(24, 365, 30, 3) > 3


def test_other_townships_are_separate_groups(areas, make_case):
    file(make_case, areas.t1c1g1, SPELLINGS[0])
    file(make_case, areas.t1c2g1, SPELLINGS[1])
    file(make_case, areas.t2c1g1, SPELLINGS[2])
    assert not Alert.objects.exists()


def test_default_group_size(areas, make_case, settings):
    del settings.ACCORD_EW_GROUP_MIN_CASES
    texts = ["Lift broken.", "Fees doubled.", "No cleaning.", "Gate locked.", "Water cut."]
    for i, text in enumerate(texts[:4]):
        file(make_case, areas.t1c1g1, SPELLINGS[i % 3], description=text)
    assert not Alert.objects.exists()
    file(make_case, areas.t1c1g1, SPELLINGS[0], description=texts[4])
    assert Alert.objects.get().cases.count() == 5


def test_near_duplicate_descriptions_form_a_group(areas, make_case):
    names = ["王伟", "李娜", "张敏", "刘洋", "陈静"]
    for i, name in enumerate(names):
        make_case(
            area=areas.t1c1g1 if i % 2 else areas.t1c2g1,
            category="labour",
            description=f"{name}等{i + 2}人反映工地拖欠三个月工资共计五万元，多次讨要未果。",
        )
    alert = Alert.objects.get(method=groups.NEAR_DUPLICATE)
    assert alert.area.code == "T1" and alert.category.code == "labour"
    assert alert.cases.count() == 5


def test_different_descriptions_do_not_group(areas, make_case):
    texts = [
        "楼上漏水导致天花板发霉。",
        "邻居晚上噪音很大。",
        "楼道堆放杂物占用通道。",
        "The neighbour built a shed against our wall.",
        "Quarrel over a parking space.",
    ]
    for t in texts:
        make_case(area=areas.t1c1g1, description=t)
    assert not Alert.objects.exists()


def test_similarity_works_for_chinese_and_english():
    zh1 = "王伟等12人反映恒达建筑拖欠3个月工资共计36,000元，多次讨要未果。"
    zh2 = "李娜等20人反映恒达建筑拖欠5个月工资共计120,000元，多次讨要未果。"
    en1 = "Li Wei and 12 workers say Hengda owes them 3 months of wages and ignores requests."
    en2 = "Zhang Min and 14 workers say Hengda owes them 5 months of wages and ignores requests."
    other = "邻居晚上噪音很大，影响休息。"
    assert similarity(zh1, zh2) > 0.6
    assert similarity(en1, en2) > 0.8
    assert similarity(zh1, other) < 0.3
    assert similarity("ＡＢＣ　Ltd", "abc ltd") == pytest.approx(1.0)  # width and case folded
    assert similarity("", "abc") == 0.0


def test_replay_finds_groups_in_bulk_loaded_cases(areas, make_case):
    cases = [file(make_case, areas.t1c1g1, s) for s in SPELLINGS]
    Alert.objects.all().delete()  # as if the cases had been loaded without intake
    since = min(c.created_at for c in cases) - dt.timedelta(minutes=1)
    assert groups.groups_replay(since=since) == 1
    assert Alert.objects.get().cases.count() == 3
