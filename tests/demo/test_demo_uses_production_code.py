"""The demo's cases are what production code makes of them: personal fields sealed as the
models seal them (they decrypt through the model and match their blind indexes), every
timeline step possible in the workflow table, and the effects of `case_transition` (the
3-3-1 rule of a failed attempt at the top tier, the escalation's handling unit)."""

from __future__ import annotations

import io
from collections import defaultdict

import pytest
from django.core.management import call_command

from accord.cases import routing, workflow
from accord.cases.models import Case, CaseEvent, CaseSearchToken, Party
from accord.core.crypto import blind_index, is_sealed

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command(
        "seed-demo", "--size", "small", "--seed", "5", "--end", "2026-06-01", stdout=io.StringIO()
    )


def test_personal_fields_are_sealed_as_the_models_seal_them(demo):
    from accord.cases import identity as services

    raw = Party.objects.values_list("name", "contact").first()
    assert is_sealed(raw[0]) and is_sealed(raw[1])
    for party in Party.objects.order_by("pk")[:200]:
        assert party.name and not is_sealed(party.name)  # decrypts through the field
        assert party.name_index == blind_index("party.name", party.name)
    for case in Case.objects.order_by("pk")[:100]:
        stored = set(CaseSearchToken.objects.filter(case=case).values_list("token", flat=True))
        assert stored == set(services.description_tokens(case))
    assert all(
        is_sealed(n)
        for n in CaseEvent.objects.exclude(note="").values_list("note", flat=True)[:200]
    )


def test_every_timeline_follows_the_workflow_table_and_its_effects(demo):
    events = defaultdict(list)
    for e in CaseEvent.objects.order_by("case_id", "created_at", "id"):
        events[e.case_id].append(e)
    cases = {c.pk: c for c in Case.objects.select_related("area", "handling_area")}
    guided = 0
    for pk, timeline in events.items():
        case = cases[pk]
        assert timeline[0].action == "register"
        status, tier = timeline[0].to_status, timeline[0].data["tier"]
        for e in timeline[1:]:
            row = workflow.CASE.by_action[e.action]
            assert e.from_status == status and status in row.sources, (case.reference, e.action)
            assert e.to_status == row.target or e.action == "record_attempt"
            status = e.to_status
            if e.action == "escalate":
                assert e.data["tier"]["from"] == tier
                tier = e.data["tier"]["to"]
            if e.action == "record_attempt" and tier == routing.TIERS[2]:
                # At the top tier one failed attempt exhausts "3-3-1": the parties are guided
                # to arbitration or court, and the case's routing says so.
                assert e.data.get("guide_to_formal_channels") is True, case.reference
                assert any(r["rule"] == "attempts_exhausted" for r in case.routing)
                guided += 1
        assert case.status == status and case.tier == tier
        assert case.handling_area == (case.area.ancestor_at(case.tier) or case.area)
    assert guided > 0
    # No internal key of the simulation leaks into an event.
    assert not any(k.startswith("_") for e in CaseEvent.objects.all() for k in e.data)
