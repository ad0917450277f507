"""Every Département already in the database gets the default exit typology, the first version of its rule of
positive exits and the follow-up calendar (new Départements get them from `exit_typology_default_create`)."""

from django.db import migrations

from jalon.exits.typology import DEFAULT_TYPES, FIRST_RULE_FROM, default_positive_codes


DEFAULT_MONTHS = [1, 3, 6, 24]


def seed(apps, schema_editor):
    Departement = apps.get_model("territories", "Departement")
    ExitType = apps.get_model("exits", "ExitType")
    PositiveRule = apps.get_model("exits", "PositiveRule")
    FollowUpSchedule = apps.get_model("exits", "FollowUpSchedule")
    for departement in Departement.objects.all():
        for position, (code, label, category, to_employment, _) in enumerate(DEFAULT_TYPES):
            ExitType.objects.get_or_create(
                departement=departement,
                code=code,
                defaults={
                    "label": label,
                    "iae_category": category,
                    "to_employment": to_employment,
                    "position": position,
                },
            )
        if not PositiveRule.objects.filter(departement=departement).exists():
            PositiveRule.objects.create(
                departement=departement,
                version=1,
                valid_from=FIRST_RULE_FROM,
                positive_codes=default_positive_codes(departement.code),
                note="règle initiale, d'après le plan du Département",
            )
        FollowUpSchedule.objects.get_or_create(departement=departement, defaults={"checkpoint_months": DEFAULT_MONTHS})


class Migration(migrations.Migration):
    dependencies = [("exits", "0001_initial"), ("territories", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
