"""Link the exits recorded with a plain employer to the directory's establishment of the same SIRET, in the person's
département. The name and SIRET typed at the time stay as they were."""

from django.db import migrations


def link(apps, schema_editor):
    Exit = apps.get_model("exits", "Exit")
    Employer = apps.get_model("employers", "Employer")
    directory = {(dep, siret): pk for pk, dep, siret in Employer.objects.values_list("pk", "departement_id", "siret")}
    pairs = (
        Exit.objects.filter(employer=None)
        .exclude(employer_siret="")
        .values_list("person__departement_id", "employer_siret")
        .distinct()
    )
    for departement_id, siret in list(pairs):
        employer_id = directory.get((departement_id, siret))
        if employer_id is not None:
            Exit.objects.filter(employer=None, employer_siret=siret, person__departement_id=departement_id).update(
                employer_id=employer_id
            )


class Migration(migrations.Migration):
    dependencies = [("exits", "0003_exit_employer"), ("employers", "0001_initial")]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
