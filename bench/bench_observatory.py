"""The observatory at Nord scale: the full recompute of every computed indicator (monthly, quarterly and yearly
periods over three years × every territory level × segments), the daily refresh, and the OARSA return of a year,
each with its ratio to a floor measured in the same run.

The population (about 200 000 persons of département 59, rights requested from 2014 to 2026, three years of
orientations, cells, carnets and contracts) is generated in SQL by `observatory_population.py` unless it is there.
PostgreSQL only; the database of `DATABASE_URL`:

    bash -c 'source scripts/lib.sh; start_throwaway_postgres; .venv/bin/python bench/bench_observatory.py'

Options: `--skip-full` (the daily refresh and the OARSA year only), `--months N` (a full recompute over the last N
months instead of 36)."""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")  # the full recompute's statements are long by design

import django  # noqa: E402


django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from observatory_population import DEPARTEMENT, populate  # noqa: E402

from jalon.core.periods import add_months  # noqa: E402
from jalon.observatory.engine import Places, computations, evaluate  # noqa: E402
from jalon.observatory.enums import PeriodKind  # noqa: E402
from jalon.observatory.models import IndicatorValue  # noqa: E402
from jalon.observatory.periods import Period  # noqa: E402
from jalon.observatory.segments import SegmentBatch  # noqa: E402
from jalon.observatory.services import catalogue_load, snapshot_compute  # noqa: E402


TODAY = date(2026, 12, 31)
OARSA = ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B13", "B14"]


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def floor() -> float:
    """What any computation over the population costs at the least: reading the Département's persons and their
    memberships once (a COPY of the columns the segments read, to nowhere)."""

    def read():
        with connection.cursor() as cursor:
            for sql in (
                "COPY (SELECT id, commune_id, sex, birth_date FROM people_person WHERE departement_id = '59') "
                "TO STDOUT",
                "COPY (SELECT person_id, household_id, role, joined_on, left_on FROM people_householdmember) "
                "TO STDOUT",
            ):
                with cursor.cursor.copy(sql) as copy:
                    for _ in copy:
                        pass

    read()  # warm the cache: the figures below run on a warm cache too
    return min(timed(read)[0] for _ in range(3))


def oarsa_year() -> float:
    """The OARSA return of a year: its indicators for the year, every territory level, segmented as stored."""
    year = Period(PeriodKind.YEAR, date(TODAY.year, 1, 1))
    places = Places.of(DEPARTEMENT)
    registry = computations()

    def run():
        with transaction.atomic(), SegmentBatch(DEPARTEMENT) as batch:
            for code in OARSA:
                evaluate(registry[code], DEPARTEMENT, year, places=places, segments=batch)

    return timed(run)[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--months", type=int, default=36)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Ce banc demande PostgreSQL (DATABASE_URL=postgres://…).")
    call_command("migrate", verbosity=0)
    if not connection.cursor().execute("SELECT 1 FROM territories_commune WHERE departement_id = '59'").fetchone():
        call_command("load_cog", departements=[DEPARTEMENT], verbosity=0)
    generated, _ = timed(populate)
    catalogue_load()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM people_person WHERE departement_id = %s", [DEPARTEMENT])
        persons = cursor.fetchone()[0]
    print(f"population: {persons} personnes ({generated:.1f} s de génération si créée)")
    print(f"charge de la machine au départ: {os.getloadavg()[0]:.1f}")
    base = floor()
    print(f"plancher (lecture des personnes et des appartenances, COPY): {base:.2f} s")
    seconds = oarsa_year()
    print(
        f"retour OARSA d'une année ({len(OARSA)} indicateurs, segments): {seconds:.1f} s "
        f"({seconds / base:.0f} × plancher)"
    )
    seconds, run = timed(lambda: snapshot_compute(departement_id=DEPARTEMENT, today=TODAY))
    print(
        f"rafraîchissement quotidien: {seconds:.1f} s ({seconds / base:.0f} × plancher), "
        f"{run.values_written} valeurs écrites"
    )
    if not args.skip_full:
        first_day = add_months(TODAY.replace(day=1), -(args.months - 1))
        seconds, run = timed(
            lambda: snapshot_compute(departement_id=DEPARTEMENT, today=TODAY, full=True, first_day=first_day)
        )
        print(
            f"recalcul complet ({args.months} mois depuis le {first_day:%d/%m/%Y}, trimestres et années compris): "
            f"{seconds:.1f} s ({seconds / base:.0f} × plancher), {run.values_written} valeurs écrites, "
            f"{IndicatorValue.objects.filter(departement_id=DEPARTEMENT).count()} en base"
        )
    print(f"charge de la machine à la fin: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
