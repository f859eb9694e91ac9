"""core.prepared.PreparedInsert: statements compiled before the transaction write the same
rows as the ORM would — encrypted fields sealed, blind indexes computed, the parent's id put
in at run time — on SQLite and on PostgreSQL (whose bulk INSERT passes arrays)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from accord.cases.models import Case, Party
from accord.core.crypto import blind_index
from accord.core.prepared import PreparedInsert

pytestmark = pytest.mark.django_db


def test_rows_are_written_only_when_run_and_read_back_like_orm_rows(make_case, areas):
    case, _ = make_case(area=areas.t1c1g1)
    names = ["Wang Fang", "李娜", "Zhao Lei"]
    parties = [Party(case=case, role="applicant", kind="person", name=n) for n in names]
    insert = PreparedInsert(parties, parent="case")
    before = Party.objects.filter(case=case).count()
    assert Party.objects.filter(case=case).count() == before  # compiling writes nothing
    with transaction.atomic():
        insert.run(parent_id=case.pk)
    stored = Party.objects.filter(case=case).order_by("pk")
    assert [p.name for p in stored][before:] == names
    assert [p.name_index for p in stored][before:] == [blind_index("party.name", n) for n in names]
    assert all(p.case_id == case.pk and not p._state.adding for p in parties)
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM cases_party WHERE case_id = %s", [case.pk])
        raw = [r[0] for r in cur.fetchall()]
    assert not set(names) & set(raw)  # ciphertext in the column, as with save()


def test_a_returning_insert_gives_the_new_primary_key(make_case, areas):
    case, _ = make_case(area=areas.t1c1g1)
    twin = Case.objects.get(pk=case.pk)
    for f in Case._meta.concrete_fields:  # open sealed values: they are bound to their row
        getattr(twin, f.attname)
    twin.pk, twin.id, twin.reference = None, None, "AC-TEST-1"
    twin.row_key = Case._meta.get_field("row_key").get_default()
    insert = PreparedInsert([twin], returning_pk=True)
    with transaction.atomic():
        new_pk = insert.run()
    assert new_pk == twin.pk and new_pk != case.pk
    again = Case.objects.get(pk=new_pk)
    assert again.reference == "AC-TEST-1" and again.description == case.description


def test_returning_is_for_one_row_only():
    with pytest.raises(ValueError, match="one row"):
        PreparedInsert([Party(), Party()], returning_pk=True)
