"""The values table without the indexes that made each changed value a full rewrite (decision 0045).

A computation updates the numerator, denominator, value and run of the values that changed. PostgreSQL updates a row
in place, without touching any index (a HOT update), when no indexed column changes and its page has room: the index on
`run` is dropped (nothing reads or deletes values by their run), with those on `indicator` and `departement` alone,
which the unique key and the period index already lead; and the table's pages keep 15 % free (fillfactor).

Only the indexes are dropped: the foreign keys stay as they are (altering the fields would drop and validate them
again over the whole table). The fillfactor applies to the pages written from now on: the rows of new periods, and
those of the current ones as the nightly refresh rewrites them; the table is not rewritten here (a migration would
hold every reader of the values under an exclusive lock meanwhile: about 20 s for three years of the Nord, more for
longer histories). A deployment that wants HOT updates from the first night runs, in a quiet hour,
`VACUUM FULL observatory_indicatorvalue` (same lock, for the time of the rewrite).
"""

from django.db import migrations, models


INDEXES = {
    "observatory_indicatorvalue_departement_id_95897190": "(departement_id)",
    "observatory_indicatorvalue_departement_id_95897190_like": "(departement_id varchar_pattern_ops)",
    "observatory_indicatorvalue_indicator_id_7506ca7d": "(indicator_id)",
    "observatory_indicatorvalue_run_id_83152545": "(run_id)",
}


def drop_indexes(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE observatory_indicatorvalue SET (fillfactor = 85)")


def create_indexes(apps, schema_editor):
    for name, columns in INDEXES.items():
        if schema_editor.connection.vendor != "postgresql" and "varchar_pattern_ops" in columns:
            continue
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON observatory_indicatorvalue {columns}')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE observatory_indicatorvalue RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ("observatory", "0010_computed_period"),
        ("territories", "0002_commune_centres"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="indicatorvalue",
                    name="departement",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to="territories.departement",
                        verbose_name="département",
                    ),
                ),
                migrations.AlterField(
                    model_name="indicatorvalue",
                    name="indicator",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to="observatory.indicator",
                        verbose_name="indicateur",
                    ),
                ),
                migrations.AlterField(
                    model_name="indicatorvalue",
                    name="run",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.SET_NULL,
                        related_name="+",
                        to="observatory.snapshotrun",
                        verbose_name="calcul",
                    ),
                ),
            ],
        ),
    ]
