"""The values' unique key and indexes end with the Département instead of starting with it (decision 0052): a full
recompute builds its partition's indexes anew, and sorting three million rows on a first column that is the same on
all of them cost half as much again. The period index goes: the unique key, its indicators then the period's first
day, serves the computation's comparison with the stored periods. A deployment with a long history migrates in a
quiet hour (the indexes are built again over every value)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("observatory", "0016_values_partitioned"),
        ("territories", "0002_commune_centres"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="indicatorvalue",
            name="indicator_value_unique",
        ),
        migrations.RemoveIndex(
            model_name="indicatorvalue",
            name="observatory_departe_0d62a5_idx",
        ),
        migrations.RemoveIndex(
            model_name="indicatorvalue",
            name="value_whole_idx",
        ),
        migrations.RemoveIndex(
            model_name="indicatorvalue",
            name="value_period_idx",
        ),
        migrations.AddIndex(
            model_name="indicatorvalue",
            index=models.Index(
                fields=["indicator", "period_kind", "territory_level", "departement"], name="value_indicator_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="indicatorvalue",
            index=models.Index(
                condition=models.Q(("dimension", "")),
                fields=["territory_level", "indicator", "period_kind", "period_start", "departement"],
                name="value_whole_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatorvalue",
            constraint=models.UniqueConstraint(
                fields=(
                    "indicator",
                    "period_start",
                    "territory_code",
                    "territory_level",
                    "period_kind",
                    "dimension",
                    "segment",
                    "departement",
                ),
                name="indicator_value_unique",
            ),
        ),
    ]
