"""The shares over a base declared `by_intervals` (the persons subject to rights and duties, the persons with a
carnet), for many days of a computation in one statement, instead of one query per day.

Day by day, each month end reads the whole population again (121 000 persons at Nord scale, 36 times for a full
recompute), though only a few thousand change between two month ends. Here each person's segment row is cut into
pieces over which nothing the shares read of the day changes (`segments.PIECES_SQL`); each piece is evaluated once,
on its first day, and its sums count on every day it holds.

To evaluate a piece on its own day, the shares' query is written with the day as a column: it is compiled for each of
the days, and each parameter that differs from day to day must be, on every day, the day itself or the same number
of months before it (`add_months`, which PostgreSQL's `- interval` matches), or the next day's midnight in UTC; it
is then written from the piece's first day. A base may declare more (`Intervals`): the rows its pieces are cut from,
more cuts, a number of days before the day, and the flows to date (each day's month, quarter and year so far, whose
first day is then written from the day). Anything else and the shares are evaluated day by day, as before.
`test_golden` holds the results to each day's own evaluation."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import connections, router
from django.db.models import F, QuerySet
from django.utils import timezone

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
from jalon.observatory.periods import Period, period_of
from jalon.observatory.segments import AGE_BANDS, SEGMENTS, SENIORITY_BANDS, SegmentBatch


@dataclass(frozen=True)
class Intervals:
    """What the shares over a base declared `by_intervals` read of the day, beyond the person's segment row and the
    dates where its pieces end (`segments.PIECES_SQL`: the segment row's own changes, an age or seniority band's
    threshold, a contrat d'engagement's signature). `rows`: the segment rows the base's persons are among (SQL);
    `cuts`: more dates where what its shares read changes (`SegmentBatch.pieces`); `day_offsets`: numbers of days
    before the day its shares compare dates with, which those cuts account for; `flows`: its flows may be evaluated
    to date on every day (from the day's month, quarter or year start), the cuts accounting for each event's day
    and the start of each period after it."""

    rows: str = "subject"
    cuts: str = ""
    day_offsets: frozenset = field(default_factory=frozenset)
    flows: bool = False


# The bases whose shares may be evaluated on many days at once, with what they read of the day.
INTERVAL_BASES: dict = {}
DAY_OF_ROW = f'{SEGMENTS}."day"'
# The months before the day that the pieces' ends account for (`segments.PIECES_SQL`): an age band's or a seniority
# band's threshold, the day itself. A query comparing a date with any other is evaluated day by day.
THRESHOLD_MONTHS = {0} | {12 * years for _, _, years in AGE_BANDS} | {months for _, _, months in SENIORITY_BANDS}
# The periods a flow is evaluated to date on every day, and PostgreSQL's name for them (`date_trunc`).
TO_DATE = {PeriodKind.MONTH: "month", PeriodKind.QUARTER: "quarter", PeriodKind.YEAR: "year"}


def by_intervals(base: Callable[[Scope], QuerySet] | None = None, /, **declared):
    """Declares that a share base's rows, and every stock share over it, read of the day only the person's segment
    row (`SEGMENTS`) and comparisons of the day with dates where the pieces of that row end; with arguments, what
    else they read (`Intervals`). Used as `@by_intervals` or `@by_intervals(cuts=…)`."""

    def declare(base):
        INTERVAL_BASES[base] = Intervals(**declared)
        return base

    return declare if base is None else declare(base)


def on_days(specs: list[Computation]) -> bool:
    """Whether these shares may be evaluated on many days at once: over the same base declared by intervals, stocks,
    or flows if the base declares them."""
    bases = {spec.share.base if spec.share is not None else None for spec in specs}
    intervals = INTERVAL_BASES.get(next(iter(bases))) if len(bases) == 1 else None
    return (
        intervals is not None
        and all(spec.measure == Measure.STOCK or intervals.flows for spec in specs)
        and connections[router.db_for_write(PersonSegment)].vendor == "postgresql"
    )


@dataclass(frozen=True)
class ToDate:
    """A period from its first day to `end`, which may be before its last: a flow's quarter or year so far, on a
    month end (`Scope` reads its `start` and `end`)."""

    kind: str
    start: date
    end: date


class SharesOnDays:
    """The results of shares over a base declared `by_intervals`, on the days of a segment batch (ends of months: a
    stock reads the period's last day only, so a month stands for any period ending on it; a flow is evaluated for
    the day's month, quarter and year to date, which are the quarter and the year on their last day).

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
        intervals = INTERVAL_BASES[self.specs[0].share.base]
        flows = [spec for spec in self.specs if spec.measure == Measure.FLOW]
        compiled = []
        for day in days:
            period = Period(PeriodKind.MONTH, day.replace(day=1))
            if period.end != day:
                return None
            asked = [(period, self.specs)]
            if flows:
                kinds = (PeriodKind.QUARTER, PeriodKind.YEAR)
                asked += [(ToDate(kind, period_of(kind, day).start, day), flows) for kind in kinds]
            rows, measures, column_of = shares_rows(asked, self.departement_id, self.segments, on_days=True)
            rows = rows.annotate(obs_from=F(f"{SEGMENTS}__day"), obs_until=F(f"{SEGMENTS}__until"))
            zoned = ZonedSums(self.places, list(measures), connections[rows.db].ops.quote_name)
            values = rows.values("obs_place", *ROW_SEGMENTS, *zoned.columns, "obs_from", "obs_until")
            compiled.append(values.query.sql_with_params())
        written = written_from_the_row_s_day(days, compiled, intervals)
        if written is None or len(days) < 2:
            return None
        inner, params = written
        table = f'"{PersonSegment._meta.db_table}" {SEGMENTS}'
        if inner.count(f'"{PersonSegment._meta.db_table}"') != 1 or table not in inner:
            return None
        inner = inner.replace(table, f"obs_pieces {SEGMENTS}")
        pieces, pieces_params = self.segments.pieces(days, after, intervals.rows, intervals.cuts)
        sql, outer_params = zoned.statement(inner, days=days)
        positions = {(period.kind, share): position for (period, share), position in column_of.items()}
        return OnDaysStatement(pieces, pieces_params, sql, [*params, *outer_params], positions, zoned, days)

    def results(
        self, written: "OnDaysStatement", emit: Callable[[date, dict[Period, dict[str, Result]]], None]
    ) -> None:
        """Executes a statement of `statement` and calls `emit` with each of its days' results by period (the month
        ending on the day, and the quarter and the year when they do), in the days' order."""

        def results_of_day(day: date, totals: dict) -> None:
            periods = [period_of(kind, day) for kind in TO_DATE if period_of(kind, day).end == day]
            asked = [(period, self.specs) for period in periods]
            column_of = {
                (period, spec.share): written.columns(spec, period) for period in periods for spec in self.specs
            }
            emit(day, share_results(asked, self.departement_id, column_of, totals))

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
    positions: dict  # (period kind, share) -> the positions of its numerator and denominator
    zoned: ZonedSums
    days: list[date]

    def columns(self, spec: Computation, period: Period) -> tuple[int, int]:
        """The positions of a share's numerator and denominator for a period ending on a day: a stock's are the
        month's (the day's), a flow's those of the period's kind to date."""
        kind = period.kind if spec.measure == Measure.FLOW else PeriodKind.MONTH
        return self.positions[(kind, spec.share)]


def written_from_the_row_s_day(
    days: list[date], compiled: list[tuple[str, tuple]], intervals: Intervals = Intervals()
) -> tuple[str, list] | None:
    """One query from the same query compiled for each of `days`: the parameters that are the same on every day
    stay, each other is written from the segment row's day (`day_expression`). None if the queries differ otherwise,
    or a date moves with the day in a way the base's pieces do not account for."""
    if len({sql for sql, _ in compiled}) != 1 or len({len(params) for _, params in compiled}) != 1:
        return None
    sql = compiled[0][0]
    expressions = []
    for values in zip(*[params for _, params in compiled], strict=True):
        if all(value == values[0] for value in values):
            expressions.append(None)
            continue
        expression = day_expression(days, values, intervals)
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


def day_expression(days: list[date], values: tuple, intervals: Intervals = Intervals()) -> str | None:
    """The SQL of a parameter's values on `days` from the segment row's day: a date (`date_expression`), the next
    day's midnight in UTC, or the first or last instant of such a date in the project's time zone (a carnet's
    instants). A piece is evaluated on its first day, always one of `days`: an expression only needs to be right on
    them."""
    if all(isinstance(value, datetime) for value in values):
        midnights = [datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC) for day in days]
        if list(values) == midnights:
            return f"(({DAY_OF_ROW} + 1)::timestamp AT TIME ZONE 'UTC')"
        return _local_instant_expression(days, values, intervals)
    if not all(isinstance(value, date) and not isinstance(value, datetime) for value in values):
        return None
    return date_expression(days, values, intervals)


def date_expression(days: list[date], values, intervals: Intervals = Intervals()) -> str | None:
    """The SQL of dates given on `days` from the segment row's day: the day or the same number of months before it
    on every day (one of `THRESHOLD_MONTHS`), or of days (one of the base's `day_offsets`), or the first day of the
    day's month, quarter or year (a base evaluating its flows to date)."""
    pairs = list(zip(days, values, strict=True))
    months = (days[0].year - values[0].year) * 12 + days[0].month - values[0].month
    if months in THRESHOLD_MONTHS and all(add_months(day, -months) == value for day, value in pairs):
        return DAY_OF_ROW if months == 0 else f"({DAY_OF_ROW} - interval '{months} months')::date"
    offset = (days[0] - values[0]).days
    if offset in intervals.day_offsets and all(day - timedelta(days=offset) == value for day, value in pairs):
        return f"({DAY_OF_ROW} - {offset})"
    for kind, unit in TO_DATE.items() if intervals.flows else ():
        if all(period_of(kind, day).start == value for day, value in pairs):
            return f"date_trunc('{unit}', {DAY_OF_ROW})::date"
    return None


def _local_instant_expression(days: list[date], values: tuple, intervals: Intervals) -> str | None:
    """The first instants (00:00) or the last (23:59:59.999999) of dates in the project's time zone, given on
    `days`, from the segment row's day (the dates by `date_expression`)."""
    if any(value.tzinfo is None for value in values):
        return None
    zone = timezone.get_default_timezone()
    local = [value.astimezone(zone) for value in values]
    for moment in (time.min, time.max):
        if all(value.time() == moment for value in local):
            dates = [value.date() for value in local]
            expression = date_expression(days, dates, intervals)
            if expression is None:
                return None
            # `timestamp AT TIME ZONE` gives the instant of that local time; a day's last is the next one's first
            # instant less a microsecond.
            if moment == time.min:
                return f"(({expression})::timestamp AT TIME ZONE '{zone.key}')"
            return f"((({expression}) + 1)::timestamp AT TIME ZONE '{zone.key}' - interval '1 microsecond')"
    return None
