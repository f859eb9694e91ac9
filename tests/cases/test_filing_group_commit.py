"""Filings of concurrent requests are written in one transaction (core.groupcommit): each case
still gets its own parties, keyword tokens, first event, consecutive reference, early-warning
queue row and audit event, and the audit chain verifies."""

from __future__ import annotations

import importlib
import threading
import time

import pytest
from django.db import connection
from tests.factories import case_input

from accord.cases import filing, identity
from accord.cases.filing import PartyInput
from accord.cases.models import Case, CaseEvent, CaseSearchToken
from accord.core.audit import verify_chain
from accord.core.groupcommit import GroupCommit
from accord.core.models import AuditEvent
from accord.earlywarning import intake
from accord.earlywarning.models import PendingIntake

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def categories(db):
    """The seeded categories (an earlier transactional test may have flushed them)."""
    from django.apps import apps

    importlib.import_module("accord.cases.migrations.0002_seed_categories").seed(apps, None)


def test_concurrent_filings_written_together_keep_every_row_apart(
    areas, categories, settings, monkeypatch
):
    settings.ACCORD_EW_INTAKE = "deferred"
    monkeypatch.setattr(intake.DRAINER, "poke", lambda: None)
    batches: list[int] = []
    first_in, go = threading.Event(), threading.Event()

    def write(filings):
        batches.append(len(filings))
        if len(batches) == 1:
            first_in.set()
            assert go.wait(10)
        filing._write_filings(filings)

    gc = GroupCommit(write)
    monkeypatch.setattr(filing, "FILINGS", gc)
    out: dict[int, object] = {}

    def file(i: int) -> None:
        try:
            data = case_input(
                area=areas.t1c1g1.code,
                category="property",
                description=f"Filing number {i}: the lift has been broken for weeks.",
                parties=[
                    PartyInput(role="applicant", kind="person", name=f"Applicant {i}"),
                    PartyInput(role="respondent", kind="person", name=f"Respondent {i}"),
                ],
            )
            out[i] = filing.case_create(actor=None, data=data)
        except BaseException as exc:  # noqa: BLE001 - reported below
            out[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=file, args=(0,))]
    threads[0].start()
    assert first_in.wait(10), out
    for i in range(1, 6):
        threads.append(threading.Thread(target=file, args=(i,)))
        threads[-1].start()
    deadline = time.monotonic() + 10
    while len(gc._queue) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    go.set()
    for t in threads:
        t.join(10)
    assert batches == [1, 5]
    assert all(isinstance(v, tuple) for v in out.values()), out

    refs = []
    for i, (case, secret) in out.items():
        stored = Case.objects.get(pk=case.pk)
        assert stored.reference == case.reference and not case.reference.startswith("~")
        assert stored.description.startswith(f"Filing number {i}:")
        assert sorted(p.name for p in stored.parties.all()) == [f"Applicant {i}",
                                                                f"Respondent {i}"]  # fmt: skip
        assert CaseEvent.objects.filter(case=stored, action="register").count() == 1
        assert CaseSearchToken.objects.filter(case=stored).exists()
        assert PendingIntake.objects.filter(case_id=stored.pk).count() == 1
        assert stored.tracking_secret_hash == identity.hash_secret(secret)
        refs.append(case.reference)
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in refs)
    assert numbers == list(range(numbers[0], numbers[0] + 6))  # consecutive, none twice
    audited = list(
        AuditEvent.objects.filter(action="case.create").values_list("object_id", flat=True)
    )
    assert sorted(audited) == sorted(refs)
    report = verify_chain(AuditEvent)
    assert report.ok, report
