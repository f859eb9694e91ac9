"""Encrypt TOTP secrets at rest: each device gets a random `row_key` and its secret becomes
AES-GCM ciphertext bound to table, column and row (reversible: going back decrypts)."""

import uuid

from django.db import migrations, models

import accord.core.crypto

TABLE, COLUMN = "accounts_totpdevice", "secret"


def encrypt(apps, schema_editor):
    from accord.core import crypto

    Device = apps.get_model("accounts", "TotpDevice")
    for device in Device.objects.order_by("pk"):
        key = device.row_key or uuid.uuid4()
        raw = device.__dict__["secret"]
        if raw and not crypto.is_sealed(raw):
            raw = crypto.seal(raw, crypto.aad(TABLE, COLUMN, key))
        Device.objects.filter(pk=device.pk).update(row_key=key)
        schema_editor.execute(
            f"UPDATE {TABLE} SET {COLUMN} = %s WHERE id = %s", [str(raw), device.pk]
        )
    _flush_deferred(schema_editor)


def _flush_deferred(schema_editor):
    # PostgreSQL: the updates queue deferred foreign-key checks, and the ALTER TABLE that
    # follows in this transaction refuses to run with "pending trigger events". Run them now.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def decrypt(apps, schema_editor):
    from accord.core import crypto

    Device = apps.get_model("accounts", "TotpDevice")
    for device in Device.objects.order_by("pk"):
        raw = device.__dict__["secret"]
        if crypto.is_sealed(raw):
            plain = crypto.unseal(raw, crypto.aad(TABLE, COLUMN, device.row_key))
            schema_editor.execute(f"UPDATE {TABLE} SET {COLUMN} = %s WHERE id = %s", [plain, device.pk])
    _flush_deferred(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_credentials_changed_and_totp")]

    operations = [
        migrations.AddField(
            model_name="totpdevice",
            name="row_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AlterField(
            model_name="totpdevice",
            name="secret",
            field=accord.core.crypto.EncryptedTextField(),
        ),
        migrations.RunPython(encrypt, decrypt),
        migrations.AlterField(
            model_name="totpdevice",
            name="row_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
