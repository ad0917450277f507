"""The observatory at Nord scale: the full recompute of every computed indicator (monthly, quarterly and yearly
periods over three years × every territory level × segments), the daily refresh, and the OARSA return of a year,
each with its ratio to a floor measured in the same run.

The population (about 200 000 persons of département 59, rights requested from 2014 to 2026, three years of
orientations, cells, carnets and contracts) is generated in SQL by `observatory_population.py` unless it is there.
PostgreSQL only; the database of `DATABASE_URL`:

    bash -c 'source scripts/lib.sh; start_throwaway_postgres; .venv/bin/python bench/bench_observatory.py'

After the daily refresh, it times the observatory's pages that read the stored values (the director summary, an
indicator's page, the OARSA return of the year, the portraits), as the programme pilot and the analyst, beside a floor:
a page that reads no data, through the same client.

Options: `--shares-day-by-day` (the stock shares over the persons subject to rights and duties evaluated day by day, as
before decision 0051, to compare), `--skip-full` (the daily refresh, the OARSA year and the pages only), `--months N`
(a full recompute over the last N months instead of 36), `--runs N` (requests per page, 30 by default), `--pages-only`
(the pages alone, on the values already stored: after a full recompute, the table of several years), `--changes` (the
daily refresh again after a day of changes — orientations, CER, exits dated the day —, then after they are taken back),
`--households N` (the size of the population generated into an empty database: 110 000 households by default, the
Nord's)."""

import argparse
import os
import statistics
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

from bench_delays_screen import client_for, page  # noqa: E402
from bench_exits import timed as timed_page  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from observatory_population import BASE, DEPARTEMENT, HOUSEHOLDS, populate  # noqa: E402

from jalon.accounts.models import User  # noqa: E402
from jalon.core.enums import Role  # noqa: E402
from jalon.core.periods import add_months  # noqa: E402
from jalon.observatory import services  # noqa: E402
from jalon.observatory.engine import Places, computations  # noqa: E402
from jalon.observatory.enums import PeriodKind  # noqa: E402
from jalon.observatory.models import IndicatorValue  # noqa: E402
from jalon.observatory.periods import Period  # noqa: E402
from jalon.observatory.segments import SegmentBatch  # noqa: E402
from jalon.observatory.services import _batch_settings, catalogue_load, period_results, snapshot_compute  # noqa: E402
from jalon.organisations.models import Membership  # noqa: E402


TODAY = date(2026, 12, 31)
COLD_RUNS = 3
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
        # As a computation runs them (`snapshot_compute`): the batch's settings, the shares together.
        with transaction.atomic(), SegmentBatch(DEPARTEMENT) as batch:
            _batch_settings()
            period_results([registry[code] for code in OARSA], DEPARTEMENT, year, places=places, segments=batch)

    return timed(run)[0]


# A day of the Département's life, dated TODAY and marked so that it can be taken back: orientations decided for
# applicants who had none, CER signed in carnets without one in force, rights closed (exits). Only constants are
# formatted into these statements.
DAY_MARK = "bench-journee"
CLOSED_MARK = "BJ"  # a closure reason is five characters at most
DAY_OF_CHANGES = (
    f"""INSERT INTO orientation_orientation (created_at, updated_at, orientation_type, person_chose_referent,
        person_agreement, person_comment, decided_on, end_reason, dispositif_id, organisation_id, person_id,
        referent_id)
        SELECT now(), now(), (ARRAY['social', 'professionnel', 'socio_professionnel'])[1 + p.id % 3], false, 'accord',
               '{DAY_MARK}', DATE '{TODAY}', '', {BASE} + 1 + p.id % 6, {BASE} + 1 + p.id % 4, p.id, {BASE} + 1
        FROM people_person p
        WHERE p.departement_id = '{DEPARTEMENT}' AND p.id % 97 = 0
          AND NOT EXISTS (SELECT 1 FROM orientation_orientation o WHERE o.person_id = p.id)
          AND EXISTS (SELECT 1 FROM people_householdmember m WHERE m.person_id = p.id AND m.role = 'DEM')
        ORDER BY p.id LIMIT 250""",  # noqa: S608
    f"""INSERT INTO notebook_contract (created_at, updated_at, starts_on, ends_on, signed_on, signed_by_person,
        organisation_id, contract_type_id, notebook_id, end_reason, end_note, hours_reduction_reason,
        hours_reduction_note)
        SELECT now(), now(), DATE '{TODAY}', DATE '{TODAY}' + 365, DATE '{TODAY}', true, {BASE} + 1, {BASE} + 1, n.id,
               '', '{DAY_MARK}', '', ''
        FROM notebook_notebook n JOIN people_person p ON p.id = n.person_id
        WHERE p.departement_id = '{DEPARTEMENT}' AND n.id % 89 = 0
          AND NOT EXISTS (SELECT 1 FROM notebook_contract c WHERE c.notebook_id = n.id AND c.ends_on >= DATE '{TODAY}')
        ORDER BY n.id LIMIT 120""",  # noqa: S608
    f"""UPDATE people_rsaright SET closure_date = DATE '{TODAY}', closure_reason = '{CLOSED_MARK}'
        WHERE id IN (
            SELECT id FROM people_rsaright WHERE closure_date IS NULL AND id % 83 = 0 ORDER BY id LIMIT 100
        )""",  # noqa: S608
)
DAY_TAKEN_BACK = (
    f"DELETE FROM orientation_orientation WHERE person_comment = '{DAY_MARK}'",  # noqa: S608
    f"DELETE FROM notebook_contract WHERE end_note = '{DAY_MARK}'",  # noqa: S608
    f"UPDATE people_rsaright SET closure_date = NULL, closure_reason = '' WHERE closure_reason = '{CLOSED_MARK}'",  # noqa: S608
)


def day_of_changes(statements) -> list[int]:
    with transaction.atomic(), connection.cursor() as cursor:
        counts = []
        for sql in statements:
            cursor.execute(sql)
            counts.append(cursor.rowcount)
    with connection.cursor() as cursor:
        for table in ("orientation_orientation", "notebook_contract", "people_rsaright"):
            cursor.execute(f"ANALYZE {table}")
    return counts


def refresh(label: str, base: float) -> None:
    seconds, run = timed(lambda: snapshot_compute(departement_id=DEPARTEMENT, today=TODAY))
    changed = getattr(run, "values_changed", None)  # absent before the values were compared
    print(
        f"{label}: {seconds:.1f} s ({seconds / base:.0f} × plancher), {run.values_written} valeurs calculées"
        + (f", {changed} écrites (nouvelles, changées ou disparues)" if changed is not None else "")
    )


def staff_client(role: str):
    """A member of the Département's organisation (the population's « cd ») in `role`, logged in."""
    user, _ = User.objects.get_or_create(email=f"{role}@observatoire-bench.test", defaults={"last_name": role})
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation_id=BASE + 1, role=role, defaults={"is_active": True}
    )
    return client_for(membership)


def pages(runs: int) -> None:
    """The pages that read the stored values, after the daily refresh (autovacuum analyses what it wrote)."""
    pilot, analyst = staff_client(Role.PROGRAMME_PILOT), staff_client(Role.ANALYST)
    floor_p50, floor_p95, floor_queries = timed_page(page(pilot, "/accessibilite/"), runs)
    print(f"\n| page ({runs} requêtes) | p50 | p95 | p95 × plancher | requêtes SQL |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| plancher : page sans données | {floor_p50:.0f} ms | {floor_p95:.0f} ms | 1 | {floor_queries} |")
    for label, client, url in (
        ("synthèse du directeur (pilote)", pilot, "/observatoire/synthese/"),
        ("objectifs et réalisations (pilote)", pilot, "/observatoire/objectifs/"),
        ("accueil du pilote", pilot, "/"),
        ("accueil de l'analyste", analyst, "/"),
        ("page d'un indicateur : B1 (analyste)", analyst, "/observatoire/indicateurs/B1/"),
        ("page d'un indicateur : L69 (analyste)", analyst, "/observatoire/indicateurs/L69/"),
        (f"retour OARSA {TODAY.year} (analyste)", analyst, f"/observatoire/oarsa/?annee={TODAY.year}"),
        ("portraits de territoire (analyste)", analyst, "/observatoire/portraits/"),
    ):
        p50, p95, queries = timed_page(page(client, url), runs)
        print(f"| {label} | {p50:.0f} ms | {p95:.0f} ms | {p95 / floor_p95:.1f} | {queries} |")
    # Counted live over the population, then kept for every viewer of the same scope (`core.aggregates`): the first
    # request of a scope (the cache emptied before each) apart from the next ones.
    print(
        f"\n| page comptée sur la population | première requête (médiane de {COLD_RUNS}) "
        "| p50 / p95 ensuite | requêtes SQL |"
    )
    print("| --- | --- | --- | --- |")
    for label, url in (
        ("cohorte du mois et 12 cohortes successives", "/observatoire/cohortes/"),
        ("trajectoires de la cohorte", "/observatoire/cohortes/trajectoires/"),
        ("qualité des données", "/observatoire/qualite/"),
    ):
        get = page(analyst, url)
        cold = []
        for _ in range(COLD_RUNS):
            caches["aggregates"].clear()
            started = time.perf_counter()
            get()
            cold.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            caches["aggregates"].clear()
            get()
        p50, p95, _ = timed_page(get, runs)
        print(
            f"| {label} | {statistics.median(cold):.0f} ms | {p50:.0f} / {p95:.0f} ms | {len(ctx.captured_queries)} |"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pages-only", action="store_true")
    parser.add_argument("--changes", action="store_true")
    # The stock shares over the persons subject to rights and duties evaluated day by day, as before decision 0051.
    parser.add_argument("--shares-day-by-day", action="store_true")
    parser.add_argument("--households", type=int, default=HOUSEHOLDS, help="foyers générés (une base vide)")
    args = parser.parse_args()
    if args.shares_day_by_day:
        services.ON_DAYS_FROM = 10**6
    if connection.vendor != "postgresql":
        sys.exit("Ce banc demande PostgreSQL (DATABASE_URL=postgres://…).")
    call_command("migrate", verbosity=0)
    if not connection.cursor().execute("SELECT 1 FROM territories_commune WHERE departement_id = '59'").fetchone():
        call_command("load_cog", departements=[DEPARTEMENT], verbosity=0)
    generated, _ = timed(lambda: populate(args.households))
    catalogue_load()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM people_person WHERE departement_id = %s", [DEPARTEMENT])
        persons = cursor.fetchone()[0]
    print(f"population: {persons} personnes ({generated:.1f} s de génération si créée)")
    print(f"charge de la machine au départ: {os.getloadavg()[0]:.1f}")
    if args.pages_only:
        print(f"valeurs en base : {IndicatorValue.objects.filter(departement_id=DEPARTEMENT).count()}")
        pages(args.runs)
        print(f"charge de la machine à la fin: {os.getloadavg()[0]:.1f}")
        return
    base = floor()
    print(f"plancher (lecture des personnes et des appartenances, COPY): {base:.2f} s")
    seconds = oarsa_year()
    print(
        f"retour OARSA d'une année ({len(OARSA)} indicateurs, segments): {seconds:.1f} s "
        f"({seconds / base:.0f} × plancher)"
    )
    refresh("rafraîchissement quotidien", base)
    if args.changes:
        # The same refresh after a day of changes (new orientations, CER, exits), then after they are taken back:
        # the stored values are those of the unchanged data again.
        orientations, contracts, closed = day_of_changes(DAY_OF_CHANGES)
        print(f"journée de changements : {orientations} orientations, {contracts} CER, {closed} droits clos")
        refresh("rafraîchissement après la journée", base)
        day_of_changes(DAY_TAKEN_BACK)
        refresh("rafraîchissement après leur retrait", base)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE observatory_indicatorvalue")
    pages(args.runs)
    if not args.skip_full:
        first_day = add_months(TODAY.replace(day=1), -(args.months - 1))
        seconds, run = timed(
            lambda: snapshot_compute(departement_id=DEPARTEMENT, today=TODAY, full=True, first_day=first_day)
        )
        print(
            f"recalcul complet ({args.months} mois depuis le {first_day:%d/%m/%Y}, trimestres et années compris): "
            f"{seconds:.1f} s ({seconds / base:.0f} × plancher), {run.values_written} valeurs calculées, "
            f"{run.values_changed} écrites (nouvelles, changées ou disparues), "
            f"{IndicatorValue.objects.filter(departement_id=DEPARTEMENT).count()} en base"
        )
    print(f"charge de la machine à la fin: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
