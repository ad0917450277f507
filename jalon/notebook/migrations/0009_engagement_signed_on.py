from django.db import migrations
from django.db.models import Min, OuterRef, Subquery


def fill_engagement_signed_on(apps, schema_editor):
    # The contrats d'engagement signed before the orientation knew of them end the transition of people oriented
    # before 2025, as a signature does from now on.
    Orientation = apps.get_model("orientation", "Orientation")
    Contract = apps.get_model("notebook", "Contract")
    first_signed = (
        Contract.objects.filter(
            notebook__person_id=OuterRef("person_id"), contract_type__code="ce", signed_on__isnull=False
        )
        .values("notebook__person_id")
        .annotate(first=Min("signed_on"))
        .values("first")
    )
    Orientation.objects.filter(ended_on=None, engagement_signed_on=None).update(
        engagement_signed_on=Subquery(first_signed)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notebook", "0008_contrat_engagement"),
        ("orientation", "0005_plein_emploi_steps"),
    ]

    operations = [migrations.RunPython(fill_engagement_signed_on, migrations.RunPython.noop)]
