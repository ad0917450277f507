from django.db import migrations


def create_freins(apps, schema_editor):
    from jalon.notebook.referentials import freins_default_create

    freins_default_create(apps.get_model("notebook", "FreinCategory"))


class Migration(migrations.Migration):
    dependencies = [("notebook", "0001_initial")]

    operations = [migrations.RunPython(create_freins, migrations.RunPython.noop)]
