"""Grid tasks (state table, scope), service visits (consent, purpose, retention, no
positions) and on-the-spot mediations (the notice of formal channels)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

from accord.core import retention
from accord.core.errors import NotFound, ValidationFailed
from accord.core.statemachine import SYSTEM, Refused, walk
from accord.grid import mediations, selectors, visits, workflow
from accord.grid.models import GridMediation, Visit
from accord.grid.tasks import task_create, task_transition


@pytest.fixture
def worker(areas, make_user):
    return make_user("grid_worker", areas.t1c1g1, username="gw1")


def test_task_table_walk():
    assert walk(workflow.TASK, workflow.OPEN) == {"open", "in_progress", "done", "cancelled"}
    for status in workflow.TASK.states:
        for caps in ({workflow.WORKER}, {workflow.STAFF}, set()):
            for action in workflow.TASK.actions:
                t = workflow.TASK.by_action[action]
                try:
                    workflow.TASK.check(action, workflow.TaskFacts(status), caps)
                    ok = True
                except Refused:
                    ok = False
                assert ok == (status in t.sources and bool(t.who & caps)), (status, caps, action)
    assert not any(SYSTEM in t.who for t in workflow.TASK.transitions)
    # Only staff cancel; a worker cannot.
    assert "cancel" not in workflow.TASK.allowed("open", {workflow.WORKER})


def test_tasks_are_scoped_to_the_grid(worker, areas, make_user):
    other = make_user("grid_worker", areas.t2c1g1, username="gw_far")
    task = task_create(actor=worker, area="T1C1G1", task_type="deliver_notice", note="Flyers.")
    assert [t.pk for t in selectors.task_list_for(actor=worker)] == [task.pk]
    assert list(selectors.task_list_for(actor=other)) == []
    with pytest.raises(NotFound):
        selectors.task_get_for(actor=other, task_id=task.pk)
    with pytest.raises(NotFound):
        task_create(actor=other, area="T1C1G1", task_type="deliver_notice")
    with pytest.raises(ValidationFailed):
        task_create(actor=worker, area="T1C1G1", task_type="watch_a_person")
    done = task_transition(actor=worker, task=task, action="complete")
    assert done.status == "done" and done.version == 2
    assert list(selectors.task_list_for(actor=worker)) == []


def test_visit_needs_consent_and_a_purpose(worker):
    with pytest.raises(ValidationFailed, match="consent"):
        visits.visit_record(actor=worker, area="T1C1G1", purpose="help_requested", consent=False)
    with pytest.raises(ValidationFailed):
        visits.visit_record(actor=worker, area="T1C1G1", purpose="surveillance", consent=True)
    v = visits.visit_record(actor=worker, area="T1C1G1", purpose="help_requested", consent=True,
                            service_note="Helped with the application form.")  # fmt: skip
    assert Visit.objects.get(pk=v.pk).service_note == "Helped with the application form."


def test_visits_are_purged_after_the_retention_period(worker, settings):
    v = visits.visit_record(actor=worker, area="T1C1G1", purpose="help_requested", consent=True)
    Visit.objects.filter(pk=v.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    keep = visits.visit_record(actor=worker, area="T1C1G1", purpose="newcomer", consent=True)
    settings.ACCORD_RETENTION_DAYS = {**settings.ACCORD_RETENTION_DAYS, "grid_visit": 365}
    reports = {r.record_type: r for r in retention.purge()}
    assert reports["grid_visit"].ids == [str(v.pk)]
    assert list(Visit.objects.values_list("pk", flat=True)) == [keep.pk]


def test_no_person_positions_anywhere():
    """No table holds coordinates tied to a person; the workbench never tracks position."""
    suspicious = re.compile(r"(^|_)(lat|lng|lon|latitude|longitude|geo|gps|position|location)($|_)")
    # Where a reported incident is (Open311 lat/long of a hazard), not where a person is.
    # A rota's `position` is a counsellor's turn on call (first, second...), not a place.
    incident_places = {"safety.Hazard": {"lat", "long"}, "wellbeing.OnCall": {"position"}}
    person_models = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.get_fields()]
        has_person = any(
            getattr(f, "related_model", None) is not None
            and f.related_model._meta.label == "accounts.User"
            for f in model._meta.get_fields()
        ) or model._meta.label in {"cases.Party", "accounts.User"}
        if has_person:
            person_models.append(model._meta.label)
            place = incident_places.get(model._meta.label, set())
            hits = [n for n in names if suspicious.search(n) and n not in place]
            assert hits == [], f"{model._meta.label} has position-like fields {hits}"
    assert "grid.Visit" in person_models
    static = Path(__file__).parents[2] / "src/accord/grid"
    for js in list(static.rglob("*.js")):
        text = js.read_text()
        assert "watchPosition" not in text, js
        assert "getCurrentPosition" not in text, js


def test_mediation_always_records_the_notice(worker):
    with pytest.raises(ValidationFailed, match="notice"):
        mediations.mediation_record(
            actor=worker, area="T1C1G1", category="neighbour", parties="A and B",
            issue="Parking.", outcome="resolved", agreement="B parks elsewhere.",
            notice_acknowledged=False,
        )  # fmt: skip
    with pytest.raises(ValidationFailed, match="agreement"):
        mediations.mediation_record(
            actor=worker, area="T1C1G1", category="neighbour", parties="A and B",
            issue="Parking.", outcome="resolved", notice_acknowledged=True,
        )  # fmt: skip
    m = mediations.mediation_record(
        actor=worker, area="T1C1G1", category="neighbour", parties="Ding Yu and Pan Rui",
        issue="Parking in front of the gate.", outcome="resolved",
        agreement="Pan Rui parks in the lot.", notice_acknowledged=True,
    )  # fmt: skip
    row = GridMediation.objects.get(pk=m.pk)
    assert row.notice_acknowledged and row.notice_version == mediations.NOTICE_VERSION
    assert row.case_reference == ""
    # Personal text is stored encrypted.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT parties, issue FROM grid_gridmediation WHERE id = %s", [m.pk])
        raw = " ".join(cur.fetchone())
    assert "Ding Yu" not in raw and "Parking" not in raw


def test_task_board_sets_and_moves_tasks(client, worker, areas, make_user):
    from accord.grid.models import GridTask

    coordinator = make_user("township_coordinator", areas.t1, username="coord_board")
    other = make_user("grid_worker", areas.t1c1g1, username="gw_new")
    client.force_login(worker)
    assert client.get("/grid/tasks/").status_code == 403
    client.force_login(coordinator)
    page = client.get("/grid/tasks/")
    assert page.status_code == 200 and b"T1C1G1" in page.content and b"T2C1G1" not in page.content
    r = client.post("/grid/tasks/", {"op": "create", "area": "T1C1G1", "task_type": "deliver_notice",
                                     "note": "Flood warning leaflets.", "assignee": "gw1"})  # fmt: skip
    assert r.status_code == 302
    task = GridTask.objects.get()
    assert task.assignee == worker and task.note == "Flood warning leaflets."
    r = client.post(
        "/grid/tasks/", {"op": "create", "area": "T2C1G1", "task_type": "deliver_notice"}
    )
    assert r.status_code == 422 and GridTask.objects.count() == 1
    r = client.post("/grid/tasks/", {"op": "reassign", "area": "T1C1G1", "to_user": "gw_new"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.assignee == other
