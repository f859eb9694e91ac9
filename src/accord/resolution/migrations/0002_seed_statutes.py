"""Seed the statute table (DESIGN §6) from accord.resolution.statutes.RULES.

A later change of the law is a new data migration (or an edit in the admin), not a code change.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from accord.resolution.statutes import RULES

    StatuteRule = apps.get_model("resolution", "StatuteRule")
    for row in RULES:
        StatuteRule.objects.update_or_create(code=row["code"], defaults=dict(row))


def unseed(apps, schema_editor):
    from accord.resolution.statutes import RULES

    StatuteRule = apps.get_model("resolution", "StatuteRule")
    StatuteRule.objects.filter(code__in=[r["code"] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("resolution", "0001_proceedings_clocks_documents")]
    operations = [migrations.RunPython(seed, unseed)]
