"""The migration that introduced field encryption encrypts rows that were stored in plain
text before it, and going back decrypts them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accord.core import crypto

BEFORE = [("cases", "0003_case_deadline_warning")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_plaintext_is_encrypted_by_the_migration():
    old = _migrate(BEFORE)
    Area = old.get_model("core", "Area")
    Case = old.get_model("cases", "Case")
    Party = old.get_model("cases", "Party")
    CaseEvent = old.get_model("cases", "CaseEvent")
    Category = old.get_model("cases", "Category")
    area = Area.objects.create(code="M", name_en="M", name_zh="M", level="city", path="/M/")
    now = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    case = Case.objects.create(
        reference="AC-2026-0000001", tracking_secret_hash="0" * 64,
        category=Category.objects.get_or_create(code="neighbour", defaults={"name_en": "n", "name_zh": "n", "default_tier": "community", "department_en": "d", "department_zh": "d"})[0], area=area, handling_area=area,
        description="old plaintext naming Zhou Enlai Road resident", channel="web",
        tier="community", status_changed_at=now, created_at=now,
    )  # fmt: skip
    Party.objects.create(case=case, role="applicant", kind="person", name="Sun Li", contact="1")
    CaseEvent.objects.create(case=case, created_at=now, action="register", to_status="x", note="n1")

    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(leaves)
    with connection.cursor() as cur:
        cur.execute("SELECT description FROM cases_case")
        assert crypto.is_sealed(cur.fetchone()[0])
        cur.execute("SELECT name, contact, name_index FROM cases_party")
        name, contact, index = cur.fetchone()
        assert crypto.is_sealed(name) and crypto.is_sealed(contact)
        assert index == crypto.blind_index("party.name", "sun li")
        cur.execute("SELECT note FROM cases_caseevent")
        assert crypto.is_sealed(cur.fetchone()[0])
    from accord.cases.models import Case as Current
    from accord.cases.selectors import search_q

    current = Current.objects.get(reference="AC-2026-0000001")
    assert current.description == "old plaintext naming Zhou Enlai Road resident"
    assert current.parties.get().name == "Sun Li"
    assert Current.objects.filter(search_q("Sun Li")).count() == 1
    assert Current.objects.filter(search_q("plaintext resident")).count() == 1

    _migrate(BEFORE)  # and back: the plaintext returns
    with connection.cursor() as cur:
        cur.execute("SELECT description FROM cases_case")
        assert cur.fetchone()[0] == "old plaintext naming Zhou Enlai Road resident"
        cur.execute("SELECT name FROM cases_party")
        assert cur.fetchone()[0] == "Sun Li"
    _migrate(leaves)
