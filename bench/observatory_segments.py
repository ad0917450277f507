"""What the observatory's segments cost at Nord scale (the population of `bench_observatory.py`, generated first by
it), for the two days of the daily refresh (30 November and 31 December) and the 36 month ends of a full recompute,
computed three ways in turn (decision 0049), and for the one day of the OARSA return (31 December) by the one-day
statement and by the intervals' statement:

- `par jour`: the one-day statement for each day, then an ANALYZE, and the day's rows deleted, as every computation
  did before decision 0049;
- `intervalles`: the intervals' statement for all the days, on one connection, then an ANALYZE;
- `deux parts`: the same in two ranges of the persons' keys, at once on two connections, then an ANALYZE (what a
  computation on two workers does).

Each way is timed `--runs` times (2 by default), the ways alternating; the rows written are printed once (for `par
jour`, the sum of the days').

    .venv/bin/python bench/observatory_segments.py [--runs 2]
"""

import argparse
import os
import time
from datetime import date, timedelta

from django.db import connection, transaction
from observatory_bench import DEPARTEMENT, MONTH_ENDS, TODAY  # sets Django up, before any import of the project

from jalon.observatory.models import PersonSegment
from jalon.observatory.segments import BUILD_SQL, INTERVALS_SQL, SegmentBatch
from jalon.observatory.services import _after, _batch_settings
from jalon.observatory.workers import Workers


REFRESH = [date(2026, 11, 30), TODAY]


def day_by_day(batch: SegmentBatch, days: list[date]) -> int:
    """Each day's rows are deleted once counted, as each day's batch was after its day."""
    written = 0
    with transaction.atomic():
        _batch_settings()
        for day in days:
            with connection.cursor() as cursor:
                cursor.execute(*batch._statement(BUILD_SQL, day=day, next_day=day + timedelta(days=1)))
            SegmentBatch.analyze()
            written += PersonSegment.objects.filter(batch=batch.id).count()
            PersonSegment.objects.filter(batch=batch.id).delete()
    return written


def intervals(batch: SegmentBatch, days: list[date]) -> int:
    with transaction.atomic():
        _batch_settings()
        batch.prepare(*days)
    return PersonSegment.objects.filter(batch=batch.id).count()


def two_parts(batch: SegmentBatch, days: list[date]) -> int:
    pool = Workers(2, _batch_settings)
    try:
        claimed = batch.claim(*days)
        parts = [pool.submit(batch.compute, claimed, part, 2) for part in range(2)]
        pool.submit(_after, parts, SegmentBatch.analyze).result()
    finally:
        pool.close()
    return PersonSegment.objects.filter(batch=batch.id).count()


def intervals_of_one_day(batch: SegmentBatch, days: list[date]) -> int:
    """The intervals' statement on one day, which `prepare` leaves to the one-day statement."""
    (day,) = days
    with transaction.atomic():
        _batch_settings()
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(id), max(id) + 1 FROM people_person WHERE departement_id = %s", [DEPARTEMENT])
            first_key, after_last_key = cursor.fetchone()
            cursor.execute(
                *batch._statement(
                    INTERVALS_SQL,
                    days=days,
                    first=day,
                    last=day,
                    after_last=day + timedelta(days=1),
                    first_person=first_key,
                    after_person=after_last_key,
                )
            )
        SegmentBatch.analyze()
    return PersonSegment.objects.filter(batch=batch.id).count()


WAYS = {"par jour": day_by_day, "intervalles": intervals, "deux parts": two_parts}
ONE_DAY = {"instruction d'un jour": day_by_day, "instruction des intervalles": intervals_of_one_day}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    print(f"charge de la machine au départ: {os.getloadavg()[0]:.1f}")
    for label, days, ways in (
        ("retour OARSA, 31 décembre", [TODAY], ONE_DAY),
        ("rafraîchissement, 2 jours", REFRESH, WAYS),
        ("recalcul complet, 36 fins de mois", MONTH_ENDS, WAYS),
    ):
        timings: dict = {way: [] for way in ways}
        rows: dict = {}
        for _ in range(args.runs):
            for way, compute in ways.items():
                batch = SegmentBatch(DEPARTEMENT)
                started = time.perf_counter()
                rows[way] = compute(batch, days)  # counted within the timing: a few tens of milliseconds
                timings[way].append(time.perf_counter() - started)
                batch.discard()
                SegmentBatch.vacuum()
        for way, seconds in timings.items():
            print(f"{label}, {way}: {' / '.join(f'{s:.2f}' for s in seconds)} s, {rows[way]} lignes")
    print(f"charge de la machine à la fin: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
