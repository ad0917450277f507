from django.db import migrations


def create_freins(apps, schema_editor):
    from jalon.notebook.referentials import DEFAULT_FREINS

    FreinCategory = apps.get_model("notebook", "FreinCategory")
    for code, label, kind, thematiques, position in DEFAULT_FREINS:
        FreinCategory.objects.get_or_create(
            code=code, defaults={"label": label, "kind": kind, "thematiques": thematiques, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("notebook", "0001_initial")]

    operations = [migrations.RunPython(create_freins, migrations.RunPython.noop)]
