"""Bulk writes of the demo's cases, parties, timeline events and keyword tokens.

Hundreds of thousands of rows: they are sent with `executemany` INSERTs, one transaction per
batch, and the many child rows (parties, events, tokens) are plain attribute bags (`Row`),
not model instances, because building instances cost more than the INSERTs.

Personal data is stored exactly as the models store it, by the models' own field code: each
encrypted field's and blind index's `pre_save` (`core.crypto.EncryptedTextField`: AES-GCM
bound to table, column and the row's `row_key`; `BlindIndexField`: the keyed HMAC of the
plaintext) and `get_db_prep_save` — the calls `core.prepared.PreparedRows` makes for a
filing. Missing values take the field's default (a fresh `row_key`, an empty contact).
Other values go through the backend's own adapters.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import AutoField, Field, Model

from accord.cases.identity import description_tokens
from accord.cases.models import Case, CaseEvent, CaseSearchToken, Counter, Party
from accord.core.crypto import BlindIndexField, EncryptedTextField
from accord.demo.models import InjectedSituation


class Row:
    """A row to insert: attributes named as the model's columns (attnames)."""

    def __init__(self, **kw) -> None:
        self.__dict__.update(kw)


def _adapter(f: Field):
    ops = connection.ops
    kind = f.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DecimalField":
        return lambda v: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
    if kind in ("JSONField", "UUIDField"):
        return lambda v: f.get_db_prep_save(v, connection)
    return None


class Writer:
    """`INSERT INTO <model's table> VALUES ...` for rows (model instances or `Row`s)."""

    def __init__(self, model: type[Model], *, with_pk: bool) -> None:
        qn = connection.ops.quote_name
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if not f.generated and (with_pk or not isinstance(f, AutoField))
        ]
        cols = ", ".join(qn(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        # Identifiers come from the model, quoted by the backend; values are parameters.
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({cols}) VALUES ({marks})"  # noqa: S608
        # (attname, field if its own pre_save prepares it, else the backend adapter)
        self.plan = [
            (f.attname, f if isinstance(f, (EncryptedTextField, BlindIndexField)) else None)
            for f in self.fields
        ]
        self.adapters = [_adapter(f) for f in self.fields]
        self.defaults = [f for f in self.fields if f.has_default() or f.null or f.blank]

    def values(self, obj) -> tuple:
        d = obj.__dict__
        if type(obj) is Row:  # a model instance has every value already
            for f in self.defaults:
                if f.attname not in d:
                    d[f.attname] = f.get_default()
        out = []
        for (attname, own), adapt in zip(self.plan, self.adapters, strict=True):
            if own is not None:
                # The field's own code: seals (encrypted text) or computes the blind index
                # from the plaintext, which stays on the row until every field is prepared.
                # (Its get_db_prep_save would return the same string.)
                out.append(own.pre_save(obj, True))
            else:
                v = d[attname]
                out.append(adapt(v) if adapt is not None and v is not None else v)
        return tuple(out)

    def insert(self, rows: list) -> None:
        params = [self.values(r) for r in rows]
        with connection.cursor() as cur:
            for i in range(0, len(params), 1000):
                cur.executemany(self.sql, params[i : i + 1000])


WRITERS = {
    "case": (Case, True),
    "party": (Party, False),
    "event": (CaseEvent, False),
    "token": (CaseSearchToken, False),
}


def writers() -> dict[str, Writer]:
    return {name: Writer(model, with_pk=pk) for name, (model, pk) in WRITERS.items()}


def flush(
    writers: dict[str, Writer],
    cases: list[Case],
    parties: list[list[Row]],
    events: list[list[Row]],
    links: list[tuple[int, int]],
    counters: dict[int, int],
) -> None:
    """One batch in one transaction: cases, parties, events, keyword tokens, situation links
    and the reference counters (kept in step, so cases filed later, or after an interrupted
    run, continue the sequence)."""
    with transaction.atomic():
        for year, value in sorted(counters.items()):
            Counter.objects.update_or_create(name=f"case-{year}", defaults={"value": value})
        # The keyword blind index as a filing computes it (from the plaintext description).
        tokens = [Row(case_id=c.id, token=t) for c in cases for t in description_tokens(c)]
        writers["case"].insert(cases)
        writers["party"].insert([p for ps in parties for p in ps])
        writers["event"].insert([e for es in events for e in es])
        writers["token"].insert(tokens)
        through = InjectedSituation.cases.through
        through.objects.bulk_create(
            [through(injectedsituation_id=sit_pk, case_id=cases[i].id) for i, sit_pk in links]
        )
