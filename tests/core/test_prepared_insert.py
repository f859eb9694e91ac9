"""core.prepared: rows prepared before the transaction are written as the ORM would write them
— encrypted fields sealed, blind indexes computed, each part's parent id put in at run time —
and `Select` reads rows back as the ORM would, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from accord.cases.models import Case, Party
from accord.core.crypto import blind_index
from accord.core.models import Area
from accord.core.prepared import PreparedRows, Select, insert, pipelined

pytestmark = pytest.mark.django_db


def test_rows_are_written_only_when_inserted_and_read_back_like_orm_rows(make_case, areas):
    case, _ = make_case(area=areas.t1c1g1)
    names = ["Wang Fang", "李娜", "Zhao Lei"]
    parties = [Party(case=case, role="applicant", kind="person", name=n) for n in names]
    before = Party.objects.filter(case=case).count()
    prepared = PreparedRows(parties, parent="case")
    assert Party.objects.filter(case=case).count() == before  # preparing writes nothing
    with transaction.atomic():
        insert([prepared], parent_ids=[case.pk])
    stored = Party.objects.filter(case=case).order_by("pk")
    assert [p.name for p in stored][before:] == names
    assert [p.name_index for p in stored][before:] == [blind_index("party.name", n) for n in names]
    assert all(p.case_id == case.pk and not p._state.adding for p in parties)
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM cases_party WHERE case_id = %s", [case.pk])
        raw = [r[0] for r in cur.fetchall()]
    assert not set(names) & set(raw)  # ciphertext in the column, as with save()


def _twin(case: Case, reference: str) -> Case:
    twin = Case.objects.get(pk=case.pk)
    for f in Case._meta.concrete_fields:  # open sealed values: they are bound to their row
        getattr(twin, f.attname)
    twin.pk, twin.id, twin.reference = None, None, reference
    twin.row_key = Case._meta.get_field("row_key").get_default()
    return twin


def test_several_parents_and_their_children_in_one_statement_each(make_case, areas):
    case, _ = make_case(area=areas.t1c1g1)
    twins = [_twin(case, f"AC-TEST-{i}") for i in range(3)]
    kids = [
        [Party(case=t, role="applicant", kind="person", name=f"Party {i}.{k}") for k in range(i)]
        for i, t in enumerate(twins)
    ]  # 0, 1 and 2 parties: a part with no rows keeps the others' parents right
    cases = [PreparedRows([t]) for t in twins]
    children = [PreparedRows(k, parent="case") for k in kids]
    with transaction.atomic():
        back = insert(cases, returning=("id", "reference"))
        ids = {ref: pk for pk, ref in back}
        parent_ids = [ids[t.reference] for t in twins]
        insert(children, parent_ids=parent_ids)
    assert len(set(parent_ids)) == 3 and case.pk not in parent_ids
    for t, pk, k in zip(twins, parent_ids, kids, strict=True):
        again = Case.objects.get(pk=pk)
        assert again.reference == t.reference and again.description == case.description
        assert sorted(p.name for p in again.parties.all()) == [p.name for p in k]


def test_an_insert_refuses_mixed_models_and_missing_parents(make_case, areas):
    case, _ = make_case(area=areas.t1c1g1)
    party = PreparedRows(
        [Party(case=case, role="applicant", kind="person", name="A")], parent="case"
    )
    other = PreparedRows([_twin(case, "AC-TEST-9")])
    with pytest.raises(ValueError, match="one model"):
        insert([other, PreparedRows([Party(role="applicant", kind="person", name="B")])])
    with pytest.raises(ValueError, match="parent id"):
        insert([party])
    with pytest.raises(ValueError, match="parent id"):
        insert([party], parent_ids=[case.pk, case.pk])
    assert insert([PreparedRows([])]) == []


def test_select_reads_rows_like_the_orm(make_case, areas):
    case, _ = make_case(area=areas.t1c1g1)
    by_case = Select(Party, "case_id = %s")
    got = sorted(by_case.all([case.pk]), key=lambda p: p.pk)
    want = list(Party.objects.filter(case=case).order_by("pk"))
    assert [(p.pk, p.name, p.contact, p.role) for p in got] == [
        (p.pk, p.name, p.contact, p.role) for p in want
    ]
    assert all(not p._state.adding for p in got)
    one = Select(Case, "id = %s").one([case.pk])
    assert one.created_at == case.created_at and one.row_key == case.row_key
    assert one.routing == Case.objects.get(pk=case.pk).routing  # JSON decoded
    assert Select(Case, "id = %s").one([-1]) is None
    codes = [areas.t1.code, areas.t1c1g1.code, "NO-SUCH-AREA"]
    found = Select(Area, "code IN ({marks})").all(codes)
    assert sorted(a.code for a in found) == sorted(codes[:2])
    assert Select(Area, "code IN ({marks})").all([]) == []


def test_rows_of_plain_values_need_no_instances(make_case, areas):
    from accord.cases.models import CaseSearchToken

    case, _ = make_case(area=areas.t1c1g1)
    rows = PreparedRows.of_values(CaseSearchToken, [{"token": "t-one"}, {"token": "t-two"}],
                                  parent="case")  # fmt: skip
    with transaction.atomic():
        insert([rows], parent_ids=[case.pk])
    got = CaseSearchToken.objects.filter(case=case, token__startswith="t-")
    assert sorted(got.values_list("token", flat=True)) == ["t-one", "t-two"]
    with pytest.raises(ValueError, match="no column 'nope'"):
        PreparedRows.of_values(CaseSearchToken, [{"nope": 1}])


def test_pipelined_statements_are_all_written_and_answers_read_in_order(make_case, areas):
    """`pipelined()` (PostgreSQL pipeline mode; elsewhere a plain block): statements whose
    answers are not read go on without waiting, a read waits for everything before it."""
    case, _ = make_case(area=areas.t1c1g1)
    parties = [Party(case=case, role="respondent", kind="person", name=f"P{i}") for i in range(3)]
    with transaction.atomic(), pipelined():
        insert([PreparedRows(parties, parent="case")], parent_ids=[case.pk])
        with connection.cursor() as cur:
            cur.execute("UPDATE cases_case SET people_count = %s WHERE id = %s", [7, case.pk])
            cur.execute(
                "SELECT count(*) FROM cases_party WHERE case_id = %s AND role = %s",
                [case.pk, "respondent"],
            )
            assert cur.fetchone()[0] >= 3  # the read saw the inserts sent before it
    assert Case.objects.get(pk=case.pk).people_count == 7
    names = {p.name for p in Party.objects.filter(case=case)}
    assert {"P0", "P1", "P2"} <= names


def test_a_failing_pipelined_statement_fails_the_transaction_and_writes_nothing(make_case, areas):
    from django.db import IntegrityError

    case, _ = make_case(area=areas.t1c1g1)
    before = Party.objects.filter(case=case).count()
    parties = [Party(case=case, role="respondent", kind="person", name="Dup")]
    with pytest.raises(IntegrityError), transaction.atomic(), pipelined():
        insert([PreparedRows(parties, parent="case")], parent_ids=[case.pk])
        with connection.cursor() as cur:  # the case's own reference again: unique violation
            cur.execute(
                "UPDATE cases_case SET reference = (SELECT reference FROM cases_case "
                "WHERE id <> %s ORDER BY id LIMIT 1) WHERE id = %s",
                [case.pk, case.pk],
            )
            cur.execute("SELECT 1")
            cur.fetchone()
    assert Party.objects.filter(case=case).count() == before
