"""The crisis pathway: an alert in the submission's transaction, the timed escalation
ladder under an advanced clock, acknowledgement, and the whole state table walked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from accord.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from accord.core.models import AuditEvent
from accord.core.statemachine import SYSTEM, Refused, walk
from accord.wellbeing import crisis
from accord.wellbeing.models import AlertStep, CrisisAlert
from accord.wellbeing.screening import danger_raise
from accord.wellbeing.workflow import ALERT, COUNSELLOR, AlertFacts

T0 = dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC)


def raise_at(area, when=T0, key="k1"):
    with transaction.atomic():
        return crisis.alert_raise(
            area=area, level="urgent", source="screening", submission_key=key, now=when
        )


def called(alert, step):
    return set(
        AlertStep.objects.filter(alert=alert, step=step, notified__isnull=False)
        .values_list("notified__username", flat=True)
    )  # fmt: skip


def test_alert_calls_first_on_call_and_escalates_on_time(network, areas, settings):
    settings.ACCORD_WELLBEING_ACK_MINUTES = 15
    alert = raise_at(areas.t1c1g1)  # a grid below T1: T1's rota answers
    assert called(alert, 0) == {"c1"}
    assert alert.next_escalation_at == T0 + dt.timedelta(minutes=15)
    # 14m59s: not yet
    assert crisis.alerts_escalate_due(now=T0 + dt.timedelta(minutes=14, seconds=59)) == []
    # 15 minutes: the second on-call and the unit head
    assert crisis.alerts_escalate_due(now=T0 + dt.timedelta(minutes=15)) == [alert.reference]
    alert.refresh_from_db()
    assert (alert.status, alert.step) == ("escalated", 1)
    assert called(alert, 1) == {"c2", "head_t1"}
    # the same moment again (a second worker, a restart): nothing happens twice
    assert crisis.alerts_escalate_due(now=T0 + dt.timedelta(minutes=15)) == []
    # past the end of the rota: everyone again, every interval, until someone acknowledges
    assert crisis.alerts_escalate_due(now=T0 + dt.timedelta(minutes=30)) == [alert.reference]
    assert called(alert, 2) == {"c1", "c2", "head_t1"}
    steps = AuditEvent.objects.filter(action="wellbeing.alert.escalate", object_id=alert.reference)
    assert [e.data["step"] for e in steps.order_by("seq")] == [1, 2]
    assert steps.order_by("seq").last().data["waited_s"] == 30 * 60


def test_acknowledged_alert_stops_escalating(network, areas):
    alert = raise_at(areas.t1)
    crisis.alert_transition(actor=network.c1, reference=alert.reference, action="acknowledge",
                            now=T0 + dt.timedelta(minutes=3))  # fmt: skip
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == network.c1
    assert alert.next_escalation_at is None
    assert crisis.alerts_escalate_due(now=T0 + dt.timedelta(hours=5)) == []
    ev = AuditEvent.objects.get(action="wellbeing.alert.acknowledge")
    assert ev.data["after_s"] == 180
    with pytest.raises(ValidationFailed):  # resolving needs a note of what was done
        crisis.alert_transition(actor=network.c1, reference=alert.reference, action="resolve")
    crisis.alert_transition(actor=network.c1, reference=alert.reference, action="resolve",
                            note="Called back; referred to the psychiatric clinic.")  # fmt: skip
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.note.startswith("Called back")
    with pytest.raises(Conflict):
        crisis.alert_transition(actor=network.c1, reference=alert.reference, action="acknowledge")


def test_other_jurisdiction_and_other_roles_cannot_see_or_act(network, areas, make_user):
    alert = raise_at(areas.t1)
    with pytest.raises(NotFound):
        crisis.alert_transition(actor=network.c_t2, reference=alert.reference,
                                action="acknowledge")  # fmt: skip
    mediator = make_user("mediator", areas.t1)
    with pytest.raises(NotFound):
        crisis.alert_transition(actor=mediator, reference=alert.reference, action="acknowledge")
    with pytest.raises(Forbidden):  # escalation is the system's alone
        from accord.core.statemachine import check_or_raise

        check_or_raise(ALERT, "escalate", AlertFacts("raised"), {COUNSELLOR})


def test_resent_submission_raises_one_alert(network, areas):
    a = raise_at(areas.t1, key="same")
    b = raise_at(areas.t1, key="same")
    assert a.pk == b.pk and CrisisAlert.objects.count() == 1


def test_alert_rolls_back_with_its_submission(network, areas):
    with pytest.raises(RuntimeError), transaction.atomic():
        crisis.alert_raise(area=areas.t1, level="urgent", source="danger", submission_key="x")
        raise RuntimeError("the submission failed after the alert was written")
    assert CrisisAlert.objects.count() == 0


def test_no_rota_falls_back_to_the_areas_above(network, areas, make_user):
    from accord.wellbeing.models import OnCall

    OnCall.objects.filter(area=areas.t2).delete()
    county_c = make_user("counselor", areas.county, username="county_c")
    OnCall.objects.create(area=areas.county, position=1, user=county_c, unit=network.t2)
    alert = raise_at(areas.t2c1g1)
    assert called(alert, 0) == {"county_c"}


def test_danger_button_alert_is_urgent_and_carries_only_a_given_contact(network, areas):
    alert = danger_raise(actor=None, area=areas.t1c1, contact="")
    assert (alert.level, alert.source, alert.contact) == ("urgent", "danger", "")
    assert alert.raised_at <= timezone.now()


def test_state_table_walk():
    assert walk(ALERT, "raised") == {"raised", "escalated", "acknowledged", "resolved",
                                     "handed_over"}  # fmt: skip
    for state in ("resolved", "handed_over"):
        assert ALERT.allowed(state, {COUNSELLOR, SYSTEM}) == []
    assert ALERT.allowed("raised", {COUNSELLOR}) == ["acknowledge", "hand_over"]
    for action in ALERT.actions:
        t = ALERT.by_action[action]
        for state in ALERT.states:
            facts = AlertFacts(state, "note")
            if state not in t.sources:
                with pytest.raises(Refused) as exc:
                    ALERT.check(action, facts, t.who)
                assert exc.value.kind == "state"
            else:
                assert ALERT.check(action, facts, t.who).target == t.target


def test_area_without_any_rota_calls_every_unit_head(network, areas):
    from accord.wellbeing.models import OnCall

    OnCall.objects.all().delete()
    alert = raise_at(areas.city, key="norota")
    assert called(alert, 0) == {"head_t1"}  # never nobody


def test_task_and_command_escalate_what_is_due(network, areas, settings):
    import io

    from django.core.management import call_command

    from accord.wellbeing.tasks import escalate_crisis_alerts

    settings.ACCORD_WELLBEING_ACK_MINUTES = 0  # due at once
    a = raise_at(areas.t1, when=timezone.now(), key="t1")
    out = escalate_crisis_alerts.call(reschedule=False)
    assert out["escalated"] == [a.reference]
    b = raise_at(areas.t1, when=timezone.now(), key="t2")
    buf = io.StringIO()
    call_command("wellbeing-escalate", stdout=buf)
    assert b.reference in buf.getvalue()
