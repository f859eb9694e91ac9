"""Encrypt personal data in place: party names and contacts, case descriptions and timeline
notes become AES-GCM ciphertext bound to table, column and a per-row random `row_key`; party
names get a keyed blind index and descriptions a keyword blind index (CaseSearchToken).

Existing rows are given a row key and encrypted by `encrypt_existing` (reversible: going back
decrypts them). See docs/security-data.md.
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

import accord.core.crypto

BATCH = 1000
ENCRYPTED = {"case": ["description"], "party": ["name", "contact", "id_number"], "caseevent": ["note"]}


def _process(apps, model_name, *, forward):
    from accord.core import crypto

    Model = apps.get_model("cases", model_name)
    fields = [Model._meta.get_field(n) for n in ENCRYPTED[model_name]]
    table = Model._meta.db_table
    qs = Model.objects.order_by("pk")
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last)[:BATCH])
        if not rows:
            return
        for row in rows:
            if forward and row.row_key is None:
                row.row_key = uuid.uuid4()
            for f in fields:
                raw = row.__dict__[f.attname]
                if forward:
                    plain = crypto.unseal(raw, crypto.aad(table, f.column, row.row_key)) if crypto.is_sealed(raw) else raw
                    if plain:
                        row.__dict__[f.attname] = crypto.Sealed(
                            crypto.seal(plain, crypto.aad(table, f.column, row.row_key))
                        )
                    if model_name == "party" and f.name == "name":
                        row.name_index = crypto.blind_index("party.name", plain) if plain.strip() else ""
                elif crypto.is_sealed(raw):
                    # Backwards: put the plaintext back (the column is a plain text column again).
                    row.__dict__[f.attname] = crypto.unseal(raw, crypto.aad(table, f.column, row.row_key))
        update = ["row_key", *[f.name for f in fields]]
        if model_name == "party":
            update.append("name_index")
        if forward:
            for row in rows:
                Model.objects.filter(pk=row.pk).update(
                    **{n: row.__dict__[Model._meta.get_field(n).attname] for n in update}
                )
        else:
            # bulk_update would refuse plaintext for an encrypted field: write with SQL.
            from django.db import connection

            qn = connection.ops.quote_name
            with connection.cursor() as cur:
                for row in rows:
                    sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
                    cur.execute(
                        f"UPDATE {qn(table)} SET {sets} WHERE id = %s",  # noqa: S608
                        [row.__dict__[f.attname] for f in fields] + [row.pk],
                    )
        last = rows[-1].pk


def encrypt_existing(apps, schema_editor):
    for name in ENCRYPTED:
        _process(apps, name, forward=True)
    # Keyword index of the existing descriptions.
    from accord.core import crypto

    Case = apps.get_model("cases", "Case")
    Token = apps.get_model("cases", "CaseSearchToken")
    for case in Case.objects.only("id", "row_key", "description").iterator(chunk_size=BATCH):
        Token.objects.bulk_create(
            Token(case_id=case.pk, token=t)
            for t in crypto.search_tokens("case.description", case.description or "")
        )


def decrypt_existing(apps, schema_editor):
    for name in ENCRYPTED:
        _process(apps, name, forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0003_case_deadline_warning"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="row_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="row_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="party",
            name="row_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="party",
            name="name_index",
            field=accord.core.crypto.BlindIndexField(blank=True, db_index=True, editable=False, max_length=64, purpose="party.name", source="name"),
        ),
        migrations.AddField(
            model_name="party",
            name="id_number",
            field=accord.core.crypto.EncryptedTextField(blank=True, default="", verbose_name="identity number"),
        ),
        migrations.AddField(
            model_name="party",
            name="id_number_index",
            field=accord.core.crypto.BlindIndexField(blank=True, db_index=True, editable=False, max_length=64, purpose="party.id_number", source="id_number"),
        ),
        migrations.AlterField(
            model_name="case",
            name="description",
            field=accord.core.crypto.EncryptedTextField(verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="note",
            field=accord.core.crypto.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="party",
            name="contact",
            field=accord.core.crypto.EncryptedTextField(blank=True, verbose_name="contact"),
        ),
        migrations.AlterField(
            model_name="party",
            name="name",
            field=accord.core.crypto.EncryptedTextField(verbose_name="name"),
        ),
        migrations.CreateModel(
            name="CaseSearchToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
                ("case", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="search_tokens", to="cases.case")),
            ],
            options={
                "indexes": [models.Index(fields=["token", "case"], name="cases_cases_token_3cfe76_idx")],
            },
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
        migrations.AlterField(
            model_name="case",
            name="row_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="row_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="party",
            name="row_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
