"""TOTP secrets are credentials: stored encrypted like personal data, still verifying codes,
re-encrypted by rotate-keys, and encrypted by the migration that introduced it."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accord.accounts import services, twofactor
from accord.accounts.models import TotpDevice
from accord.core import crypto


def _raw_secret(pk: int) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [pk])
        return cur.fetchone()[0]


@pytest.mark.django_db
def test_secret_is_ciphertext_in_the_database_and_codes_still_verify(areas, make_user):
    user = make_user("mediator", areas.t1)
    secret = twofactor.new_secret()
    device = services.totp_enrol(user=user, secret=secret, code=pyotp.TOTP(secret).now())
    assert device is not None
    raw = _raw_secret(device.pk)
    assert crypto.is_sealed(raw) and secret not in raw
    again = TotpDevice.objects.get(pk=device.pk)
    assert again.secret == secret
    # a code from the next 30-second window verifies against the decrypted secret
    later = pyotp.TOTP(secret).at(time.time() + 30)
    assert twofactor.verify_device(again, later)


@pytest.mark.django_db
def test_a_secret_does_not_open_in_another_row(areas, make_user):
    a, b = make_user("mediator", areas.t1), make_user("mediator", areas.t2)
    sa, sb = twofactor.new_secret(), twofactor.new_secret()
    da = services.totp_enrol(user=a, secret=sa, code=pyotp.TOTP(sa).now())
    db_ = services.totp_enrol(user=b, secret=sb, code=pyotp.TOTP(sb).now())
    with connection.cursor() as cur:  # swap the ciphertexts between the two rows
        cur.execute("UPDATE accounts_totpdevice SET secret = %s WHERE id = %s",
                    [_raw_secret(da.pk), db_.pk])  # fmt: skip
    with pytest.raises(Exception):  # noqa: B017 - authentication fails, whatever its class
        _ = TotpDevice.objects.get(pk=db_.pk).secret


@pytest.mark.django_db
def test_rotate_keys_covers_totp_secrets(areas, make_user, settings, capsys):
    settings.ACCORD_FIELD_KEYS = f"k1:{crypto.new_key()}"
    user = make_user("mediator", areas.t1)
    secret = twofactor.new_secret()
    device = services.totp_enrol(user=user, secret=secret, code=pyotp.TOTP(secret).now())
    assert crypto.key_id_of(_raw_secret(device.pk)) == "k1"
    settings.ACCORD_FIELD_KEYS = f"k9:{crypto.new_key()},{settings.ACCORD_FIELD_KEYS}"
    call_command("rotate-keys")
    assert "accounts.TotpDevice" in capsys.readouterr().out
    assert crypto.key_id_of(_raw_secret(device.pk)) == "k9"
    assert TotpDevice.objects.get(pk=device.pk).secret == secret


@pytest.mark.django_db(transaction=True)
def test_existing_plaintext_secrets_are_encrypted_by_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0002_credentials_changed_and_totp")])
    old = executor.loader.project_state([("accounts", "0002_credentials_changed_and_totp")]).apps
    User = old.get_model("accounts", "User")
    user = User.objects.create(username="old.totp")
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO accounts_totpdevice (user_id, secret, created_at, last_step) "
            "VALUES (%s, %s, CURRENT_TIMESTAMP, 0)",
            [user.pk, "JBSWY3DPEHPK3PXP"],
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    with connection.cursor() as cur:
        cur.execute("SELECT id, secret FROM accounts_totpdevice")
        pk, raw = cur.fetchone()
    assert crypto.is_sealed(raw) and "JBSWY3DPEHPK3PXP" not in raw
    assert TotpDevice.objects.get(pk=pk).secret == "JBSWY3DPEHPK3PXP"
