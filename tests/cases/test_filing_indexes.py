"""Every index a filing writes is one a query uses: the case's category, area and handling
area are covered by the composite indexes that lead with them (no single-column duplicates),
and the party's exact-match columns have one plain index each (on PostgreSQL no second,
pattern-matching `_like` index that no query uses)."""

from __future__ import annotations

import pytest
from django.db import connection

from accord.cases.models import Case, Party

pytestmark = pytest.mark.django_db


def indexes(model) -> dict[str, list[str]]:
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, model._meta.db_table)
    return {name: c["columns"] for name, c in found.items() if c["index"] and not c["unique"]}


def test_case_columns_are_indexed_once_each_by_the_composite_indexes():
    columns = sorted(indexes(Case).values())
    for fk in ("area_id", "category_id", "handling_area_id"):
        assert [fk] not in columns, f"a single-column index on {fk} duplicates a composite one"
    assert ["area_id", "created_at"] in columns
    assert ["category_id", "created_at"] in columns
    assert ["handling_area_id", "status"] in columns


def test_party_lookups_have_one_plain_index_each():
    found = indexes(Party)
    for column in ("name_index", "id_number_index", "normalised_name"):
        on_it = [name for name, cols in found.items() if cols == [column]]
        assert len(on_it) == 1, (column, on_it)
    assert not [name for name in found if name.endswith("_like")]
