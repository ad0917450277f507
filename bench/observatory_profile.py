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

from django.db import transaction
from observatory_bench import DEPARTEMENT, TODAY  # sets Django up, before any import of the project

from jalon.observatory.engine import Places, computations
from jalon.observatory.enums import PeriodKind
from jalon.observatory.periods import Period
from jalon.observatory.segments import SegmentBatch
from jalon.observatory.services import _batch_settings, _evaluation_groups, _group_results


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
