"""The stock shares over a base declared `by_intervals` (the persons subject to rights and duties), for many days of a
computation in one statement, instead of one query per day.

Day by day, each month end reads the whole population again (121 000 persons at Nord scale, 36 times for a full
recompute), though only a few thousand change between two month ends. Here each person's segment row is cut into
pieces over which nothing the shares read of the day changes (`segments.PIECES_SQL`); each piece is evaluated once,
on its first day, and its sums count on every day it holds.

To evaluate a piece on its own day, the shares' query is written with the day as a column: it is compiled for each of
the days, and each parameter that differs from day to day must be, on every day, the day itself or the same number
of months before it (`add_months`, which PostgreSQL's `- interval` matches), or the next day's midnight in UTC; it
is then written from the piece's first day. Anything else (a period's first day, say) and the shares are evaluated
day by day, as before. `test_golden` holds the results to each day's own evaluation."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import connections, router
from django.db.models import F, QuerySet

from jalon.core.periods import add_months
from jalon.observatory.engine import (
    ROW_SEGMENTS,
    Computation,
    Places,
    Result,
    Scope,
    ZonedSums,
    share_results,
    shares_rows,
)
from jalon.observatory.enums import Measure, PeriodKind
from jalon.observatory.models import PersonSegment
from jalon.observatory.periods import Period
from jalon.observatory.segments import AGE_BANDS, SEGMENTS, SENIORITY_BANDS, SegmentBatch


# The bases whose stock shares may be evaluated on many days at once (`by_intervals`).
INTERVAL_BASES: set = set()
DAY_OF_ROW = f'{SEGMENTS}."day"'
# The months before the day that the pieces' ends account for (`segments.PIECES_SQL`): an age band's or a seniority
# band's threshold, the day itself. A query comparing a date with any other is evaluated day by day.
THRESHOLD_MONTHS = {0} | {12 * years for _, _, years in AGE_BANDS} | {months for _, _, months in SENIORITY_BANDS}


def by_intervals(base: Callable[[Scope], QuerySet]) -> Callable[[Scope], QuerySet]:
    """Declares that a share base's rows, and every stock share over it, read of the day only the person's segment
    row (`SEGMENTS`) and comparisons of the day with dates where the pieces of that row end (`segments.PIECES_SQL`:
    the segment row's own changes, an age or seniority band's threshold, a contrat d'engagement's signature)."""
    INTERVAL_BASES.add(base)
    return base


def on_days(specs: list[Computation]) -> bool:
    """Whether these shares may be evaluated on many days at once: stocks over the same base declared by intervals."""
    bases = {spec.share.base if spec.share is not None else None for spec in specs}
    return (
        len(bases) == 1
        and bases <= INTERVAL_BASES
        and all(spec.measure == Measure.STOCK for spec in specs)
        and connections[router.db_for_write(PersonSegment)].vendor == "postgresql"
    )


class SharesOnDays:
    """The results of stock shares over a base declared `by_intervals`, on the days of a segment batch (ends of
    months: a stock reads the period's last day only, so a month stands for any period ending on it).

    `statement(first, after)` writes the statement of the days from `first` to before `after` (None when its query
    cannot be written with the day as a column: the caller then evaluates the days one by one), and `results`
    executes it and gives each day's results as `evaluate_shares` would."""

    def __init__(self, specs: list[Computation], departement_id: str, days, *, places: Places, segments: SegmentBatch):
        if not on_days(specs):
            raise ValueError("Only stock shares over a base declared by intervals are evaluated on many days at once.")
        self.specs = specs
        self.departement_id = departement_id
        self.days = sorted(days)
        self.places = places
        self.segments = segments

    def statement(self, first: date, after: date | None = None) -> "OnDaysStatement | None":
        days = [day for day in self.days if day >= first and (after is None or day < after)]
        compiled = []
        for day in days:
            period = Period(PeriodKind.MONTH, day.replace(day=1))
            if period.end != day:
                return None
            rows, measures, column_of = shares_rows([(period, self.specs)], self.departement_id, self.segments)
            rows = rows.annotate(obs_from=F(f"{SEGMENTS}__day"), obs_until=F(f"{SEGMENTS}__until"))
            zoned = ZonedSums(self.places, list(measures), connections[rows.db].ops.quote_name)
            values = rows.values("obs_place", *ROW_SEGMENTS, *zoned.columns, "obs_from", "obs_until")
            compiled.append(values.query.sql_with_params())
        written = written_from_the_row_s_day(days, compiled)
        if written is None or len(days) < 2:
            return None
        inner, params = written
        table = f'"{PersonSegment._meta.db_table}" {SEGMENTS}'
        if inner.count(f'"{PersonSegment._meta.db_table}"') != 1 or table not in inner:
            return None
        inner = inner.replace(table, f"obs_pieces {SEGMENTS}")
        pieces, pieces_params = self.segments.pieces(days, after)
        sql, outer_params = zoned.statement(inner, days=days)
        positions = {share: position for (_, share), position in column_of.items()}
        return OnDaysStatement(pieces, pieces_params, sql, [*params, *outer_params], positions, zoned, days)

    def results(self, written: "OnDaysStatement", emit: Callable[[date, dict[str, Result]], None]) -> None:
        """Executes a statement of `statement` and calls `emit` with each of its days' results, in the days' order."""

        def results_of_day(day: date, totals: dict) -> None:
            period = Period(PeriodKind.MONTH, day.replace(day=1))
            column_of = {(period, share): position for share, position in written.positions.items()}
            emit(day, share_results([(period, self.specs)], self.departement_id, column_of, totals)[period])

        self.sums(written, results_of_day)

    def sums(self, written: "OnDaysStatement", emit: Callable[[date, dict], None]) -> None:
        """Executes a statement of `statement` and calls `emit` with each of its days' sums by cell (the sums of the
        columns whose positions `written.positions` gives, as `share_results` reads them), in the days' order, as
        the rows come (a server-side cursor: the days' cells are not all held at once). A day without a row is
        the day before's sums: nothing changed on it. The sums are those of the day only during the call."""
        current: dict = {}  # each cell's sums on the day being read
        pending = iter(written.days)
        day = next(pending)
        zoned = written.zoned
        connection = connections[router.db_for_write(PersonSegment)]
        with connection.cursor() as cursor:
            # The pieces as a table with its statistics: estimated inside the statement, they count for a hundred
            # times more rows than they have, and the grouping that follows is sorted instead of hashed.
            cursor.execute(
                # `PIECES_SQL`, whose values are parameters.
                f"CREATE TEMP TABLE obs_pieces ON COMMIT DROP AS WITH {written.pieces} SELECT * FROM obs_pieces",  # noqa: S608
                written.pieces_params,
            )
            cursor.execute("ANALYZE obs_pieces")
            # A cursor's plan is otherwise made to return its first rows fast (nested loops over the persons).
            cursor.execute("SELECT set_config('cursor_tuple_fraction', '1', %s)", [connection.in_atomic_block])
        with connection.chunked_cursor() as cursor:
            cursor.execute(written.sql, written.params)
            while batch := cursor.fetchmany(5000):
                for number, commune, dimension_index, segment, on_day, *values in batch:
                    while on_day > day:
                        emit(day, current)
                        day = next(pending)
                    key = zoned.key(number, commune, dimension_index, segment)
                    if any(values):
                        current[key] = [value or 0.0 for value in values]
                    else:
                        current.pop(key, None)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE obs_pieces")
        emit(day, current)
        for day in pending:
            emit(day, current)


@dataclass(frozen=True)
class OnDaysStatement:
    """The shares' statement on some days: the pieces' CTEs (made a table first), the statement reading them, and
    where each share's columns and each cell are in its result."""

    pieces: str
    pieces_params: list
    sql: str
    params: list
    positions: dict  # share -> the positions of its numerator and denominator
    zoned: ZonedSums
    days: list[date]


def written_from_the_row_s_day(days: list[date], compiled: list[tuple[str, tuple]]) -> tuple[str, list] | None:
    """One query from the same query compiled for each of `days`: the parameters that are the same on every day
    stay, each other is written from the segment row's day (`day_expression`). None if the queries differ otherwise,
    or a date moves with the day in another way, or by a number of months the pieces do not end at."""
    if len({sql for sql, _ in compiled}) != 1 or len({len(params) for _, params in compiled}) != 1:
        return None
    sql = compiled[0][0]
    expressions = []
    for values in zip(*[params for _, params in compiled], strict=True):
        if all(value == values[0] for value in values):
            expressions.append(None)
            continue
        expression = day_expression(days, values)
        if expression is None:
            return None
        expressions.append(expression)
    # Django's SQL has a `%s` per parameter and `%%` for a percent sign.
    tokens = re.split(r"(%%|%s)", sql)
    placeholder = "%s"
    parameters = iter(zip(expressions, compiled[0][1], strict=True))
    kept, written = [], []
    for token in tokens:
        if token == placeholder:
            expression, value = next(parameters)
            if expression is None:
                kept.append(value)
                written.append(token)
            else:
                written.append(expression)
        else:
            written.append(token)
    return "".join(written), kept


def day_expression(days: list[date], values: tuple) -> str | None:
    """The SQL of a parameter's values on `days` from the segment row's day, if it is the day or the same number of
    months before it on every day (one of `THRESHOLD_MONTHS`), or the next day's midnight in UTC."""
    if all(isinstance(value, datetime) for value in values):
        midnights = [datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC) for day in days]
        if list(values) == midnights:
            return f"(({DAY_OF_ROW} + 1)::timestamp AT TIME ZONE 'UTC')"
        return None
    if not all(isinstance(value, date) and not isinstance(value, datetime) for value in values):
        return None
    months = (days[0].year - values[0].year) * 12 + days[0].month - values[0].month
    if months not in THRESHOLD_MONTHS or any(
        add_months(day, -months) != value for day, value in zip(days, values, strict=True)
    ):
        return None
    return DAY_OF_ROW if months == 0 else f"({DAY_OF_ROW} - interval '{months} months')::date"
