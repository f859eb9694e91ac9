"""The alert lifecycle: acknowledge → action plan → closed (real / false alarm), precision per
method, and unacknowledged alerts moving up a tier."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.cases.models import Category
from accord.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from accord.core.models import AuditEvent
from accord.earlywarning import alerts, lifecycle, selectors
from accord.earlywarning.models import Alert, AlertStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(areas):
    """A new labour alert in grid T1C1G1: the township T1 must respond."""
    now = timezone.now()
    cat = Category.objects.get(code="labour")
    return Alert.objects.create(
        kind="aberration",
        area=areas.t1c1g1,
        category=cat,
        method="noufaily",
        freq="W",
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2026, 6, 1),
        observed=12,
        expected=3,
        upperbound=8,
        severity="high",
        responsible_area=alerts.responsible_area_for(areas.t1c1g1, cat),
        ack_deadline=alerts.ack_deadline(timezone.localdate()),
        created_at=now,
        updated_at=now,
    )


def test_responsible_unit_follows_the_category_tier(areas, alert):
    assert alert.responsible_area == areas.t1
    neighbour = Category.objects.get(code="neighbour")
    assert alerts.responsible_area_for(areas.t1c1g1, neighbour) == areas.t1c1
    assert alerts.responsible_area_for(areas.county, neighbour) == areas.county


def test_full_lifecycle_to_closed_as_real(alert, coordinator, mediator):
    alerts.alert_acknowledge(actor=coordinator, alert=alert, note="on it")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == coordinator
    deadline = timezone.localdate() + dt.timedelta(days=5)
    task = alerts.alert_add_task(
        actor=coordinator,
        alert=alert,
        kind="joint_mediation",
        owner=mediator.username,
        deadline=deadline,
        description="Joint mediation with the labour bureau",
    )
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACTION_PLAN
    assert (task.owner, task.deadline) == (mediator, deadline)
    alerts.alert_add_task(
        actor=coordinator,
        alert=alert,
        kind="department_visit",
        owner=coordinator.username,
        deadline=deadline,
    )
    # the owner may mark their own task done
    alerts.alert_complete_task(actor=mediator, alert=alert, task_id=task.pk, outcome="agreed")
    task.refresh_from_db()
    assert task.done_at is not None and task.outcome == "agreed"
    with pytest.raises(Conflict):
        alerts.alert_complete_task(actor=mediator, alert=alert, task_id=task.pk)
    alerts.alert_close(actor=coordinator, alert=alert, real=True, reason="wage arrears confirmed")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED_REAL and alert.closed_by == coordinator
    actions = list(alert.events.values_list("action", flat=True))
    assert actions == ["acknowledge", "add_task", "add_task", "complete_task", "close_real"]
    audited = set(
        AuditEvent.objects.filter(object_type="alert", object_id=str(alert.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        "earlywarning.alert.acknowledge",
        "earlywarning.alert.add_task",
        "earlywarning.alert.complete_task",
        "earlywarning.alert.close_real",
    } <= audited


def test_false_alarm_needs_a_reason_and_may_be_closed_at_once(alert, coordinator):
    with pytest.raises(ValidationFailed):
        alerts.alert_close(actor=coordinator, alert=alert, real=False, reason="  ")
    with pytest.raises(Conflict):  # "real" needs an acknowledgement first
        alerts.alert_close(actor=coordinator, alert=alert, real=True, reason="x")
    alerts.alert_close(actor=coordinator, alert=alert, real=False, reason="data entry batch")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED_FALSE and alert.close_reason == "data entry batch"
    with pytest.raises(Conflict):
        alerts.alert_acknowledge(actor=coordinator, alert=alert)


def test_only_the_responsible_unit_or_above_acts(areas, alert, make_user):
    community = make_user("mediator", areas.t1c1, username="med_c1")
    other = make_user("township_coordinator", areas.t2, username="coord_t2")
    analyst = make_user("analyst", areas.county, username="an")
    for actor in (community, other, analyst):
        with pytest.raises(Forbidden):
            alerts.alert_acknowledge(actor=actor, alert=alert)
    county = make_user("county_supervisor", areas.county, username="sup")
    alerts.alert_acknowledge(actor=county, alert=alert)


def test_task_owner_must_be_staff_for_the_alert_and_deadline_not_past(
    alert, coordinator, areas, make_user
):
    alerts.alert_acknowledge(actor=coordinator, alert=alert)
    outsider = make_user("mediator", areas.t2, username="med_t2")
    future = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(NotFound):
        alerts.alert_add_task(
            actor=coordinator, alert=alert, kind="meeting", owner=outsider.username, deadline=future
        )
    with pytest.raises(ValidationFailed):
        alerts.alert_add_task(
            actor=coordinator,
            alert=alert,
            kind="meeting",
            owner=coordinator.username,
            deadline=timezone.localdate() - dt.timedelta(days=1),
        )
    with pytest.raises(ValidationFailed):
        alerts.alert_add_task(
            actor=coordinator,
            alert=alert,
            kind="party",
            owner=coordinator.username,
            deadline=future,
        )
    assert not alert.tasks.exists()


def test_transition_table_walk():
    """Every action from every state: allowed exactly where the table says."""
    caps = {lifecycle.RESPONSIBLE}
    states = [lifecycle.NEW, lifecycle.ACK, lifecycle.PLAN, *lifecycle.CLOSED]
    for action, t in lifecycle.TRANSITIONS.items():
        for state in states:
            have = caps | ({lifecycle.SYSTEM} if lifecycle.SYSTEM in t.who else set())
            if state in t.sources:
                assert lifecycle.check(action, state, have, "reason").action == action
            else:
                with pytest.raises(lifecycle.Refused) as exc:
                    lifecycle.check(action, state, have, "reason")
                assert exc.value.kind == "state"
    assert lifecycle.allowed(lifecycle.NEW, caps) == ["acknowledge", "close_false"]
    assert lifecycle.allowed(lifecycle.CLOSED_REAL, caps) == []
    with pytest.raises(lifecycle.Refused):
        lifecycle.check("escalate", lifecycle.NEW, caps)  # staff cannot use the system action


def test_unacknowledged_alert_goes_up_a_tier(alert, areas):
    deadline = alert.ack_deadline
    assert alerts.alerts_escalate_unacknowledged(today=deadline) == []  # not yet late
    late = deadline + dt.timedelta(days=1)
    assert alerts.alerts_escalate_unacknowledged(today=late) == [alert.pk]
    alert.refresh_from_db()
    assert alert.responsible_area == areas.county and alert.escalations == 1
    assert alert.ack_deadline > late and alert.status == AlertStatus.NEW
    assert alert.events.get(action="escalate").data["to_area"] == "CO"
    assert AuditEvent.objects.filter(action="earlywarning.alert.escalate").count() == 1
    # the same day again: nothing more (new deadline not passed)
    assert alerts.alerts_escalate_unacknowledged(today=late) == []
    # still ignored: up again to the city, then it stays at the top
    alerts.alerts_escalate_unacknowledged(today=alert.ack_deadline + dt.timedelta(days=1))
    alert.refresh_from_db()
    assert alert.responsible_area == areas.city
    alerts.alerts_escalate_unacknowledged(today=alert.ack_deadline + dt.timedelta(days=1))
    alert.refresh_from_db()
    assert alert.responsible_area == areas.city and alert.escalations == 3


def test_acknowledged_alert_is_not_escalated(alert, coordinator):
    alerts.alert_acknowledge(actor=coordinator, alert=alert)
    assert (
        alerts.alerts_escalate_unacknowledged(today=alert.ack_deadline + dt.timedelta(days=5)) == []
    )


def test_escalated_alert_can_be_acknowledged_by_the_new_unit(alert, areas, make_user, coordinator):
    alerts.alerts_escalate_unacknowledged(today=alert.ack_deadline + dt.timedelta(days=1))
    alert.refresh_from_db()
    # the township lost the alert to the county; the county acknowledges
    with pytest.raises(Forbidden):
        alerts.alert_acknowledge(actor=coordinator, alert=alert)
    county = make_user("county_supervisor", areas.county, username="sup2")
    alerts.alert_acknowledge(actor=county, alert=alert)


def test_precision_per_method(alert, coordinator, areas, analyst):
    def clone(method: str) -> Alert:
        a = Alert.objects.get(pk=alert.pk)
        a.pk = None
        a.method, a.status = method, AlertStatus.NEW
        a.save()
        return a

    alerts.alert_acknowledge(actor=coordinator, alert=alert)
    alerts.alert_close(actor=coordinator, alert=alert, real=True, reason="real")
    b = clone("noufaily")
    alerts.alert_close(actor=coordinator, alert=b, real=False, reason="noise")
    c = clone("noufaily")
    alerts.alert_acknowledge(actor=coordinator, alert=c)
    alerts.alert_close(actor=coordinator, alert=c, real=True, reason="real")
    clone("glrnb")
    rows = {r["method"]: r for r in selectors.precision_by_method(actor=analyst)}
    assert rows["noufaily"] == {
        "method": "noufaily",
        "closed_real": 2,
        "closed_false": 1,
        "open": 0,
        "precision": pytest.approx(0.667, abs=1e-3),
    }
    assert rows["glrnb"]["precision"] is None and rows["glrnb"]["open"] == 1
