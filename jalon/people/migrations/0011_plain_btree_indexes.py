"""Plain btree indexes on the people tables' key and identifier columns, without their varchar_pattern_ops twins.

No query matches these columns with LIKE: the twins only cost writes (a first CAF import builds them, a re-import
and every screen writing a person keep them up). The model state changes by AlterField (db_index off) and AddIndex;
the database drops the old indexes by name, because Django's AlterField would also drop `person_unique_nir`, the
partial unique index on the same column, and would drop and add again the keys to the communes and Départements.
"""

import django.db.models.deletion
from django.db import migrations, models


# The indexes Django named after db_index (the "_like" twins exist on PostgreSQL only); going back creates the
# plain ones again, not the twins.
OLD_PLAIN_INDEXES = {
    "people_household_commune_id_4b5bb709": ("people_household", "commune_id"),
    "people_household_departement_id_565b33b4": ("people_household", "departement_id"),
    "people_household_matricule_426cd426": ("people_household", "matricule"),
    "people_person_commune_id_13ee0d19": ("people_person", "commune_id"),
    "people_person_internal_id_e8b05ec0": ("people_person", "internal_id"),
    "people_person_nir_hash_9cbdb455": ("people_person", "nir_hash"),
}
OLD_INDEXES = [*OLD_PLAIN_INDEXES, *(f"{name}_like" for name in OLD_PLAIN_INDEXES)]


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0010_right_open_request_idx"),
        ("territories", "0002_commune_centres"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="household",
                    name="commune",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="territories.commune",
                        verbose_name="commune",
                    ),
                ),
                migrations.AlterField(
                    model_name="household",
                    name="departement",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="territories.departement",
                        verbose_name="département",
                    ),
                ),
                migrations.AlterField(
                    model_name="household",
                    name="matricule",
                    field=models.CharField(max_length=15, verbose_name="matricule"),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="commune",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="territories.commune",
                        verbose_name="commune",
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="internal_id",
                    field=models.CharField(blank=True, max_length=30, verbose_name="identifiant départemental"),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="nir_hash",
                    field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="empreinte du NIR"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name in OLD_INDEXES],
                    reverse_sql=[
                        f'CREATE INDEX "{name}" ON "{table}" ("{column}")'
                        for name, (table, column) in OLD_PLAIN_INDEXES.items()
                    ],
                )
            ],
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["matricule"], name="household_matricule_idx"),
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["departement"], name="household_departement_idx"),
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["commune"], name="household_commune_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["nir_hash"], name="person_nir_hash_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["internal_id"], name="person_internal_id_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["commune"], name="person_commune_idx"),
        ),
    ]
