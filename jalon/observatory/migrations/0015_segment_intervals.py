"""A segment row holds for an interval of the batch's days (decision 0049): `until` added, the lookup index on
(batch, person, day). The table is a working table, empty between computations: rows a failed computation left are
deleted first, so the one-off default that fills the new column while it is added is never read."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("observatory", "0014_values_keys_unchecked"),
    ]

    operations = [
        migrations.RunSQL("DELETE FROM observatory_personsegment", migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="personsegment", name="person_segment_lookup"),
        migrations.AlterField(
            model_name="personsegment", name="day", field=models.DateField(verbose_name="du jour")
        ),
        migrations.AddField(
            model_name="personsegment",
            name="until",
            field=models.DateField(verbose_name="jusqu'au jour (exclu)", default="2000-01-01"),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="personsegment",
            index=models.Index(fields=["batch", "person", "day"], name="person_segment_interval"),
        ),
    ]
