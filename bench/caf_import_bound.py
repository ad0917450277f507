"""What a first CAF/MSA import cannot cost less than on this machine, beside its bare floor, in one run.

1. The bare floor of the issue's goals (`caf_flux_floor.py`): a plain lxml iterparse of FILE + a COPY of its person
   rows into an unindexed table.
2. The libraries' share of the reading: the same iterparse, each household validated against the XSD, written in
   C14N and hashed. The first import does this in C for every household before any Python reads a field.
3. The first import itself (`caf_flux_import`, in this process): wall time and the CPU of the importer, its parsing
   child and its PostgreSQL backend, as in `caf_import_cpu.py`.
4. The database's share of storing: the rows the import wrote (its five tables) are copied out, the tables emptied,
   then the rows loaded again the way a first import loads them (`load_into_empty_tables`: COPY of each table, then
   the indexes and keys, then ANALYZE). No Python handles a row. Everything is rolled back at the end.

Steps 2 and 4 are work in C that no change to the import's Python can remove. On two cores they take at least half
their CPU in wall time; and the indexes, keys and ANALYZE wait for the last row, so at least half the reading and the
COPYs, then all of what follows them. The script prints both bounds as ratios to the bare floor, beside the goal's
2 ×.

DATABASE_URL must be a migrated PostgreSQL database with the COG of the Département loaded and no household yet:

    bash -c 'source scripts/lib.sh; start_throwaway_postgres; export DJANGO_SETTINGS_MODULE=jalon.settings.dev;
             .venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py load_cog --departements 59 -v0 &&
             .venv/bin/python bench/caf_import_bound.py /tmp/jalon-bench/flux-110000.xml'
"""

import argparse
import hashlib
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caf_flux_floor import bare_parse, copy_floor  # noqa: E402
from lxml import etree  # noqa: E402


def libraries_reading(path: Path) -> float:
    """Seconds of the iterparse + XSD validation + C14N and sha256 of every household, freed as it ends."""
    from jalon.intake.caf_flux.parser import _Schema

    schema = _Schema.get()

    def read(household) -> None:
        schema.validate(household)
        hashlib.sha256(etree.tostring(household, method="c14n")).digest()

    return bare_parse(path, each=read)[0]


class Backend:
    """CPU seconds spent so far by the PostgreSQL backend of Django's connection (not its parallel workers)."""

    def __init__(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        self.tick = os.sysconf("SC_CLK_TCK")

    def cpu(self) -> float:
        fields = self.stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick


def storing_again(tables: list[str], backend: Backend) -> tuple[float, float, float, int]:
    """Loading again, as a first import does, the rows of `tables`: wall seconds of the COPYs (with the checks of the
    keys kept), wall seconds of what follows the last row (indexes, keys between the tables, ANALYZE), backend CPU
    seconds of both; the rows' count. Rolled back."""
    from django.db import connection, transaction

    from jalon.core.bulk import deferred_checks_run, load_into_empty_tables
    from jalon.intake.caf_import import FIRST_LOAD_READ_INDEXES, FIRST_LOAD_TABLES

    with tempfile.TemporaryDirectory() as spool, transaction.atomic():
        rows = 0
        with connection.cursor() as cursor:
            for table in tables:
                with open(Path(spool) / table, "wb") as out, cursor.copy(f"COPY {table} TO STDOUT") as copy:
                    for block in copy:
                        out.write(block)
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - model tables
                rows += cursor.fetchone()[0]
            # The other tables pointing to these are empty in a bench database: CASCADE empties nothing else.
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cpu_before, started = backend.cpu(), time.monotonic()
        with load_into_empty_tables(*FIRST_LOAD_TABLES, keep_indexes=FIRST_LOAD_READ_INDEXES) as applied:
            assert applied, "the tables were not empty"
            with connection.cursor() as cursor:
                for table in tables:
                    with open(Path(spool) / table, "rb") as source, cursor.copy(f"COPY {table} FROM STDIN") as copy:
                        while block := source.read(1 << 20):
                            copy.write(block)
                    # The import checks the keys it kept (to the Départements, communes) at each write, while it reads.
                    deferred_checks_run()
            copied = time.monotonic()
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
        ended, cpu = time.monotonic(), backend.cpu() - cpu_before
        transaction.set_rollback(True)
    return copied - started, ended - copied, cpu, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--departement", default="59")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL doit désigner un PostgreSQL jetable, migré, avec le COG du Département.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")
    import django

    django.setup()

    from jalon.intake.caf_import import FIRST_LOAD_TABLES, caf_flux_import
    from jalon.people.models import Household
    from jalon.territories.models import Departement

    if Household.objects.exists():
        sys.exit("La base contient déjà des foyers : il faut une base migrée, avec le COG, sans foyer.")
    departement = Departement.objects.get(code=args.departement)
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")

    bare_s, _ = bare_parse(args.file)
    copy_s, _, person_rows = copy_floor(args.file, url, stream=False)
    floor = bare_s + copy_s
    print(
        f"bare floor: {floor:.1f} s (lxml iterparse {bare_s:.1f} s + COPY of {person_rows} person rows {copy_s:.1f} s)"
    )
    reading = libraries_reading(args.file)
    print(f"libraries' reading (iterparse + XSD + C14N + sha256): {reading:.1f} s ({reading / floor:.2f} × floor)")

    backend = Backend()
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    backend_before, started = backend.cpu(), time.monotonic()
    run = caf_flux_import(path=args.file, departement=departement, other_departement_allowed=True)
    wall, backend_cpu = time.monotonic() - started, backend.cpu() - backend_before
    own, child = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    importer_cpu = own.ru_utime + own.ru_stime - own_before.ru_utime - own_before.ru_stime
    print(
        f"first import: {wall:.1f} s ({wall / floor:.2f} × floor), {run.households_created} households, "
        f"{run.persons_created} persons; CPU: importer {importer_cpu:.1f} s, parsing child "
        f"{child.ru_utime + child.ru_stime:.1f} s, PostgreSQL backend {backend_cpu:.1f} s"
    )

    tables = [model._meta.db_table for model in FIRST_LOAD_TABLES]
    copies, after_last_row, store_cpu, rows = storing_again(tables, backend)
    print(
        f"database's storing of its {rows} rows again: {copies + after_last_row:.1f} s (COPYs and their keys' checks "
        f"{copies:.1f} s, then indexes, keys and ANALYZE {after_last_row:.1f} s), backend CPU {store_cpu:.1f} s"
    )

    shared = (reading + store_cpu) / 2
    # The indexes, keys and ANALYZE need every row stored: at best the reading and the COPYs share both cores, then
    # the rest follows them.
    critical = (reading + copies) / 2 + after_last_row
    print(
        f"C libraries and database alone: {reading + store_cpu:.1f} s of CPU, at least {shared:.1f} s on two cores "
        f"({shared / floor:.2f} × floor); with what follows the last row after it: at least {critical:.1f} s "
        f"({critical / floor:.2f} × floor); goal: 2 × floor = {2 * floor:.1f} s"
    )
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
