"""Exits and the follow-up in employment at Nord scale: the daily checkpoint and at-risk run, the follow-up list and
the employer page, each beside a floor measured in the same run.

The population (about 200 000 persons of département 59, three years of path) is `observatory_population.py`'s,
with its exits' part: 40 000 exits over the last three years (about half to employment, with their checkpoints at
1, 3, 6 and 24 months, some missed, some ruptures), ~150 employers with contacts, commitments, interactions,
immersions, job offers and positionings. Everything is generated in SQL unless it is there. PostgreSQL only; the
database of `DATABASE_URL`:

    bash -c 'source scripts/lib.sh; start_throwaway_postgres; .venv/bin/python bench/bench_exits.py'

Floors: for the pages, a page that reads no data (the accessibility statement) through the same client, session
and middleware; for the daily run, reading once what it reads at the least: the checkpoints, the rights and the
households' members (`COPY` to nowhere). The daily run is rolled back
with everything the benchmark writes, so that a second run measures the same thing.

Options: `--exits N` (40 000), `--runs N` (requests per page, 30)."""

import argparse
import io
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")

import django  # noqa: E402


django.setup()

from bench_delays_screen import client_for as membership_client  # noqa: E402
from bench_delays_screen import page  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from observatory_population import (  # noqa: E402
    BASE,
    BIG_REFERENT,
    DEPARTEMENT,
    DEPARTEMENT_MANAGER,
    EXITS,
    RELATIONS_OFFICER,
    TERRITORY_MANAGER,
    populate,
    populate_exits,
)

from jalon.employers.models import Employer  # noqa: E402
from jalon.exits.models import Checkpoint, Exit, ExitProposal  # noqa: E402
from jalon.organisations.models import Membership  # noqa: E402


SMALL_REFERENT = BASE + 1000 + 3 * 100 + 7  # a référent of the association, about a hundred exits


def timed(function, runs):
    function()  # warm-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        function()
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)], len(ctx.captured_queries)


def client_for(user_id) -> Client:
    return membership_client(Membership.objects.select_related("user").get(user_id=user_id))


def daily_floor() -> float:
    """What the daily run reads at the least, once: the checkpoints (due date, done, risk) and the rights with the
    memberships of their households (closures), each a COPY to nowhere, warm cache."""

    def read():
        with connection.cursor() as cursor:
            for sql in (
                "COPY (SELECT id, exit_id, due_on, done_on, risk_reason FROM exits_checkpoint) TO STDOUT",
                "COPY (SELECT household_id, state, closure_date FROM people_rsaright) TO STDOUT",
                "COPY (SELECT household_id, person_id, left_on FROM people_householdmember) TO STDOUT",
            ):
                with cursor.cursor.copy(sql) as copy:
                    for _ in copy:
                        pass

    read()
    return min(_seconds(read) for _ in range(3))


def _seconds(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def daily_runs() -> list[tuple[str, float, str]]:
    """`manage.py exits_daily` today (its first run: every closure and missed point of the population is new), then
    the next day."""
    today = timezone.localdate()
    rows = []
    for label, day in (("aujourd'hui (premier passage)", today), ("le lendemain", today + timedelta(days=1))):
        out = io.StringIO()
        seconds = _seconds(lambda day=day, out=out: call_command("exits_daily", date=day, stdout=out))
        rows.append((label, seconds, out.getvalue().strip()))
    return rows


def employer_pair() -> tuple[int, int, int, int]:
    """The employer with the most hires (exits to it), and the one with about a tenth of them."""
    counts = dict(
        Exit.objects.filter(employer__departement_id=DEPARTEMENT)
        .values_list("employer_id")
        .annotate(n=Count("pk"))
        .values_list("employer_id", "n")
    )
    big = max(counts, key=counts.get)
    small = min(counts, key=lambda pk: abs(counts[pk] - counts[big] / 10))
    return small, counts[small], big, counts[big]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exits", type=int, default=EXITS)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Ce banc demande PostgreSQL (DATABASE_URL=postgres://…).")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM territories_commune WHERE departement_id = %s", [DEPARTEMENT])
        if not cursor.fetchone():
            call_command("load_cog", departements=[DEPARTEMENT], verbosity=0)
    generated = _seconds(populate) + _seconds(lambda: populate_exits(args.exits))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM people_person WHERE departement_id = %s", [DEPARTEMENT])
        persons = cursor.fetchone()[0]
    employment = Exit.objects.filter(followed_by__isnull=False)
    print(
        f"population : {persons} personnes, {Exit.objects.count()} sorties dont {employment.count()} vers l'emploi, "
        f"{Checkpoint.objects.count()} points de suivi ({Checkpoint.objects.exclude(risk_reason='').count()} à "
        f"risque), {Employer.objects.count()} employeurs ({generated:.0f} s de génération si créée)"
    )
    small_employer, small_hires, big_employer, big_hires = employer_pair()
    small_followed = employment.filter(followed_by_id=SMALL_REFERENT).count()
    big_followed = employment.filter(followed_by_id=BIG_REFERENT).count()
    print(
        f"référent mesuré : {small_followed} sorties vers l'emploi suivies ; référent « ×10 » : {big_followed} ; "
        f"employeur mesuré : {small_hires} embauches ; employeur « ×10 » : {big_hires}"
    )
    print(f"charge de la machine au départ : {os.getloadavg()[0]:.1f}")

    # Everything below is rolled back at the end: a second run of the benchmark measures the same thing.
    with transaction.atomic():
        measure(args.runs)
        transaction.set_rollback(True)
    print(f"\ncharge de la machine à la fin : {os.getloadavg()[0]:.1f}")


def measure(runs: int) -> None:
    base = daily_floor()
    print(
        f"\nplancher du passage quotidien (lecture des points de suivi, des droits et des membres des foyers, COPY) : "
        f"{base * 1000:.0f} ms"
    )
    for label, seconds, output in daily_runs():
        print(f"exits_daily {label} : {seconds:.2f} s ({seconds / base:.0f} × plancher) — {output}")
    print(f"sorties proposées à examiner après ces passages : {ExitProposal.objects.count()}")
    with connection.cursor() as cursor:
        # The screens are read hours after the nightly run, once autovacuum has analysed what it wrote.
        cursor.execute("ANALYZE exits_exitproposal, exits_checkpoint")
    small_employer, _, big_employer, _ = employer_pair()

    referent, big_referent = client_for(SMALL_REFERENT), client_for(BIG_REFERENT)
    manager, territory_manager = client_for(DEPARTEMENT_MANAGER), client_for(TERRITORY_MANAGER)
    officer = client_for(RELATIONS_OFFICER)
    floor_p50, floor_p95, floor_queries = timed(page(referent, "/accessibilite/"), runs)
    follow_up = "/sorties/suivi-en-emploi/"
    rows = [
        ("suivi en emploi, à faire (référent)", referent, big_referent, follow_up),
        ("suivi en emploi, situations à risque (référent)", referent, big_referent, follow_up + "?which=at_risk"),
        ("suivi en emploi, tous les points à venir (référent)", referent, big_referent, follow_up + "?which=all"),
        ("page d'un employeur (référent)", referent, None, "/entreprises/{}/"),
        ("page d'un employeur (chargé de relation entreprises)", officer, None, "/entreprises/{}/"),
        ("page d'un employeur (manager du Département)", manager, None, "/entreprises/{}/"),
    ]
    print(f"\nplancher des pages (page sans données, même client) : p50 {floor_p50:.0f} ms, p95 {floor_p95:.0f} ms")
    print(f"({runs} requêtes par ligne après une de chauffe ; requêtes SQL : cas mesuré / cas ×10)\n")
    print("| page | p50 | p95 | p95 × plancher | p95 ×10 | requêtes SQL |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(
        f"| plancher : déclaration d'accessibilité | {floor_p50:.0f} ms | {floor_p95:.0f} ms | 1 | | {floor_queries} |"
    )
    for label, client, big_client, url in rows:
        if big_client is None:  # the employer page: the same actor on the small and the big employer
            small_url, big_url, big_client = url.format(small_employer), url.format(big_employer), client
        else:
            small_url = big_url = url
        p50, p95, queries = timed(page(client, small_url), runs)
        _, big_p95, big_queries = timed(page(big_client, big_url), runs)
        print(
            f"| {label} | {p50:.0f} ms | {p95:.0f} ms | {p95 / floor_p95:.1f} | {big_p95:.0f} ms | "
            f"{queries} / {big_queries} |"
        )
    for label, client in (
        ("suivi en emploi, à faire (manager limité à un territoire sur huit)", territory_manager),
        ("suivi en emploi, situations à risque (manager limité à un territoire)", territory_manager),
        ("suivi en emploi, à faire (manager du Département, toutes les sorties)", manager),
        ("suivi en emploi, situations à risque (manager du Département)", manager),
    ):
        url = follow_up + ("?which=at_risk" if "risque" in label else "")
        p50, p95, queries = timed(page(client, url), runs)
        print(f"| {label} | {p50:.0f} ms | {p95:.0f} ms | {p95 / floor_p95:.1f} | | {queries} |")


if __name__ == "__main__":
    main()
