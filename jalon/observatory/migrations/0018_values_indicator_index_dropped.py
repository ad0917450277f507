"""The values' index by indicator, kind of period and level goes (decision 0053): the unique key, which begins with the
indicator, serves the same lookups, and a full recompute built this index over every value for nothing else."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("observatory", "0017_values_indexes_end_with_departement"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="indicatorvalue",
            name="value_indicator_idx",
        ),
    ]
