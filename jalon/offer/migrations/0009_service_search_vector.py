"""A stored, weighted French tsvector per service (name A, description B, structure name C, decision 0040), so that
the search ranks by `ts_rank` without rebuilding a tsvector per match. PostgreSQL only: the GIN index on the column
replaces the expression index of migration 0003; existing services are filled here. On SQLite the column stays
null (the demo searches `search_text` by words)."""

import django.contrib.postgres.search
from django.db import migrations

from jalon.core.text import normalise_name


BATCH = 2000
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_VECTOR = (
    "setweight(to_tsvector('french'::regconfig, v.a), 'A') || setweight(to_tsvector('french'::regconfig, v.b), 'B')"
    " || setweight(to_tsvector('french'::regconfig, v.c), 'C')"
)


def _normalise(value):
    # As `jalon.offer.directory.text.text_normalise` at the time of this migration.
    return normalise_name((value or "").translate(_LIGATURES))


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Service = apps.get_model("offer", "Service")
    rows = Service.objects.order_by("pk").values_list("pk", "name", "description", "structure__name")
    with schema_editor.connection.cursor() as cursor:
        batch = []
        for row in rows.iterator(chunk_size=BATCH):
            batch.append(row)
            if len(batch) == BATCH:
                _write(cursor, batch)
                batch = []
        if batch:
            _write(cursor, batch)
        cursor.execute("DROP INDEX IF EXISTS offer_service_search_gin")
        cursor.execute("CREATE INDEX offer_service_search_vector_gin ON offer_service USING gin (search_vector)")


def _write(cursor, batch):
    values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
    params = [
        value
        for pk, name, description, structure_name in batch
        for value in (pk, _normalise(name), _normalise(description), _normalise(structure_name))
    ]
    cursor.execute(
        f"UPDATE offer_service AS s SET search_vector = {_VECTOR} "  # noqa: S608 (placeholders only)
        f"FROM (VALUES {values}) AS v(id, a, b, c) WHERE s.id = v.id",
        params,
    )


def restore(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS offer_service_search_vector_gin")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS offer_service_search_gin ON offer_service "
        "USING gin (to_tsvector('french'::regconfig, search_text))"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("offer", "0008_employer_link"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, verbose_name="vecteur de recherche"
            ),
        ),
        migrations.RunPython(backfill, restore, elidable=False),
    ]
