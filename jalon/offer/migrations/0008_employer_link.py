"""The measures point to the directory's establishment of their SIRET in their département; the name and SIRET
typed at the time stay as they were."""

import django.db.models.deletion
from django.db import migrations, models


def link(apps, schema_editor):
    Record = apps.get_model("offer", "Measure")
    Employer = apps.get_model("employers", "Employer")
    for employer_id, departement_id, siret in Employer.objects.values_list("pk", "departement_id", "siret"):
        Record.objects.filter(employer=None, employer_siret=siret, person__departement_id=departement_id).update(
            employer_id=employer_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0001_initial"),
        ("offer", "0007_data_inclusion_email_and_publics"),
    ]

    operations = [
        migrations.AddField(
            model_name="measure",
            name="employer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="measures",
                to="employers.employer",
                verbose_name="employeur (annuaire)",
            ),
        ),
        migrations.RunPython(link, migrations.RunPython.noop),
    ]
