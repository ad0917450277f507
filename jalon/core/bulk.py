"""Fast inserts and updates for imports: COPY on PostgreSQL (ids reserved from the sequence first; updates through a
staging table and one UPDATE … FROM), bulk_create / bulk_update elsewhere.

Django's bulk_create spends most of its time preparing each value of each field; COPY hands plain Python
values to psycopg, which streams them. Only for plain concrete fields (no custom save logic to run).
"""

import json
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter

from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from psycopg.types.json import Jsonb


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # One row holding the ids (an array is read in C) rather than one row per id.
        cursor.execute(
            "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s))) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return cursor.fetchone()[0] or []


def bulk_insert(model: type[models.Model], objs: Sequence[models.Model], *, batch_size: int = 5000) -> None:
    """Insert new objects and set their primary keys, in one COPY on PostgreSQL."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size)  # type: ignore[attr-defined]
        return
    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields]
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    missing = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(missing, _reserve_ids(model, len(missing)), strict=True):
        obj.pk = pk
    json_columns = {field.attname for field in fields if isinstance(field, models.JSONField)}
    attnames = [field.attname for field in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [Jsonb(getattr(obj, name)) if name in json_columns else getattr(obj, name) for name in attnames]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def bulk_insert_rows(model: type[models.Model], rows: Sequence[dict]) -> None:
    """Insert rows given as {attname: value} dicts (all with the same keys), without building model instances.
    For append-only tables whose rows are not read back in the same batch (events, links)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=5000)  # type: ignore[attr-defined]
        return
    fields = {field.attname: field for field in model._meta.concrete_fields}
    now = timezone.now()
    extra = {
        name: now
        for name, field in fields.items()
        if (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)) and name not in rows[0]
    }
    keys = list(rows[0].keys())
    names = [*keys, *extra.keys()]
    json_positions = [position for position, name in enumerate(keys) if isinstance(fields[name], models.JSONField)]
    columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in names)
    # A row's values in one C call (itemgetter of one key gives the value, not a 1-tuple).
    values_of = itemgetter(*keys) if len(keys) > 1 else (lambda row: (row[keys[0]],))
    extra_values = tuple(extra.values())
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        ) as copy:
            write_row = copy.write_row
            for row in rows:
                values = values_of(row)
                if json_positions:
                    values = list(values)
                    for position in json_positions:
                        # JSON as its text: COPY's text format parses it into the column, as from Jsonb but cheaper.
                        values[position] = json.dumps(values[position])
                    values = tuple(values)
                write_row(values + extra_values if extra_values else values)


def bulk_update_fields(model: type[models.Model], objs, field_names: Sequence[str], *, batch_size: int = 2000) -> None:
    """Write the given fields of existing objects, as Django's bulk_update does (the values the objects hold, an
    auto_now field included: it is not refreshed), but on PostgreSQL in one COPY into a staging table and one
    set-based UPDATE … FROM: bulk_update builds a CASE WHEN per field and row, which costs far more Python than SQL.
    """
    objs = list(objs)
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, field_names, batch_size=batch_size)  # type: ignore[attr-defined]
        return
    quote, meta = connection.ops.quote_name, model._meta
    fields = [meta.get_field(name) for name in field_names]
    json_columns = {field.attname for field in fields if isinstance(field, models.JSONField)}
    pk = quote(meta.pk.column)
    columns = [quote(field.column) for field in fields]
    table, staging = quote(meta.db_table), quote(f"staging_{meta.db_table}")
    attnames = [meta.pk.attname, *(field.attname for field in fields)]
    with transaction.atomic(), connection.cursor() as cursor:
        # Same column types as the table, no constraint; dropped at the end of the transaction at the latest.
        cursor.execute(
            f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS "  # noqa: S608 - identifiers from the model's metadata
            f"SELECT {pk}, {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {staging} ({pk}, {', '.join(columns)}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [Jsonb(getattr(obj, name)) if name in json_columns else getattr(obj, name) for name in attnames]
                )
        assignments = ", ".join(f"{column} = s.{column}" for column in columns)
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM {staging} AS s WHERE t.{pk} = s.{pk}"  # noqa: S608
        )
        cursor.execute(f"DROP TABLE {staging}")


def filter_any(queryset, field_name: str, values):
    """`field IN (values)` for large value lists: on PostgreSQL one array parameter (`= ANY(%s)`) instead of
    thousands of bound parameters, which cost more to send and to plan than the lookup itself."""
    values = list(values)
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{field_name}__in": values})
    quote, meta = connection.ops.quote_name, queryset.model._meta
    column = f"{quote(meta.db_table)}.{quote(meta.get_field(field_name).column)}"
    # Identifiers come from the model's metadata; the values are one bound parameter.
    return queryset.filter(RawSQL(f"{column} = ANY(%s)", [values], output_field=models.BooleanField()))  # noqa: S611


def insert_rows_returning_ids(model: type[models.Model], rows: list[dict]) -> list[int]:
    """Insert rows and return their new ids, in order: ids reserved then COPY on PostgreSQL, bulk_create
    (which reads the ids back) elsewhere."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create([model(**row) for row in rows], batch_size=5000)  # type: ignore[attr-defined]
        return [obj.pk for obj in created]
    ids = _reserve_ids(model, len(rows))
    for row, pk in zip(rows, ids, strict=True):
        row[model._meta.pk.attname] = pk
    bulk_insert_rows(model, rows)
    return ids


# Autovacuum analyses a table once a tenth of it has changed, minutes later at best: until then the planner plans on
# the old row counts (the alerts screen took 1.7–2.0 s right after the daily alert run, 0.1–0.2 s after ANALYZE).
# A run that wrote at least this many rows refreshes the statistics of the tables it wrote itself.
ANALYZE_AFTER_ROWS = 10_000


def statistics_refresh(*models: type[models.Model], rows: int, table_share: float = 0.0) -> bool:
    """ANALYZE the tables of `models` when `rows` rows were written (inserted, updated or deleted) into them, on
    PostgreSQL; with `table_share`, only a table whose estimated size they are at least that share of (a few rows
    changed in a large table leave its statistics as they were, and autovacuum analyses it after a tenth). Inside a
    transaction, ANALYZE counts the rows it wrote; the statistics are seen by others once it commits. Returns whether
    it ran."""
    if connection.vendor != "postgresql" or rows < ANALYZE_AFTER_ROWS:
        return False
    analysed = False
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            if table_share:
                cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
                if rows < table_share * cursor.fetchone()[0]:
                    continue
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            analysed = True
    return analysed


def deferred_checks_run() -> None:
    """Run now the deferred key checks of the rows written so far in the transaction, instead of at COMMIT (a long load
    runs them while it still has work to overlap them with). Django's keys are all INITIALLY DEFERRED: they are
    deferred again afterwards. PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def load_into_empty_tables(
    *table_models: type[models.Model], keep_indexes: Collection[tuple[type[models.Model], tuple[str, ...]]] = ()
) -> Iterator[bool]:
    """Within the caller's transaction, a first load of empty tables without per-row upkeep: when every table of
    `table_models` is empty (PostgreSQL only), their secondary indexes are dropped but those of `keep_indexes`
    (model, columns: plain btree indexes the load reads through), as are the foreign keys between these tables; all
    are created again, under the same names, when the block ends without error. Rows inserted meanwhile are then
    indexed in one sort and their keys checked in one join per foreign key, instead of one index insertion per row
    and index and one deferred check per row and key at COMMIT. An error rolls the whole transaction back, the
    dropped indexes and keys with it. Yields whether it applied (else nothing is changed).

    The tables are locked (ACCESS EXCLUSIVE) until the transaction ends: other sessions wait to read them, where they
    would have seen them empty. Only for tables nothing else writes during the load."""
    if connection.vendor != "postgresql" or not transaction.get_connection().in_atomic_block:
        yield False
        return
    tables = [model._meta.db_table for model in table_models]
    keep = {
        (model._meta.db_table, tuple(model._meta.get_field(name).column for name in names))
        for model, names in keep_indexes
    }
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(f"(SELECT 1 FROM {quote(table)} LIMIT 1)" for table in tables)  # noqa: S608 - model tables
        )
        if cursor.fetchone() is not None:
            yield False
            return
        # Indexes that back no constraint (primary keys and unique constraints stay), with their columns.
        cursor.execute(
            """
            SELECT t.relname, x.relname, pg_get_indexdef(i.indexrelid), i.indpred IS NOT NULL,
                   ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n)
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_class x ON x.oid = i.indexrelid
            WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace
              AND NOT EXISTS (
                  SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
              )
            ORDER BY t.relname, x.relname
            """,
            [tables],
        )
        indexes = [
            (name, definition)
            for table, name, definition, partial, columns in cursor.fetchall()
            if partial or "_pattern_ops" in definition or (table, tuple(columns)) not in keep
        ]
        cursor.execute(
            """
            SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid
            JOIN pg_class r ON r.oid = c.confrelid
            WHERE c.contype = 'f' AND t.relname = ANY(%s) AND r.relname = ANY(%s)
              AND t.relnamespace = current_schema()::regnamespace AND r.relnamespace = t.relnamespace
            ORDER BY t.relname, c.conname
            """,
            [tables, tables],
        )
        keys = cursor.fetchall()
    # DDL refuses tables with pending deferred checks: the caller's earlier ones are run first.
    deferred_checks_run()
    with connection.cursor() as cursor:
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield True
    deferred_checks_run()  # the load's own (its keys to other tables)
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
