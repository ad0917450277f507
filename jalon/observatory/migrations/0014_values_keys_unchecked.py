"""The values' indicator and Département no longer checked by the database: the computation writes the ids it has just
read, and the two checks were 40 % of inserting a value (decision 0048). Dropping a constraint validates nothing."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('observatory', '0013_value_run_unchecked'),
        ('territories', '0002_commune_centres'),
    ]

    operations = [
        migrations.AlterField(
            model_name='indicatorvalue',
            name='departement',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='territories.departement', verbose_name='département'),
        ),
        migrations.AlterField(
            model_name='indicatorvalue',
            name='indicator',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='observatory.indicator', verbose_name='indicateur'),
        ),
    ]
