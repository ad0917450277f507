"""The segments' working table, written and emptied by every computation, made cheaper to keep (decision 0046):

- no index on the person: its rows are looked up by (batch, day, person);
- no autovacuum: a computation vacuums it after deleting its batches. Autovacuum would otherwise start on the deleted
  rows when a computation ends and hold its lock while the next computation's ANALYZE waits for it (one second, the
  time PostgreSQL takes to cancel it).
"""

import django.db.models.deletion
from django.db import migrations, models


def autovacuum_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE observatory_personsegment SET (autovacuum_enabled = false)")


def autovacuum_on(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE observatory_personsegment RESET (autovacuum_enabled)")


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
        migrations.RunPython(autovacuum_off, autovacuum_on),
    ]
