"""On PostgreSQL the audit tables are append-only for everyone who is not the table owner
acting deliberately: a trigger refuses every UPDATE and DELETE of a row (TRUNCATE is a
privilege the application role should not hold; see docs/security-data.md). SQLite has no
roles; there the hash chain and the HMAC checkpoints make any change detectable."""

from django.db import migrations

TABLES = ("core_auditevent", "core_accessevent", "core_auditcheckpoint")

FUNCTION = """
CREATE OR REPLACE FUNCTION accord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accord: % on % refused: the audit log is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER accord_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION accord_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS accord_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS accord_append_only()")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_access_log_and_checkpoints"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
