"""The values' indexes built over a full recompute's values, as a full recompute builds them on its new partition
(decision 0052): the indexes of migration 0016, which began with the Département, against those of migration 0017,
which end with it, each built one after the other on a copy of the stored values, in turns. Run after
`observatory_full.py` (it reads the values it stored); drops its copy at the end.

    DATABASE_URL=postgres://…/nord .venv/bin/python bench/observatory_indexes.py [--runs 2]
"""

import argparse
import sys
import time

from django.db import connection
from observatory_bench import DEPARTEMENT  # sets Django up, before any import of the project

from jalon.observatory.partitions import partition_of
from jalon.observatory.services import BATCH_SETTINGS


COPY = "obs_bench_values"
# The key, then the secondary indexes, of each migration; the primary key (id, departement_id) is the same in both.
INDEXES = {
    "0016 (le Département d'abord)": [
        "UNIQUE (indicator_id, departement_id, territory_level, territory_code, period_kind, period_start, dimension, "
        "segment)",
        "(departement_id, indicator_id, period_kind, territory_level)",
        "(departement_id, territory_level, indicator_id, period_kind, period_start) WHERE dimension = ''",
        "(departement_id, period_kind, period_start)",
    ],
    "0017 (le Département en dernier)": [
        "UNIQUE (indicator_id, period_start, territory_code, territory_level, period_kind, dimension, segment, "
        "departement_id)",
        "(indicator_id, period_kind, territory_level, departement_id)",
        "(territory_level, indicator_id, period_kind, period_start, departement_id) WHERE dimension = ''",
    ],
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Ce banc demande PostgreSQL (DATABASE_URL=postgres://…).")
    with connection.cursor() as cursor:
        for name, value in BATCH_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
        # One connection, as each index of a computation is built on one: no parallel workers of its own.
        cursor.execute("SET max_parallel_maintenance_workers = 0")
        cursor.execute(f"DROP TABLE IF EXISTS {COPY}")
        cursor.execute(f"CREATE UNLOGGED TABLE {COPY} AS SELECT * FROM {partition_of(DEPARTEMENT)}")  # noqa: S608
        cursor.execute(f"SELECT count(*) FROM {COPY}")  # noqa: S608
        rows = cursor.fetchone()[0]
        if not rows:
            sys.exit("Aucune valeur stockée : lancer d'abord bench/observatory_full.py.")
        print(f"{rows} valeurs, copiées de la partition du {DEPARTEMENT}")
        print("| index | " + " | ".join(f"passage {run + 1}" for run in range(args.runs)) + " |")
        print("| --- |" + " --- |" * args.runs)
        timings = {label: [] for label in INDEXES}
        try:
            for _ in range(args.runs):
                for label, definitions in INDEXES.items():
                    timings[label].append(built_in(cursor, definitions))
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {COPY}")
        for label, runs in timings.items():
            print(
                f"| {label} | "
                + " | ".join(" + ".join(f"{s:.1f}" for s in run) + f" = {sum(run):.1f} s" for run in runs)
                + " |"
            )


def built_in(cursor, definitions: list[str]) -> list[float]:
    """The seconds each index took to build on the copy, dropped after."""
    seconds = []
    for number, definition in enumerate(definitions):
        unique, columns = definition.startswith("UNIQUE "), definition.removeprefix("UNIQUE ")
        started = time.perf_counter()
        cursor.execute(f"CREATE {'UNIQUE ' if unique else ''}INDEX {COPY}_i{number} ON {COPY} {columns}")
        seconds.append(time.perf_counter() - started)
    for number in range(len(definitions)):
        cursor.execute(f"DROP INDEX {COPY}_i{number}")
    return seconds


if __name__ == "__main__":
    main()
