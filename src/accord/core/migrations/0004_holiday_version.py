"""A version number of the Holiday table, raised by triggers at every insert, update, delete
(and, on PostgreSQL, truncate) by any writer, so that the business calendar can tell that it
is unchanged by reading one row (core.calendar)."""

from django.db import migrations, models

SQLITE = [
    f"CREATE TRIGGER core_holiday_version_{op.lower()} AFTER {op} ON core_holiday "
    "BEGIN UPDATE core_holidayversion SET value = value + 1 WHERE id = 1; END"
    for op in ("INSERT", "UPDATE", "DELETE")
]
POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION core_holiday_version() RETURNS trigger AS $$
    BEGIN
        UPDATE core_holidayversion SET value = value + 1 WHERE id = 1;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER core_holiday_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    "ON core_holiday FOR EACH STATEMENT EXECUTE FUNCTION core_holiday_version()",
]


def forwards(apps, schema_editor):
    schema_editor.execute("INSERT INTO core_holidayversion (id, value) VALUES (1, 0)")
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(vendor, []):
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for op in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS core_holiday_version_{op}")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_holiday_version ON core_holiday")
        schema_editor.execute("DROP FUNCTION IF EXISTS core_holiday_version()")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_append_only_audit_tables"),
    ]

    operations = [
        migrations.CreateModel(
            name="HolidayVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
