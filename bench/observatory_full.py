"""The observatory's full recompute alone, at Nord scale (the population of `bench_observatory.py`, generated first by
it): the values table emptied, the segments' table vacuumed, then `snapshot_compute` of 36 months, 12 quarters and
3 years, timed end to end, with the CPU the computation's Python process used and how busy the machine's cores were
(`/proc/stat`, Linux) over the run. Empties the values of the database it is given.

    DATABASE_URL=postgres://…/nord .venv/bin/python bench/observatory_full.py [--runs 2] [--months 36] [--compare]

With `--compare`, each run is made twice, alternately: as the computation runs, then with the stock shares over the
persons subject to rights and duties evaluated day by day (`services.ON_DAYS_FROM` out of reach), the values stored
by both compared (the same, or the bench fails).
"""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

from django.db import connection
from observatory_bench import DEPARTEMENT, TODAY  # sets Django up, before any import of the project

from jalon.core.periods import add_months
from jalon.observatory import services
from jalon.observatory.services import snapshot_compute


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) ticks of all the machine's cores since boot."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Ce banc demande PostgreSQL (DATABASE_URL=postgres://…).")
    first_day = add_months(TODAY.replace(day=1), -(args.months - 1))
    modes = [("", services.ON_DAYS_FROM)]
    if args.compare:
        modes.append((" (parts jour par jour)", 10**6))
    for _ in range(args.runs):
        stored = []
        for label, on_days_from in modes:
            services.ON_DAYS_FROM = on_days_from
            seconds, line = one_run(first_day, args.months)
            print(f"recalcul complet{label} {line}")
            stored.append(stored_digest())
        if len(set(stored)) != 1:
            sys.exit("Les valeurs stockées diffèrent d'un mode à l'autre.")


def one_run(first_day: date, months: int) -> tuple[float, str]:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE observatory_indicatorvalue, observatory_computedperiod")
        cursor.execute("VACUUM observatory_personsegment")
        cursor.execute("VACUUM ANALYZE observatory_indicatorvalue")
    load = os.getloadavg()[0]
    busy, total = cpu_ticks()
    started, process = time.perf_counter(), os.times()
    run = snapshot_compute(departement_id=DEPARTEMENT, today=TODAY, full=True, first_day=first_day)
    seconds, ended = time.perf_counter() - started, os.times()
    busy_after, total_after = cpu_ticks()
    python = ended.user - process.user + ended.system - process.system
    return seconds, (
        f"({months} mois depuis le {first_day:%d/%m/%Y}) : {seconds:.1f} s, "
        f"{run.values_written} valeurs ; processeur du processus Python {python:.1f} s ; "
        f"cœurs occupés {100 * (busy_after - busy) / (total_after - total):.0f} % ; "
        f"charge {load:.1f} → {os.getloadavg()[0]:.1f}"
    )


def stored_digest() -> str:
    """The md5 of the stored values, sorted by key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(concat_ws('|', indicator_id, territory_level, territory_code, period_kind, "
            "period_start, dimension, segment, numerator, denominator, value), E'\\n' ORDER BY indicator_id, "
            "territory_level, territory_code, period_kind, period_start, dimension, segment)) "
            "FROM observatory_indicatorvalue"
        )
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
