"""GIN indexes (default `jsonb_ops`, which serves `?|`; `jsonb_path_ops` does not) on the codes lists searched by
the `has_any` lookup. PostgreSQL only: SQLite (the embedded demo) has no such index and scans."""

from django.db import migrations

GIN_INDEXES = {
    "offer_service_thematiques_gin": "thematiques",
    "offer_service_zone_gin": "eligibility_zone",
    "offer_service_publics_gin": "publics",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in GIN_INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "offer_service" USING gin ("{column}")')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in GIN_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("offer", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
