"""What the shares over the persons subject to rights and duties (B1–B12, B15–B20, L69, L70, L20, J15) would cost if
each person's segment row were evaluated once, on its own first day, for all the days of a full recompute in one
statement, against their evaluation day by day as the engine does (the population of `bench_observatory.py`, Nord
scale, 36 month ends). A measure for a design not built (`bench/README.md`, « onzième passage »), not a computation:

- `jour par jour`: the engine's query of each of the 36 month ends, as a full recompute runs it;
- `une instruction`: the same query, with each date it derives from the day replaced by the same date derived from
  the segment row's first day (found by compiling the query for two days and comparing their dates: a date that
  does not move with the day is a constant, the plein emploi law's start for one), the row's interval instead of the
  day's, and the sums grouped by interval as well. Its result is not summed into days: that would be Python's work,
  not measured here. The segment rows are the batch's, without the ends the shares' own thresholds would add (an
  age, a right's seniority: some 60 % more rows at Nord scale).

    DATABASE_URL=postgres://…/nord .venv/bin/python bench/observatory_one_statement.py [--runs 2]
"""

import argparse
import os
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")

import django  # noqa: E402


django.setup()

from django.db import connection, transaction  # noqa: E402

from jalon.core.periods import add_months  # noqa: E402
from jalon.observatory.engine import Places, computations  # noqa: E402
from jalon.observatory.enums import PeriodKind  # noqa: E402
from jalon.observatory.periods import Period  # noqa: E402
from jalon.observatory.segments import SegmentBatch  # noqa: E402
from jalon.observatory.services import _batch_settings, _evaluation_groups, _group_results  # noqa: E402


DEPARTEMENT = "59"
MONTH_ENDS = [add_months(date(2024, 2, 1), months) - timedelta(days=1) for months in range(36)]
# A date in the compiled SQL (psycopg's client-side binding spells them so).
LITERAL = re.compile(r"('\d{4}-\d{2}-\d{2}'::date|'\d{4}-\d{2}-\d{2} 00:00:00\+00:00'::timestamptz)")
ROW_DAY = 'obs_seg."day"'


def the_day_query(places: Places, batch: SegmentBatch, day: date) -> str:
    """Evaluates the shares of `day` as the engine does (the caller times it) and gives their query, values bound."""
    (group,) = [
        group
        for shares, group in _evaluation_groups(list(computations().values()), True)
        if shares and "B1" in {spec.code for spec in group}
    ]
    executed: list = []

    def keep(execute, sql, params, many, context):
        executed.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        _group_results(True, group, DEPARTEMENT, Period(PeriodKind.MONTH, day.replace(day=1)), places, batch, True)
    sql, params = max(executed, key=lambda query: len(query[0]))
    return connection.ops.compose_sql(sql, params)


def on_the_row_s_day(first: tuple[date, str], second: tuple[date, str]) -> str:
    """The query of `first`'s day with each date derived from the day (the same months before it in both queries,
    or the next day's midnight) written from the segment row's first day instead."""
    (day_a, sql_a), (day_b, sql_b) = first, second
    parts_a, parts_b = LITERAL.split(sql_a), LITERAL.split(sql_b)
    if len(parts_a) != len(parts_b) or parts_a[::2] != parts_b[::2]:
        raise SystemExit("Les deux requêtes ne diffèrent pas que par leurs dates.")
    for index in range(1, len(parts_a), 2):
        literal_a, literal_b = parts_a[index], parts_b[index]
        if literal_a == literal_b:
            continue  # a constant
        if literal_a.endswith("::timestamptz"):
            if literal_a[1:11] != (day_a + timedelta(days=1)).isoformat():
                raise SystemExit(f"Date non reconnue : {literal_a}")
            parts_a[index] = f"(({ROW_DAY} + 1)::timestamp AT TIME ZONE 'UTC')"
            continue
        value_a, value_b = date.fromisoformat(literal_a[1:11]), date.fromisoformat(literal_b[1:11])
        months = [k for k in range(0, 1300) if add_months(day_a, -k) == value_a and add_months(day_b, -k) == value_b]
        if not months:
            raise SystemExit(f"Date non reconnue : {literal_a}")
        parts_a[index] = ROW_DAY if months[0] == 0 else f"({ROW_DAY} - interval '{months[0]} months')::date"
    sql = "".join(parts_a)
    # The row's interval instead of the day's, and the sums by interval as well.
    sql = sql.replace(f'{ROW_DAY} <= {ROW_DAY} AND obs_seg."until" > {ROW_DAY}', "true")
    start = sql.index(' FROM "people_person"')
    sql = sql[:start] + f', {ROW_DAY} AS obs_from, obs_seg."until" AS obs_until' + sql[start:]
    sql = sql.replace("GROUP BY GROUPING SETS (", "GROUP BY obs_from, obs_until, GROUPING SETS (")
    sql = sql.replace(
        'SELECT GROUPING("obs_place") AS obs_by_zone,',
        'SELECT GROUPING("obs_place") AS obs_by_zone, obs_from, obs_until,',
    )
    sql = sql.replace(
        "WHERE obs_by_zone = 1 GROUP BY obs_levels.level,",
        "WHERE obs_by_zone = 1 GROUP BY obs_from, obs_until, obs_levels.level,",
    )
    return sql


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Ce banc demande PostgreSQL (DATABASE_URL=postgres://…).")
    print(f"charge de la machine au départ: {os.getloadavg()[0]:.1f}")
    places = Places.of(DEPARTEMENT)
    SegmentBatch.vacuum()
    with transaction.atomic(), SegmentBatch(DEPARTEMENT) as batch:
        _batch_settings()
        batch.prepare(*MONTH_ENDS)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FILTER (WHERE subject), count(*) FROM observatory_personsegment WHERE batch = %s",
                [batch.id],
            )
            subject_rows, rows = cursor.fetchone()
        print(f"lignes de segments: {rows}, dont {subject_rows} de personnes soumises aux droits et devoirs")
        for _ in range(args.runs):
            queries = {}
            started = time.perf_counter()
            for day in MONTH_ENDS:
                queries[day] = the_day_query(places, batch, day)
            day_by_day = time.perf_counter() - started
            one = on_the_row_s_day(
                (MONTH_ENDS[-2], queries[MONTH_ENDS[-2]]), (MONTH_ENDS[-3], queries[MONTH_ENDS[-3]])
            )
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(one)
                result_rows = len(cursor.fetchall())
                in_one = time.perf_counter() - started
            print(
                f"jour par jour: {day_by_day:.2f} s pour 36 jours ; une instruction: {in_one:.2f} s, "
                f"{result_rows} lignes de résultat ; rapport {in_one / day_by_day:.2f}"
            )
    print(f"charge de la machine à la fin: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
