"""Encrypt the free text and names of the resolution app: claims and outcome summaries,
proceeding parties' names, timeline notes, mediation records and attendees, agreement text,
terms and signatures, document titles and bodies, supervision orders and replies, follow-up
notes. Each table gets a random `row_key`; values become AES-GCM ciphertext bound to table,
column and row (accord.core.crypto; JSON values are serialised first).

Existing rows are given a row key and encrypted by `encrypt_existing` (reversible: going back
decrypts them, JSON values back to JSON text). See docs/security-data.md §4.
"""

import json
import uuid

from django.db import migrations, models

import accord.core.crypto

BATCH = 1000
ENCRYPTED = {
    "proceeding": ["outcome_summary", "claims"],
    "proceedingparty": ["name"],
    "proceedingevent": ["note"],
    "mediationsession": ["attendees", "record"],
    "agreement": ["text", "terms", "signatures"],
    "document": ["title", "body"],
    "supervisionorder": ["text", "reply"],
    "followup": ["note"],
}
JSON_FIELDS = {("mediationsession", "attendees"), ("agreement", "terms"), ("agreement", "signatures")}


def _process(apps, model_name, *, forward):
    from django.db import connection

    from accord.core import crypto

    Model = apps.get_model("resolution", model_name)
    fields = [Model._meta.get_field(n) for n in ENCRYPTED[model_name]]
    table = Model._meta.db_table
    qn = connection.ops.quote_name
    is_json = {f.name: (model_name, f.name) in JSON_FIELDS for f in fields}
    last = 0
    while True:
        rows = list(Model.objects.order_by("pk").filter(pk__gt=last)[:BATCH])
        if not rows:
            return
        for row in rows:
            if forward and row.row_key is None:
                row.row_key = uuid.uuid4()
            values = {}
            for f in fields:
                raw = row.__dict__[f.attname]
                if crypto.is_sealed(raw):
                    # Already sealed (a re-run): open it, then seal again under the current key.
                    text = crypto.unseal(raw, crypto.aad(table, f.column, row.row_key))
                elif raw is None or raw == "":
                    text = raw
                else:
                    # Plain: text as is; a JSON column arrives parsed (EncryptedJSONField).
                    text = json.dumps(raw, ensure_ascii=False) if is_json[f.name] else raw
                if forward:
                    values[f.attname] = (
                        crypto.Sealed(crypto.seal(text, crypto.aad(table, f.column, row.row_key)))
                        if text
                        else text
                    )
                elif is_json[f.name] and not text:
                    values[f.column] = "[]"  # the JSON column needs valid JSON again
                else:
                    values[f.column] = text
            if forward:
                Model.objects.filter(pk=row.pk).update(row_key=row.row_key, **values)
            else:
                # update() would refuse plaintext for an encrypted field: write with SQL (the
                # column is a plain text / JSON column again once this migration is undone).
                sets = ", ".join(f"{qn(c)} = %s" for c in values)
                with connection.cursor() as cur:
                    cur.execute(
                        f"UPDATE {qn(table)} SET {sets} WHERE id = %s",  # noqa: S608
                        [*values.values(), row.pk],
                    )
        last = rows[-1].pk


def encrypt_existing(apps, schema_editor):
    for name in ENCRYPTED:
        _process(apps, name, forward=True)


def decrypt_existing(apps, schema_editor):
    for name in ENCRYPTED:
        _process(apps, name, forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ("resolution", "0002_seed_statutes"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=name,
                name="row_key",
                field=models.UUIDField(editable=False, null=True),
            )
            for name in ENCRYPTED
        ),
        migrations.AlterField(
            model_name="proceeding",
            name="outcome_summary",
            field=accord.core.crypto.EncryptedTextField(blank=True, verbose_name="outcome summary"),
        ),
        migrations.AlterField(
            model_name="proceeding",
            name="claims",
            field=accord.core.crypto.EncryptedTextField(blank=True, verbose_name="claims"),
        ),
        migrations.AlterField(
            model_name="proceedingparty",
            name="name",
            field=accord.core.crypto.EncryptedTextField(verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="proceedingevent",
            name="note",
            field=accord.core.crypto.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="mediationsession",
            name="attendees",
            field=accord.core.crypto.EncryptedJSONField(default=list, verbose_name="attendees"),
        ),
        migrations.AlterField(
            model_name="mediationsession",
            name="record",
            field=accord.core.crypto.EncryptedTextField(verbose_name="record"),
        ),
        migrations.AlterField(
            model_name="agreement",
            name="text",
            field=accord.core.crypto.EncryptedTextField(verbose_name="agreement text"),
        ),
        migrations.AlterField(
            model_name="agreement",
            name="terms",
            field=accord.core.crypto.EncryptedJSONField(default=list, verbose_name="terms"),
        ),
        migrations.AlterField(
            model_name="agreement",
            name="signatures",
            field=accord.core.crypto.EncryptedJSONField(default=list),
        ),
        migrations.AlterField(
            model_name="document",
            name="title",
            field=accord.core.crypto.EncryptedTextField(verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="document",
            name="body",
            field=accord.core.crypto.EncryptedTextField(verbose_name="text"),
        ),
        migrations.AlterField(
            model_name="supervisionorder",
            name="text",
            field=accord.core.crypto.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="supervisionorder",
            name="reply",
            field=accord.core.crypto.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="followup",
            name="note",
            field=accord.core.crypto.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
        *(
            migrations.AlterField(
                model_name=name,
                name="row_key",
                field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
            )
            for name in ENCRYPTED
        ),
    ]
