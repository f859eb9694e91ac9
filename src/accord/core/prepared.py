"""INSERT statements compiled by Django's own SQL compiler before the transaction that runs
them.

SQLite has one writer at a time, and the write lock is held from `BEGIN IMMEDIATE` to
`COMMIT`: whatever Python does in between — building model instances into SQL, sealing
encrypted fields, computing blind indexes — every other filing waits for. On a loaded server
the thread holding the lock is also preempted by the others, so a few milliseconds of Python
inside the transaction become ten. `PreparedInsert` does all of that first (`pre_save`,
`get_db_prep_save`, the compiler's `as_sql`), so the transaction only sends finished
statements. The rows are the ones `Model.save()` / `bulk_create()` would write: same fields,
same values, same encryption; no model signals are sent (Accord has no model-save receivers).

A child row whose parent is inserted in the same transaction gets the parent's id at run
time: `PreparedInsert(children, parent="case")` compiles them with a marker in place of the
foreign key and `run(parent_id=...)` puts the id in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import AutoField, Model
from django.db.models.sql import InsertQuery

# A value no foreign key holds: compiled into the parent's place, replaced at run time.
_PARENT_MARK = -(2**62) + 7


class PreparedInsert:
    def __init__(
        self,
        objs: Sequence[Model],
        *,
        parent: str | None = None,
        returning_pk: bool = False,
        using: str = "default",
    ) -> None:
        self.using, self.returning_pk, self.objs = using, returning_pk, list(objs)
        self.statements: list[tuple[str, list[Any], list[tuple[int, int | None]]]] = []
        self.parent_attname: str | None = None
        if not objs:
            return
        if returning_pk and len(objs) != 1:
            raise ValueError("returning_pk compiles one row")
        model = type(objs[0])
        opts = model._meta
        conn = connections[using]
        fields = [
            f
            for f in opts.concrete_fields
            if not f.generated and not (isinstance(f, AutoField) and objs[0].pk is None)
        ]
        if parent is not None:
            self.parent_attname = opts.get_field(parent).attname
            for obj in objs:
                setattr(obj, self.parent_attname, _PARENT_MARK)
        batch = max(1, conn.ops.bulk_batch_size(fields, objs))
        for start in range(0, len(objs), batch):
            query = InsertQuery(model)
            query.insert_values(fields, objs[start : start + batch], raw=False)
            compiler = query.get_compiler(using=using)
            if returning_pk:
                compiler.returning_fields = [opts.pk]
            for sql, params in compiler.as_sql():
                # A parameter is one value, or (PostgreSQL's bulk INSERT … UNNEST) one array
                # per column.
                params = [list(p) if isinstance(p, list | tuple) else p for p in params]
                marks = [
                    (i, j)
                    for i, p in enumerate(params)
                    for j, v in (enumerate(p) if isinstance(p, list) else [(None, p)])
                    if type(v) is int and v == _PARENT_MARK
                ]
                if parent is not None and len(marks) != len(objs[start : start + batch]):
                    raise AssertionError("could not place the parent id in the statement")
                self.statements.append((sql, params, marks))

    def run(self, *, parent_id: int | None = None) -> int | None:
        """Execute inside the caller's transaction. Returns the new primary key when compiled
        with `returning_pk`; sets it, and the parent id, on the instances."""
        new_pk = None
        with connections[self.using].cursor() as cur:
            for sql, params, marks in self.statements:
                for i, j in marks:
                    if j is None:
                        params[i] = parent_id
                    else:
                        params[i][j] = parent_id
                cur.execute(sql, params)
                if self.returning_pk:
                    new_pk = cur.fetchone()[0]
        for obj in self.objs:
            if self.parent_attname is not None:
                setattr(obj, self.parent_attname, parent_id)
            obj._state.adding, obj._state.db = False, self.using
        if self.returning_pk and self.objs:
            self.objs[0].pk = new_pk
        return new_pk
