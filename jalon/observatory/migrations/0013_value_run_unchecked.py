"""The values' run no longer checked by the database: a nightly run sets it on every value it changes (decision 0046)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('observatory', '0012_segments_working_table'),
    ]

    operations = [
        migrations.AlterField(
            model_name='indicatorvalue',
            name='run',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='observatory.snapshotrun', verbose_name='calcul'),
        ),
    ]
