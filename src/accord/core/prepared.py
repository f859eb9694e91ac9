"""Statements whose Python work is done before the transaction that sends them.

SQLite has one writer at a time, and the write lock is held from `BEGIN IMMEDIATE` to
`COMMIT`: whatever Python does in between — building model instances into SQL, sealing
encrypted fields, computing blind indexes — every other filing waits for. On a loaded server
the thread holding the lock is also preempted by the others, so a few milliseconds of Python
inside the transaction become ten.

- `PreparedRows` takes the rows of one model and prepares their values at once (`pre_save`,
  `get_db_prep_save`: the values `Model.save()` / `bulk_create()` would write, with the same
  encryption). `insert()` sends any number of them as multi-row `INSERT … VALUES` statements
  inside the caller's transaction. No model signals are sent (Accord has no model-save
  receivers). A child row whose parent is inserted in the same transaction gets the parent's
  id at run time: `PreparedRows(children, parent="case")`, then `insert(..., parent_ids=...)`.
- `pipelined()` (PostgreSQL): the statements of a block go to the server without waiting
  for each answer; only a statement whose result is read (`RETURNING`, a `SELECT`) waits,
  for itself and everything sent before it. A group commit's dozen statements then cost a
  few round trips instead of a dozen, each of which a loaded server process paid twice: once
  for the database, once for getting the interpreter back. Errors surface at the next read
  or at the end of the block, inside the same transaction, which then rolls back.
- `Select` reads a model's rows by a fixed `WHERE` clause compiled once, with Django's own
  converters (decryption included), for the hot lookups of intake where building a QuerySet
  cost more than running it.
- `planner_setting()` (PostgreSQL): a planner setting for the statements of a block only, for
  the rare read whose best plan the planner cannot see from its statistics.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from django.db import connections, transaction
from django.db.models import AutoField, Field, Model


@lru_cache(maxsize=256)
def _insert_fields(model: type[Model], with_pk: bool) -> tuple[Field, ...]:
    fields = tuple(
        f
        for f in model._meta.concrete_fields
        if not f.generated and (with_pk or not isinstance(f, AutoField))
    )
    for f in fields:
        if hasattr(f, "get_placeholder"):  # none in Accord; Django's compiler handles them
            raise TypeError(f"{model.__name__}.{f.name} needs its own SQL placeholder")
    return fields


class PreparedRows:
    """The rows of `objs` (one model), their values prepared for the database now."""

    def __init__(
        self, objs: Sequence[Model], *, parent: str | None = None, using: str = "default"
    ) -> None:
        self.objs, self.using = list(objs), using
        self.model: type[Model] | None = type(self.objs[0]) if self.objs else None
        self.fields: tuple[Field, ...] = ()
        self.rows: list[list[Any]] = []
        self.parent_attname: str | None = None
        self.parent_col: int | None = None
        if self.model is None:
            return
        self.fields = _insert_fields(self.model, self.objs[0].pk is not None)
        self._set_parent(parent)
        conn = connections[using]
        self.rows = [
            [f.get_db_prep_save(f.pre_save(obj, True), connection=conn) for f in self.fields]
            for obj in self.objs
        ]

    @classmethod
    def of_values(
        cls, model: type[Model], values: Sequence[dict[str, Any]], *, parent: str | None = None
    ) -> PreparedRows:
        """Rows given as plain column values (by attname), for models whose fields need no
        preparing (no encryption, no defaults to compute): no instances are built."""
        self = cls([])
        self.model = model
        self.fields = _insert_fields(model, False)
        attnames = [f.attname for f in self.fields]
        for v in values:
            unknown = set(v) - set(attnames)
            if unknown:
                raise ValueError(f"{model.__name__} has no column {sorted(unknown)[0]!r}")
        self.rows = [[v.get(a) for a in attnames] for v in values]
        self._set_parent(parent)
        return self

    def _set_parent(self, parent: str | None) -> None:
        if parent is not None:
            self.parent_attname = self.model._meta.get_field(parent).attname
            self.parent_col = [f.attname for f in self.fields].index(self.parent_attname)


def _sql(table: str, columns: tuple[str, ...], n: int, returning: tuple[str, ...], qn) -> str:
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"VALUES {', '.join([row] * n)}"
    )
    if returning:
        sql += " RETURNING " + ", ".join(qn(c) for c in returning)
    return sql


def insert(
    parts: Sequence[PreparedRows],
    *,
    parent_ids: Sequence[int] | None = None,
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Insert the rows of `parts` (all of one model and field list) inside the caller's
    transaction, `parent_ids[i]` as the parent of `parts[i]`'s rows. Returns the `returning`
    columns of every row, in no promised order (SQLite promises none). Marks the instances
    saved and sets their parent ids."""
    if parent_ids is not None and len(parent_ids) != len(parts):
        raise ValueError("every part needs its parent id")
    pairs = [
        (p, parent_ids[i] if parent_ids is not None else None)
        for i, p in enumerate(parts)
        if p.rows
    ]
    if not pairs:
        return []
    first = pairs[0][0]
    if any(p.model is not first.model or p.fields != first.fields for p, _ in pairs):
        raise ValueError("one insert takes rows of one model and one field list")
    if first.parent_col is not None and parent_ids is None:
        raise ValueError("every part needs its parent id")
    rows: list[list[Any]] = []
    for part, parent_id in pairs:
        for row in part.rows:
            if part.parent_col is not None:
                row = list(row)
                row[part.parent_col] = parent_id
            rows.append(row)
    conn = connections[first.using]
    opts = first.model._meta
    columns = tuple(f.column for f in first.fields)
    back = tuple(opts.get_field(name).column for name in returning)
    per_statement = max(1, min(500, conn.ops.bulk_batch_size(first.fields, rows)))
    out: list[tuple] = []
    with conn.cursor() as cur:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            sql = _sql(opts.db_table, columns, len(chunk), back, conn.ops.quote_name)
            cur.execute(sql, [v for row in chunk for v in row])
            if back:
                out.extend(tuple(r) for r in cur.fetchall())
    for part, parent_id in pairs:
        for obj in part.objs:
            if part.parent_attname is not None:
                setattr(obj, part.parent_attname, parent_id)
            obj._state.adding, obj._state.db = False, first.using
    return out


class Select:
    """`SELECT <every concrete column> FROM <table> WHERE <where>`, built once. `where` is
    plain SQL with `%s` parameters, naming columns; `{marks}` in it stands for one `%s` per
    parameter (for `IN` lists)."""

    def __init__(self, model: type[Model], where: str, *, using: str = "default") -> None:
        self.model, self.where, self.using = model, where, using
        self._compiled: tuple[str, list, list[str]] | None = None

    def _compile(self) -> tuple[str, list, list[str]]:
        if self._compiled is None:
            conn = connections[self.using]
            opts = self.model._meta
            fields = list(opts.concrete_fields)
            qn = conn.ops.quote_name
            sql = (
                f"SELECT {', '.join(qn(f.column) for f in fields)} "  # noqa: S608
                f"FROM {qn(opts.db_table)} WHERE {self.where}"
            )
            converters = []
            for i, f in enumerate(fields):
                col = f.get_col(opts.db_table)
                found = conn.ops.get_db_converters(col) + col.get_db_converters(conn)
                if found:
                    converters.append((i, found, col))
            self._compiled = (sql, converters, [f.attname for f in fields])
        return self._compiled

    def all(self, params: Sequence[Any] = ()) -> list[Model]:
        sql, converters, attnames = self._compile()
        if "{marks}" in sql:
            if not params:
                return []
            sql = sql.replace("{marks}", ", ".join(["%s"] * len(params)))
        conn = connections[self.using]
        with conn.cursor() as cur:
            cur.execute(sql, list(params))
            rows = cur.fetchall()
        out = []
        for row in rows:
            values = list(row)
            for i, found, col in converters:
                v = values[i]
                for convert in found:
                    v = convert(v, col, conn)
                values[i] = v
            out.append(self.model.from_db(self.using, attnames, values))
        return out

    def one(self, params: Sequence[Any] = ()) -> Model | None:
        rows = self.all(params)
        return rows[0] if rows else None


@contextmanager
def pipelined(using: str = "default") -> Iterator[None]:
    """Send the block's statements in PostgreSQL's pipeline mode (elsewhere: as usual). Use
    it inside a transaction, around statements that do not need each other's results except
    where they read them."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        yield
        return
    conn.ensure_connection()
    with conn.connection.pipeline():
        yield


@contextmanager
def planner_setting(name: str, value: str, using: str = "default") -> Iterator[None]:
    """Run the block's statements with a PostgreSQL planner setting (`enable_bitmapscan`,
    `off`), inside a transaction (a savepoint when one is open) and restored at the block's
    end, so nothing else in the caller's transaction sees it. Elsewhere: as usual."""
    if not name.startswith("enable_"):
        raise ValueError(f"{name!r} is not a planner method setting")
    conn = connections[using]
    if conn.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):
        with conn.cursor() as cur:
            cur.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
            before = cur.fetchone()[0]
        yield
        with conn.cursor() as cur:
            cur.execute("SELECT set_config(%s, %s, true)", [name, before])
