"""The cost of each evaluation of the observatory's computation at Nord scale (the population of
`bench_observatory.py`, generated first by it): for a month, a quarter or the year of TODAY, the day's segment batch,
then each group of indicators as a computation evaluates it (the shares over the same base together, a definition
registered under several codes once), on one connection, in the batch's transaction.

    .venv/bin/python bench/observatory_profile.py month year
"""

import os
import sys
import time
from datetime import date
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")

import django  # noqa: E402


django.setup()

from django.db import transaction  # noqa: E402

from jalon.observatory.engine import Places, computations  # noqa: E402
from jalon.observatory.enums import PeriodKind  # noqa: E402
from jalon.observatory.periods import Period  # noqa: E402
from jalon.observatory.segments import SegmentBatch  # noqa: E402
from jalon.observatory.services import _batch_settings, _evaluation_groups, _group_results  # noqa: E402


DEPARTEMENT = "59"
TODAY = date(2026, 12, 31)
PERIODS = {
    "month": Period(PeriodKind.MONTH, TODAY.replace(day=1)),
    "quarter": Period(PeriodKind.QUARTER, date(TODAY.year, 10, 1)),
    "year": Period(PeriodKind.YEAR, date(TODAY.year, 1, 1)),
}


def main():
    places, registry = Places.of(DEPARTEMENT), computations()
    print(f"charge de la machine au départ: {os.getloadavg()[0]:.1f}")
    for name in sys.argv[1:] or ["month", "year"]:
        period = PERIODS[name]
        with transaction.atomic(), SegmentBatch(DEPARTEMENT) as batch:
            _batch_settings()
            started = time.perf_counter()
            batch.prepare(period.end)
            print(f"{name}: lot de segments du jour {time.perf_counter() - started:.2f} s")
            timings = []
            for shares, group in _evaluation_groups(list(registry.values()), True):
                started = time.perf_counter()
                _group_results(shares, group, DEPARTEMENT, period, places, batch, True)
                timings.append((time.perf_counter() - started, " ".join(spec.code for spec in group)))
            print(f"{name}: indicateurs {sum(seconds for seconds, _ in timings):.2f} s")
            for seconds, codes in sorted(timings, reverse=True):
                print(f"  {seconds:.2f} s  {codes}")
    print(f"charge de la machine à la fin: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
