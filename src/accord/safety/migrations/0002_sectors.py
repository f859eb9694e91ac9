from django.db import migrations


def seed(apps, schema_editor):
    from accord.safety.sectors import SECTORS

    Sector = apps.get_model("safety", "Sector")
    for code, en, zh, dep_en, dep_zh in SECTORS:
        Sector.objects.update_or_create(
            code=code,
            defaults={"name_en": en, "name_zh": zh, "department_en": dep_en,
                      "department_zh": dep_zh},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
