"""The values table's partitions on PostgreSQL (decision 0050): one per Département, and a default one for the values
of a Département that has none yet (an entered value published before its first computation).

A full recompute builds its Département's partition anew (`PartitionBuild`): its rows are copied into a table without
indexes, the indexes are built once at the end (one sort each), and the table replaces the partition in one short
transaction. Inserting the same three million rows into five indexes, row by row, cost more than evaluating them."""

import re

from django.db import connection

from jalon.observatory.models import IndicatorValue
from jalon.observatory.periods import Period


TABLE = IndicatorValue._meta.db_table
DEFAULT = f"{TABLE}_default"
COLUMNS = ", ".join(field.column for field in IndicatorValue._meta.concrete_fields)


def _literal(departement_id: str) -> str:
    """A Département's code as an SQL literal (DDL takes no parameters): two or three letters and digits."""
    if not re.fullmatch(r"[0-9A-Za-z]{2,3}", departement_id):
        raise ValueError(f"Code de département invalide : {departement_id!r}")
    return f"'{departement_id}'"


def partition_of(departement_id: str) -> str:
    _literal(departement_id)
    return f"{TABLE}_{departement_id.lower()}"


def partition_ensure(departement_id: str) -> None:
    """Creates the Département's partition when it has none: the values it had in the default partition move into
    it. Call in a transaction; the default partition is locked against writes (not reads) meanwhile."""
    name = partition_of(departement_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return
        cursor.execute(f"LOCK TABLE {DEFAULT} IN EXCLUSIVE MODE")
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])  # created meanwhile by another computation
        if cursor.fetchone()[0]:
            return
        cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS) WITH (fillfactor = 85)")
        moved = f"departement_id = {_literal(departement_id)}"
        cursor.execute(f"INSERT INTO {name} ({COLUMNS}) SELECT {COLUMNS} FROM {DEFAULT} WHERE {moved}")  # noqa: S608
        cursor.execute(f"DELETE FROM {DEFAULT} WHERE {moved}")  # noqa: S608
        # The parent's indexes and constraints are built on the new partition as it is attached.
        cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES IN ({_literal(departement_id)})")


class PartitionBuild:
    """A Département's partition built anew: `create` it with the partition's values of the recomputed indicators
    for other periods, `copy` the computed rows, run its `index_statements`, `constrain` it, and `swap` the new table
    in for the partition, with the partition's values of the other indicators (entered ones) copied under a lock.
    `discard` drops what is left after a failure: the partition stays as it was. Only computations write computed
    indicators' values, and two of the same Département do not run at once (the nightly task computes each
    Département once)."""

    def __init__(self, departement_id: str, run_id: int, indicator_ids: list[int]):
        self.departement_id = departement_id
        self.partition = partition_of(departement_id)
        self.table = f"{TABLE}_build_{int(run_id)}"
        self.indicator_ids = indicator_ids

    def create(self, periods: list[Period]) -> None:
        recomputed = " OR ".join(["(period_kind = %s AND period_start = %s)"] * len(periods)) or "false"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {self.table} (LIKE {TABLE} INCLUDING DEFAULTS) WITH (fillfactor = 85)")
            cursor.execute(
                f"INSERT INTO {self.table} ({COLUMNS}) SELECT {COLUMNS} FROM {self.partition} "  # noqa: S608
                f"WHERE indicator_id = ANY(%s) AND NOT ({recomputed})",
                [self.indicator_ids, *[value for period in periods for value in (period.kind, period.start)]],
            )

    def copy(self, columns: tuple[str, ...], text: str) -> None:
        """Rows in COPY's text format, their columns in that order."""
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {self.table} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write(text)

    def index_statements(self) -> list[str]:
        """The parent's indexes on the new table, each built in one sort over its rows: the attached partition must
        have them all (one missing would be built while the swap holds its locks). Independent of each other (each
        takes a lock that the others share): a computation builds them on its connections at once, the keys' first
        (the unique key's is the largest). The indexes of the primary and unique keys become constraints in
        `constrain`."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %s::regclass "
                "ORDER BY indisunique DESC, indexrelid",
                [TABLE],
            )
            definitions = [definition for (definition,) in cursor.fetchall()]
        statements = []
        for number, definition in enumerate(definitions):
            # "CREATE [UNIQUE] INDEX name ON ONLY public.table USING …": the same on the new table.
            statements.append(
                re.sub(
                    r"^CREATE (UNIQUE )?INDEX \S+ ON ONLY \S+ ",
                    lambda match, number=number: (
                        f"CREATE {match.group(1) or ''}INDEX {self.table}_i{number} ON {self.table} "
                    ),
                    definition,
                )
            )
        return statements

    def constrain(self) -> None:
        """The primary and unique keys on their built indexes, the Département's check, the statistics."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT contype, pg_get_indexdef(conindid) FROM pg_constraint WHERE conrelid = %s::regclass "
                "AND contype IN ('p', 'u')",
                [TABLE],
            )
            keys = cursor.fetchall()
            for kind, definition in keys:
                built = self._built_index(definition)
                cursor.execute(
                    f"ALTER TABLE {self.table} ADD CONSTRAINT {built} "
                    f"{'PRIMARY KEY' if kind == 'p' else 'UNIQUE'} USING INDEX {built}"
                )
            # The attach checks the rows against this constraint instead of reading them all again.
            cursor.execute(f"ALTER TABLE {self.table} ADD CHECK (departement_id = {_literal(self.departement_id)})")
            cursor.execute(f"ANALYZE {self.table}")

    def _built_index(self, parent_definition: str) -> str:
        """The name of the new table's index built from the parent's index of this definition."""
        for statement in self.index_statements():
            if statement.split(" USING ", 1)[1] == parent_definition.split(" USING ", 1)[1]:
                return statement.split(" INDEX ", 1)[1].split(" ", 1)[0]
        raise LookupError(parent_definition)

    def swap(self) -> None:
        """In the caller's transaction: the partition's values of the other indicators are copied into the new table,
        which then replaces the partition. Writes of values wait meanwhile (a lock that readers pass, taken on the
        parent first, so that a writer cannot hold it while waiting for the partition); readers wait only for the
        detach and attach."""
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(
                f"INSERT INTO {self.table} ({COLUMNS}) SELECT {COLUMNS} FROM {self.partition} "  # noqa: S608
                "WHERE NOT indicator_id = ANY(%s)",
                [self.indicator_ids],
            )
            cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {self.partition}")
            cursor.execute(f"DROP TABLE {self.partition}")
            departement = _literal(self.departement_id)
            cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {self.table} FOR VALUES IN ({departement})")
            cursor.execute(f"ALTER TABLE {self.table} RENAME TO {self.partition}")

    def discard(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
