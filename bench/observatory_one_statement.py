"""The stock shares over the persons subject to rights and duties (B1–B12, B15–B20, L69, L70, L20, J15) on the 36 month
ends of a full recompute, evaluated as the computation does since decision 0051 (`shares_on_days.SharesOnDays`: each
segment row cut into pieces, each piece evaluated once, all the days in one statement), against their evaluation day
by day (one query per month end, as before), back to back on the population of `bench_observatory.py` (Nord scale).
Both give the same cells on every day, or the bench fails. With `--runs-of-days 2`, the days in two runs, as the
computation's two workers share them (the runs' times are added).

    DATABASE_URL=postgres://…/nord .venv/bin/python bench/observatory_one_statement.py [--runs 2] [--runs-of-days 2]
"""

import argparse
import os
import sys
import time

from django.db import connection, transaction
from observatory_bench import DEPARTEMENT, MONTH_ENDS  # sets Django up, before any import of the project

from jalon.observatory.engine import Places, computations, evaluate_shares
from jalon.observatory.enums import PeriodKind
from jalon.observatory.indicators.common import subject_base
from jalon.observatory.periods import Period
from jalon.observatory.segments import SegmentBatch
from jalon.observatory.services import _batch_settings
from jalon.observatory.shares_on_days import SharesOnDays


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--runs-of-days", type=int, default=1)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Ce banc demande PostgreSQL (DATABASE_URL=postgres://…).")
    print(f"charge de la machine au départ: {os.getloadavg()[0]:.1f}")
    specs = [spec for spec in computations().values() if spec.share is not None and spec.share.base is subject_base]
    places = Places.of(DEPARTEMENT)
    SegmentBatch.vacuum()
    with transaction.atomic(), SegmentBatch(DEPARTEMENT) as batch:
        _batch_settings()
        batch.prepare(*MONTH_ENDS)
        size = -(-len(MONTH_ENDS) // args.runs_of_days)
        firsts = MONTH_ENDS[::size]
        for _ in range(args.runs):
            started = time.perf_counter()
            on_days: dict = {}
            evaluation = SharesOnDays(specs, DEPARTEMENT, MONTH_ENDS, places=places, segments=batch)
            for index, first in enumerate(firsts):
                after = firsts[index + 1] if index + 1 < len(firsts) else None
                evaluation.results(evaluation.statement(first, after), on_days.__setitem__)
            in_one = time.perf_counter() - started
            started = time.perf_counter()
            for day in MONTH_ENDS:
                period = Period(PeriodKind.MONTH, day.replace(day=1))
                alone = evaluate_shares(
                    specs, DEPARTEMENT, period, places=places, segments=batch, commune_segments=False
                )
                if alone != on_days[day]:
                    sys.exit(f"Les parts du {day:%d/%m/%Y} diffèrent.")
            day_by_day = time.perf_counter() - started
            print(
                f"jour par jour: {day_by_day:.2f} s pour 36 jours ; sur tous les jours "
                f"({len(firsts)} instruction(s)): {in_one:.2f} s ; rapport {in_one / day_by_day:.2f} ; "
                "mêmes cellules chaque jour"
            )
    print(f"charge de la machine à la fin: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
