"""The segments' working table without its index on the person: rows are looked up by (batch, day, person)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('observatory', '0011_value_hot_updates'),
        ('people', '0010_right_open_request_idx'),
    ]

    operations = [
        migrations.AlterField(
            model_name='personsegment',
            name='person',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='observatory_segments', to='people.person', verbose_name='personne'),
        ),
    ]
