"""Writes of the observatory: loading the catalogue, computing and storing the indicators' values."""

import json
import threading
from collections import defaultdict
from concurrent.futures import Future
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from jalon.core.bulk import bulk_insert_rows, statistics_refresh
from jalon.observatory import engine
from jalon.observatory.engine import (
    Computation,
    Places,
    computations,
    evaluate,
    evaluate_shares,
    evaluate_shares_over,
    share_cells,
    value_of,
)
from jalon.observatory.enums import Dimension, Measure, PeriodKind, Source, TerritoryLevel, Unit
from jalon.observatory.models import ComputedPeriod, Indicator, IndicatorValue, SnapshotRun
from jalon.observatory.partitions import PartitionBuild, partition_ensure
from jalon.observatory.periods import Period, period_of, periods_between
from jalon.observatory.routers import primary
from jalon.observatory.segments import SegmentBatch
from jalon.observatory.shares_on_days import SharesOnDays, on_days
from jalon.observatory.workers import Inline, Workers


CATALOGUE = Path(__file__).with_name("catalogue.json")


@transaction.atomic
def catalogue_load() -> int:
    """Creates or updates every catalogue entry; a computed indicator takes its definition from its query, so the
    catalogue never says something else than what is computed."""
    registry = computations()
    entries = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    for entry in entries:
        spec: Computation | None = registry.get(entry["code"])
        fields = {key: entry[key] for key in ("seed", "reference", "wording", "note", "seed_status", "needs")}
        fields["position"] = entry["position"]
        fields["source"] = Source.COMPUTED if spec else entry["source"]
        if not spec:
            # An entered indicator's unit bounds what may be entered (a rate 0–100 %); a count by default.
            fields["unit"] = entry.get("unit", Unit.COUNT)
        if spec:
            fields.update(
                population=spec.population,
                numerator=spec.numerator,
                denominator=spec.denominator,
                measure=spec.measure,
                unit=spec.unit,
                dimensions=list(spec.dimensions),
                bound_to_100=spec.bound_to_100,
            )
        Indicator.objects.update_or_create(code=entry["code"], defaults=fields)
    missing = set(registry) - {entry["code"] for entry in entries}
    if missing:
        raise ValueError(f"Computed indicators missing from the catalogue: {sorted(missing)}")
    return len(entries)


def _evaluation_groups(specs: list[Computation], segmented: bool) -> list[tuple[bool, list[Computation]]]:
    """How `specs` are evaluated: the shares over the same base together (one query, PostgreSQL, with the day's
    segment batch), the codes of one definition once, every other computation alone. Each group is
    (together, specs)."""
    together = segmented and engine.GROUPING_SETS and connection.vendor == "postgresql"
    groups: dict = {}
    for spec in specs:
        if together and spec.share is not None:
            groups.setdefault((True, spec.share.base), []).append(spec)
        else:
            groups.setdefault((False, spec.evaluated_as), []).append(spec)
    return [(shares, group) for (shares, _), group in groups.items()]


def _group_results(shares: bool, group, departement_id: str, period: Period, places, segments, segmented) -> dict:
    """The group's results as a computation stores them: a commune's whole cell, not its segments (`_value_rows`)."""
    if shares:
        return evaluate_shares(group, departement_id, period, places=places, segments=segments, commune_segments=False)
    result = evaluate(
        group[0],
        departement_id,
        period,
        places=places,
        segmented=segmented,
        segments=segments,
        commune_segments=False,
    )
    return {spec.code: result for spec in group}


def period_results(
    specs: list[Computation], departement_id: str, period: Period, *, places, segments, segmented: bool = True
) -> dict:
    """The results of `specs` for a period, with the day's segment batch: the shares over the same base together
    (`evaluate_shares`, PostgreSQL), a definition registered under several codes once, every other computation
    alone."""
    results = {}
    for shares, group in _evaluation_groups(specs, segmented):
        results |= _group_results(shares, group, departement_id, period, places, segments, segmented)
    return results


def _value_rows(indicator: Indicator, spec: Computation, period: Period, result) -> list[tuple]:
    """The values of a result as stored, in `STAGED` order (the Département and the run are the computation's)."""
    counted = spec.unit in (Unit.COUNT, Unit.HOURS)
    return [
        (
            indicator.pk,
            level,
            code,
            period.kind,
            period.start,
            dimension,
            segment,
            cell.numerator,
            None if counted else cell.denominator,
            value_of(spec.unit, cell.numerator, cell.denominator),
        )
        for (level, code, dimension, segment), cell in result.items()
        # A commune is stored whole, never by segment: its segments are tiny (secret under statistical secrecy)
        # and would multiply the rows by forty; segments are read from the EPCI up.
        if not (dimension and level == TerritoryLevel.COMMUNE)
    ]


# COPY's text format: a field's tab, newline, carriage return and backslash escaped, NULL as \N.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_NULL = "\\N"


class _ValueRows:
    """A period's value rows as a computation writes them (those of `_value_rows`). On PostgreSQL, the lines of a
    COPY in `COPIED` order, after `prefix` (fields common to all, tab-separated), made as each result comes: a
    row's key is spelled once per computation (`key_texts`: the same territories and segments recur in every
    indicator and period), numbers as Python spells them (`str`), which PostgreSQL reads back exactly. Elsewhere,
    `_value_rows`' tuples. Made in one thread at a time."""

    def __init__(self, key_texts: dict | None, prefix: str = ""):
        self.key_texts = key_texts
        self.prefix = prefix
        self.lines: list[str] = []
        self.tuples: list[tuple] = []
        self.count = 0

    def add(self, indicator: Indicator, spec: Computation, period: Period, result) -> None:
        if self.key_texts is None:
            rows = _value_rows(indicator, spec, period, result)
            self.tuples += rows
            self.count += len(rows)
            return
        self._add_lines(
            indicator, spec, period, ((key, cell.numerator, cell.denominator) for key, cell in result.items())
        )

    def add_sums(
        self, indicator: Indicator, spec: Computation, period: Period, totals: dict, columns, everyone
    ) -> None:
        """`add` of a share's result (`engine.share_results`) read straight from the sums of its base's columns by
        cell (`columns`: the positions of its numerator and denominator), without making its cells: the shares on
        many days (PostgreSQL) give some ten thousand cells a day for each share."""
        self._add_lines(indicator, spec, period, share_cells(totals, columns, spec.share.counted, everyone))

    def _add_lines(self, indicator: Indicator, spec: Computation, period: Period, cells) -> None:
        head = f"{self.prefix}{indicator.pk}\t{period.kind}\t{period.start}\t"
        key_texts, null, commune = self.key_texts, _COPY_NULL, TerritoryLevel.COMMUNE
        counted = spec.unit in (Unit.COUNT, Unit.HOURS)
        lines = self.lines
        added = len(lines)
        for key, numerator, denominator in cells:
            if key[2] and key[0] == commune:  # a commune is stored whole (`_value_rows`)
                continue
            text = key_texts.get(key)
            if text is None:
                level, code, dimension, segment = key
                code, segment = str(code).translate(_COPY_ESCAPES), str(segment).translate(_COPY_ESCAPES)
                text = key_texts[key] = f"{level}\t{code}\t{dimension}\t{segment}\t"
            if counted:
                lines.append(f"{head}{text}{numerator}\t{null}\t{numerator}\n")
            elif denominator:
                lines.append(f"{head}{text}{numerator}\t{denominator}\t{numerator / denominator}\n")
            else:
                lines.append(f"{head}{text}{numerator}\t{null if denominator is None else denominator}\t{null}\n")
        self.count += len(lines) - added

    def text(self) -> str:
        return "".join(self.lines)


def _clear(indicators, departement_id: str, period: Period) -> None:
    """Idempotent: the period's values of these indicators are replaced as a whole (cleared, then every new row
    inserted in the same transaction), so a recomputation never leaves a stale segment."""
    IndicatorValue.objects.filter(
        indicator__in=indicators, departement_id=departement_id, period_kind=period.kind, period_start=period.start
    ).delete()


def periods_to_compute(*, first_day: date, today: date, full: bool) -> list[Period]:
    """Every month, quarter and year since `first_day` (a full recompute), or only those that contain the last
    35 days (the daily refresh: late data of the previous month still lands in it)."""
    start = first_day if full else today - timezone.timedelta(days=35)
    periods: list[Period] = []
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        periods += [period for period in periods_between(kind, start, today)]
    return periods


# A computation is a batch, not a request; these hold for its transaction only (`set_config(…, true)`, SET LOCAL):
# - the web's 30-second guard rail (settings, `statement_timeout`) would cancel a large Département's stock indicators;
# - JIT compiles each of the hundreds of indicator queries anew, at a cost (0.15–0.2 s each at Nord scale) that their
#   runs never pay back;
# - the segments' GROUPING SETS hash or sort a row per person: with the default 4 MB they spill to disk, and with
#   64 MB PostgreSQL still sorts the rows once per dimension for the shares' many sums (hashing every set takes
#   some 20 MB at Nord scale, and is a fifth faster);
# - a partition built anew (a full recompute) sorts three million values per index;
# - no parallel workers within a query: a computation keeps both cores busy with its own connections (`WORKERS`), and
#   starting them and sharing the rows out cost more than they win back (a full recompute at Nord scale, in turns: 75.3
#   and 70.8 s with them, 63.7 and 59.6 s without). An index build keeps its own (`max_parallel_maintenance_workers`);
# - a random page read costs about as much as a sequential one: the computation reads the same tables over and over,
#   and they stay in memory. With the default, four times more, a query over a few thousand rows (the contracts in
#   force) hashed the day's whole segment batch (200 000 rows at Nord scale) instead of probing its index for each
#   (a full recompute at Nord scale, in turns four times: 55.2–61.1 s against 57.7–67.7 s).
BATCH_SETTINGS = {
    "statement_timeout": "0",
    "jit": "off",
    "work_mem": "256MB",
    "maintenance_work_mem": "256MB",
    "max_parallel_workers_per_gather": "0",
    "random_page_cost": "1.1",
}


def _batch_settings() -> None:
    """`BATCH_SETTINGS` for the current transaction, in one round trip (each of the computation's tasks sets them)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(BATCH_SETTINGS)),
                [item for setting in BATCH_SETTINGS.items() for item in setting],
            )


def snapshot_compute(
    *,
    departement_id: str,
    today: date | None = None,
    full: bool = False,
    first_day: date | None = None,
    codes=None,
    segmented_from: date | None = None,
) -> SnapshotRun:
    """Computes and stores the values of the computed indicators for a Département. Periods that end before
    `segmented_from` are stored without their segments (the demo's history, which only draws trends)."""
    with primary():  # a write: everything it reads is the primary's, even from a screen reading on the replica
        return _snapshot_compute(departement_id, today, full, first_day, codes, segmented_from)


def _snapshot_compute(departement_id, today, full, first_day, codes, segmented_from) -> SnapshotRun:
    today = today or timezone.localdate()
    first_day = first_day or period_of(PeriodKind.YEAR, today).start.replace(year=today.year - 2)
    run = SnapshotRun.objects.create(departement_id=departement_id, started_at=timezone.now(), as_of=today, full=full)
    registry = computations()
    indicators = list(Indicator.objects.filter(code__in=codes or list(registry)))
    by_day = defaultdict(list)  # a month, its quarter and its year may end on the same day: one segment batch
    for period in periods_to_compute(first_day=first_day, today=today, full=full):
        by_day[period.end].append(period)
    computing = _Computing(departement_id, Places.of(departement_id), run, indicators, segmented_from)
    if connection.vendor == "postgresql":
        with transaction.atomic():
            _batch_settings()
            partition_ensure(departement_id)
        if full and codes is None:
            # Every indicator recomputed over years: the Département's partition is built anew (decision 0050).
            computing.build = PartitionBuild(departement_id, run.pk, [indicator.pk for indicator in indicators])
            with transaction.atomic():
                _batch_settings()
                computing.build.create([period for periods in by_day.values() for period in periods])
    # The dead rows left in the segments' table since the last computation (a screen's live evaluation, a failed
    # computation) would slow this one's first batches: cleaned first (a few milliseconds when there are none).
    SegmentBatch.vacuum()
    try:
        if WORKERS > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
            computing.days_on_workers(by_day)
        else:
            computing.days_inline(by_day)
        if computing.build:
            computing.swap()
    except BaseException:
        if computing.build and not connection.in_atomic_block:  # in a caller's transaction, its rollback drops it
            computing.build.discard()
        raise
    SegmentBatch.vacuum()
    # The figures pages read these values right after the nightly run: fresh statistics after a first computation or
    # a recomputation; a day's changes (a few per cent of the values) leave them as they were. A built partition was
    # analysed before it was swapped in.
    if not computing.build:
        statistics_refresh(IndicatorValue, rows=computing.changed, table_share=0.1)
    run.values_written = computing.written
    run.values_changed = computing.changed
    run.finished_at = timezone.now()
    run.save(update_fields=["values_written", "values_changed", "finished_at"])
    return run


# Connections a computation evaluates on (threads): the server's two cores. A computation called inside a
# transaction stays on its caller's connection (other connections would not see what that transaction wrote).
WORKERS = 2
# From how many days the shares over a base declared by intervals are evaluated on all the days at once
# (`shares_on_days`) rather than day by day, and the fewest days of each run: a run pays once the pieces' making
# (about a second at Nord scale), which the daily refresh's two days did not win back (8.9–10.1 s against 8.8–9.1 s).
ON_DAYS_FROM = 6


def _execute(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def _after(futures: list[Future], then) -> None:
    """Runs `then` once the tasks of `futures` are done (a failure of one is raised again)."""
    for future in futures:
        future.result()
    then()


@dataclass
class _Day:
    """The work of one day: the evaluations submitted for its periods, and which period's evaluation gives each stock
    (the month, the quarter and the year that end on the day share it). The segment batch is the computation's, for
    all its days."""

    day: date
    periods: list[Period]
    segments: SegmentBatch
    built: Future  # the batch, committed
    evaluations: list = field(default_factory=list)  # (period, future of {code: result})
    stocks: dict = field(default_factory=dict)  # (code, segmented) -> the period evaluated for it


@dataclass
class _OnDay:
    """A day's share of an evaluation on many days (`_Computing.evaluate_on_days`), as a day's evaluation: its
    value rows by period, taken once (nothing when they were copied into a partition built anew)."""

    task: Future
    day: date

    def result(self) -> dict:
        return self.task.result().pop(self.day, {})


@dataclass
class _Computing:
    departement_id: str
    places: Places
    run: SnapshotRun
    indicators: list[Indicator]
    segmented_from: date | None
    written: int = 0  # the values computed for the periods
    changed: int = 0  # of which new, changed or gone: the rows actually written (all of them into a built partition)
    build: PartitionBuild | None = None  # the Département's partition built anew (a full recompute, PostgreSQL)
    built_periods: list = field(default_factory=list)  # the periods written into it, recorded once it is swapped in
    # The shares evaluated on all the days at once (`shares_on_days`): (day, base) -> the evaluation giving the
    # day's value rows by period, and the codes it gives.
    on_days: dict = field(default_factory=dict)
    on_days_codes: set = field(default_factory=set)
    counting: threading.Lock = field(default_factory=threading.Lock)  # the counts, added to from the workers too
    key_texts: dict = field(default_factory=dict)  # each value key as a COPY line spells it (`_ValueRows`)

    @property
    def prefix(self) -> str:
        """The Département and the run, as the first two fields of a value's COPY line."""
        return f"{self.departement_id}\t{self.run.pk}\t"

    def segmented(self, period: Period) -> bool:
        return self.segmented_from is None or period.end >= self.segmented_from

    def days_inline(self, by_day: dict) -> None:
        """Day after day on this connection: the day's indicators evaluated, joining the segments, then its values
        written in one transaction, so that a failure leaves no half-replaced values. PostgreSQL computes the
        segments of all the days first (intervals), SQLite those of each day before it. Each write is its own short
        transaction: SQLite has one write lock, which a transaction holds from its start, and the demo's screens
        would otherwise wait for a whole day's evaluation (more than the 20 s they wait, while the demo computes its
        history in the background). The segments are deleted at the end, or after a failure."""
        segments = SegmentBatch(self.departement_id)
        try:
            if connection.vendor == "postgresql":
                with transaction.atomic():
                    _batch_settings()
                    segments.prepare(*by_day)
                with transaction.atomic():
                    _batch_settings()
                    self.submit_on_days(Inline(), Inline().submit(segments.prepare), segments, by_day, parts=1)
            for day in sorted(by_day):
                with transaction.atomic():
                    _batch_settings()
                    work = _Day(day, by_day[day], segments, Inline().submit(segments.prepare, day))
                # SQLite reads without a transaction, which would take the write lock (`transaction_mode`).
                with transaction.atomic() if connection.vendor == "postgresql" else nullcontext():
                    _batch_settings()
                    self.evaluate(Inline(), work)
                with transaction.atomic():
                    _batch_settings()
                    self.write(work)
            if self.build:
                with transaction.atomic():
                    _batch_settings()
                    self.index(Inline())
        finally:
            segments.discard()

    def days_on_workers(self, by_day: dict) -> None:
        """The same on `WORKERS` connections: the segments of all the days are computed in parts, one on each (then
        all read them), each day's evaluations are shared among them, and its values are replaced in one transaction
        once all are in, so a failure still leaves no half-replaced day. A day is written while the next is evaluated.
        The segments are deleted at the end, or after a failure.

        The days that end most periods come first (a 31 December ends a month, a quarter and a year): the last day's
        write waits for no evaluation, so it is better the smallest (the daily refresh's 30 November, not its
        31 December)."""
        days = sorted(by_day, key=lambda day: (-len(by_day[day]), day))
        if not days:
            return
        pool = Workers(WORKERS, _batch_settings)
        segments = SegmentBatch(self.departement_id)
        try:
            # The segments in as many parts as workers, each committed by one; then analysed, once all are in.
            claimed = segments.claim(*days)
            parts = [pool.submit(segments.compute, claimed, part, WORKERS) for part in range(WORKERS)]
            built = pool.submit(_after, parts, SegmentBatch.analyze)
            # Each worker first evaluates the shares on all the days of its part, the first days on the first one.
            self.submit_on_days(pool, built, segments, by_day, parts=WORKERS)
            works = [_Day(day, by_day[day], segments, built) for day in days]
            for index, work in enumerate(works):
                self.evaluate(pool, work)
                if index > 0:
                    self.write(works[index - 1])
            self.write(works[-1])
            if self.build:
                self.index(pool)
        finally:
            pool.close()  # after a failure: what is left is cancelled before the segments are deleted
            segments.discard()

    def evaluate(self, pool, work: _Day) -> None:
        """Submits the evaluations of the day's periods. A stock is measured on the period's last day, so it is
        evaluated once for the periods that end on the day (`test_stocks_depend_on_the_last_day_only` holds every
        stock to it). The shares over a base that reads only the last day (the persons with a carnet) are evaluated
        for all the day's periods in one query (`evaluate_shares_over`): the carnet's appointments of December, of
        the fourth quarter and of the year from one pass over the persons."""
        registry = computations()
        specs = [registry[indicator.code] for indicator in self.indicators]
        tasks: list = []  # (shares, [(period, group)], segmented), in the order they are submitted
        together: dict = {}  # (base, segmented) -> the task of the day's shares over that base
        for period in work.periods:
            segmented = self.segmented(period)
            todo = [spec for spec in specs if (spec.code, segmented) not in work.stocks]
            work.stocks |= {(spec.code, segmented): period for spec in todo if spec.measure == Measure.STOCK}
            # The shares first: the longest queries, so that the workers end together.
            for shares, group in sorted(_evaluation_groups(todo, segmented), key=lambda group: not group[0]):
                if shares and segmented and (work.day, group[0].share.base) in self.on_days:
                    work.evaluations.append((period, self.on_days[(work.day, group[0].share.base)]))
                    group = [spec for spec in group if spec.code not in self.on_days_codes]
                    if not group:
                        continue
                key = (group[0].share.base, segmented) if shares else None
                if key in together and self._same_rows(work, key[0], [together[key][1][0][0], period]):
                    together[key][1].append((period, group))
                    continue
                tasks.append((shares, [(period, group)], segmented))
                if shares:
                    together[key] = tasks[-1]
        for shares, asked, segmented in tasks:
            evaluation = pool.submit(self.evaluate_after, work.built, shares, asked, work, segmented)
            work.evaluations.append((asked[0][0], evaluation))

    def submit_on_days(self, pool, built: Future, segments: SegmentBatch, by_day: dict, parts: int) -> None:
        """Submits the evaluation of the shares over each base declared by intervals on all the segmented days
        at once (`shares_on_days`), in `parts` runs of consecutive days, each a task (the workers' first). Into a
        partition built anew, each task copies its values itself; otherwise each day's write takes them
        (`_OnDay`). A base whose query cannot be written with the day as a column stays evaluated day by day."""
        days = sorted(day for day in by_day if self.segmented_from is None or day >= self.segmented_from)
        if len(days) < ON_DAYS_FROM:
            return
        registry = computations()
        by_base: dict = defaultdict(list)
        for indicator in self.indicators:
            spec = registry[indicator.code]
            if spec.share is not None and on_days([spec]):
                by_base[spec.share.base].append(spec)
        parts = max(1, min(parts, len(days) // ON_DAYS_FROM))
        size = -(-len(days) // parts)
        runs = [days[start : start + size] for start in range(0, len(days), size)]
        for base, specs in by_base.items():
            evaluation = SharesOnDays(specs, self.departement_id, days, places=self.places, segments=segments)
            statements = [
                evaluation.statement(run[0], runs[index + 1][0] if index + 1 < len(runs) else None)
                for index, run in enumerate(runs)
            ]
            if None in statements:
                continue
            for run, statement in zip(runs, statements, strict=True):
                task = pool.submit(self.evaluate_on_days, built, evaluation, statement, by_day)
                self.on_days |= {(day, base): _OnDay(task, day) for day in run}
            self.on_days_codes |= {spec.code for spec in specs}

    def evaluate_on_days(self, built: Future, evaluation: SharesOnDays, statement, by_day: dict) -> dict:
        """The value rows of the shares on the statement's days, by day and period (every period ending on a day: a
        stock's is the day's, a flow's the period's to date), or copied into the partition built anew."""
        built.result()
        by_code = {indicator.code: indicator for indicator in self.indicators}
        by_day_rows: dict = {}
        everyone = (TerritoryLevel.DEPARTEMENT, self.departement_id, Dimension.ALL, "")

        def keep(day: date, totals: dict) -> None:
            rows = {period: self.value_rows() for period in by_day[day]}
            for period, period_rows in rows.items():
                for spec in evaluation.specs:
                    columns = statement.columns(spec, period)
                    period_rows.add_sums(by_code[spec.code], spec, period, totals, columns, everyone)
            if not self.build:
                by_day_rows[day] = rows
                return
            for period_rows in rows.values():
                self.copy_built(period_rows)

        evaluation.sums(statement, keep)
        return by_day_rows

    def value_rows(self) -> _ValueRows:
        """A period's value rows to fill: COPY lines on PostgreSQL, with the Département and the run first when they
        go into a partition built anew (a staging table has neither)."""
        if connection.vendor != "postgresql":
            return _ValueRows(None)
        return _ValueRows(self.key_texts, self.prefix if self.build else "")

    def copy_built(self, rows: _ValueRows) -> None:
        self.build.copy(("departement_id", "run_id", *COPIED), rows.text())
        self.count(rows.count, rows.count)

    def count(self, written: int, changed: int) -> None:
        with self.counting:
            self.written += written
            self.changed += changed

    def _same_rows(self, work: _Day, base, periods: list[Period]) -> bool:
        scopes = [engine.Scope(self.departement_id, period, work.segments) for period in periods]
        return engine.base_reads_the_last_day_only(base, scopes)

    def evaluate_after(self, built, shares, asked: list, work: _Day, segmented: bool) -> dict:
        """The value rows of the asked groups' indicators, by period: made where the result is computed (a worker),
        so that only the rows, far fewer than a result's cells (a commune is stored whole), wait for the day's
        write."""
        built.result()  # the segments, committed by the task submitted first (or a failure, raised again)
        if len(asked) > 1:
            by_period = evaluate_shares_over(
                asked, self.departement_id, places=self.places, segments=work.segments, commune_segments=False
            )
        else:
            ((period, group),) = asked
            by_period = {
                period: _group_results(
                    shares, group, self.departement_id, period, self.places, work.segments, segmented
                )
            }
        by_code = {indicator.code: indicator for indicator in self.indicators}
        registry = computations()
        rows: dict = defaultdict(self.value_rows)
        for period, results in by_period.items():
            for code, result in results.items():
                into = [period]
                if work.stocks.get((code, segmented)) == period:
                    # A stock's result is also that of the day's other periods with the same segmentation.
                    into += [other for other in work.periods if other != period and self.segmented(other) == segmented]
                for other in into:
                    rows[other].add(by_code[code], registry[code], other, result)
        return rows

    def write(self, work: _Day) -> None:
        """Stores the values of the day's periods in one transaction, committed once all are in, and records this
        computation as the last of these periods (`ComputedPeriod`). A failed evaluation rolls the whole day back.

        On PostgreSQL each evaluation's rows are copied into a staging table as soon as it is done, while the
        workers compute the next ones; then one comparison with the stored values of the periods writes only what
        differs: new rows, changed values, rows no longer computed. Inserting every row again (eight indexes and
        three key checks a row) cost more than all the day's evaluations together. Elsewhere the periods are
        cleared and every row inserted. Into a partition built anew (`PartitionBuild`), the rows are copied as they
        are, and the periods recorded once it is swapped in."""
        if self.build:
            with transaction.atomic():
                _batch_settings()
                for _, evaluation in work.evaluations:
                    for period_rows in evaluation.result().values():
                        self.copy_built(period_rows)
            self.built_periods += work.periods
            return
        own_transaction = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql":
                self._merge(work, own_transaction)
            else:
                for period in work.periods:
                    _clear(self.indicators, self.departement_id, period)
                for _, evaluation in work.evaluations:
                    for period_rows in evaluation.result().values():
                        bulk_insert_rows(
                            IndicatorValue,
                            [
                                dict(
                                    zip(STAGED, row, strict=True),
                                    departement_id=self.departement_id,
                                    run_id=self.run.pk,
                                )
                                for row in period_rows.tuples
                            ],
                        )
                        self.count(period_rows.count, period_rows.count)
            self.computed(work.periods)

    def computed(self, periods: list[Period]) -> None:
        """Records this computation as the last of the periods (`ComputedPeriod`), with their values."""
        ComputedPeriod.objects.bulk_create(
            [
                ComputedPeriod(
                    indicator=indicator,
                    departement_id=self.departement_id,
                    period_kind=period.kind,
                    period_start=period.start,
                    run=self.run,
                )
                for indicator in self.indicators
                for period in periods
            ],
            update_conflicts=True,
            unique_fields=["indicator", "departement", "period_kind", "period_start"],
            update_fields=["run"],
        )

    def index(self, pool) -> None:
        """The built partition's indexes, built on the pool's connections at once."""
        for built in [pool.submit(_execute, statement) for statement in self.build.index_statements()]:
            built.result()

    def swap(self) -> None:
        """The built partition, indexed, swapped in with the record of its periods, in one transaction."""
        with transaction.atomic():
            _batch_settings()
            self.build.constrain()
            self.build.swap()
            self.computed(self.built_periods)

    def _merge(self, work: _Day, own_transaction: bool) -> None:
        with connection.cursor() as cursor:
            if own_transaction:
                # The inserted rows' foreign keys are checked now, not at the commit that the computation then waits
                # for. Only in its own transaction: a caller's would have its deferred checks changed.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(STAGING_CREATE)
            for _, evaluation in work.evaluations:
                for period_rows in evaluation.result().values():
                    with cursor.cursor.copy(f"COPY obs_staging ({', '.join(COPIED)}) FROM STDIN") as copy:
                        copy.write(period_rows.text())
                    self.count(period_rows.count, 0)
            # No ANALYZE of the staged rows: a FULL JOIN is hashed or merged whatever their estimate.
            periods = " OR ".join(["(period_kind = %s AND period_start = %s)"] * len(work.periods))
            cursor.execute(
                MERGE_DIFF.format(periods=periods),
                [
                    self.departement_id,
                    [indicator.pk for indicator in self.indicators],
                    *[value for period in work.periods for value in (period.kind, period.start)],
                ],
            )
            cursor.execute("SELECT count(*) FROM obs_diff")
            self.count(0, cursor.fetchone()[0])
            for statement in MERGE_WRITES:
                params = {"run": self.run.pk, "departement": self.departement_id}
                cursor.execute(statement, params if "%(" in statement else None)
            cursor.execute("DROP TABLE obs_staging, obs_diff")


# A value's key within a Département, and what a computation stages of each value row (`_value_rows`).
VALUE_KEY = (
    "indicator_id",
    "territory_level",
    "territory_code",
    "period_kind",
    "period_start",
    "dimension",
    "segment",
)
STAGED = (*VALUE_KEY, "numerator", "denominator", "value")
# The same fields as a computation's COPY lines give them (`_ValueRows`): the indicator and the period, common to a
# result's rows, first.
_COMMON_TO_A_RESULT = ("indicator_id", "period_kind", "period_start")
COPIED = (*_COMMON_TO_A_RESULT, *[column for column in STAGED if column not in _COMMON_TO_A_RESULT])
STAGING_CREATE = """
CREATE TEMP TABLE obs_staging (
    indicator_id bigint, territory_level varchar(12), territory_code varchar(20), period_kind varchar(10),
    period_start date, dimension varchar(20), segment varchar(120),
    numerator double precision, denominator double precision, value double precision
) ON COMMIT DROP
"""
# The staged rows against the stored values of the same periods and indicators: each row new (no `old_id`), gone (no
# staged key) or changed; the rows whose numerator, denominator and value are the same are left out. Built from the
# column names above; the values stay parameters.
MERGE_DIFF = (
    "CREATE TEMP TABLE obs_diff ON COMMIT DROP AS "  # noqa: S608
    "SELECT stored.id AS old_id, staged.* FROM obs_staging staged FULL JOIN ("
    "    SELECT id, " + ", ".join(STAGED) + " FROM observatory_indicatorvalue"
    "    WHERE departement_id = %s AND indicator_id = ANY(%s) AND ({periods})"
    ") stored ON " + " AND ".join(f"stored.{column} = staged.{column}" for column in VALUE_KEY) + " "
    "WHERE stored.id IS NULL OR staged.indicator_id IS NULL"
    " OR stored.numerator IS DISTINCT FROM staged.numerator"
    " OR stored.denominator IS DISTINCT FROM staged.denominator"
    " OR stored.value IS DISTINCT FROM staged.value"
)
# The Département named in each, so that PostgreSQL reads its partition only (decision 0050).
MERGE_WRITES = (
    "DELETE FROM observatory_indicatorvalue stored USING obs_diff WHERE stored.departement_id = %(departement)s "
    "AND obs_diff.indicator_id IS NULL AND stored.id = obs_diff.old_id",
    "UPDATE observatory_indicatorvalue stored SET numerator = obs_diff.numerator, "
    "denominator = obs_diff.denominator, value = obs_diff.value, run_id = %(run)s FROM obs_diff "
    "WHERE stored.departement_id = %(departement)s "
    "AND obs_diff.old_id IS NOT NULL AND obs_diff.indicator_id IS NOT NULL AND stored.id = obs_diff.old_id",
    "INSERT INTO observatory_indicatorvalue (departement_id, run_id, " + ", ".join(STAGED) + ") "  # noqa: S608
    "SELECT %(departement)s, %(run)s, " + ", ".join(STAGED) + " FROM obs_diff WHERE obs_diff.old_id IS NULL",
)


def observatory_daily(*, today: date) -> list[SnapshotRun]:
    """The nightly refresh: the periods of the last 35 days, for every Département that has people; then the
    reminders of the entered indicators whose deadline is near or past."""
    from jalon.people.models import Person

    catalogue_load()
    from jalon.observatory.entered.services import entered_reminders_send

    departements = Person.objects.order_by().values_list("departement_id", flat=True).distinct()
    runs = [snapshot_compute(departement_id=code, today=today) for code in sorted(departements)]
    entered_reminders_send(today=today)
    return runs


def indicator_target_set(*, actor, indicator, departement_id: str, year: int, territory, value: float):
    """Sets (or replaces) the target of an indicator for a year, for the whole Département or one territory. Only
    the Département's programme pilot sets targets; `value` is in the unit of the indicator's values."""
    from jalon.core.enums import AuditCode, Role
    from jalon.core.scoping import ensure_departement_staff
    from jalon.core.services import audit_event_record
    from jalon.observatory.models import IndicatorTarget

    ensure_departement_staff(actor, Role.PROGRAMME_PILOT)
    if territory is not None and territory.departement_id != departement_id:
        raise ValueError("Ce territoire n'appartient pas au Département.")
    with transaction.atomic():
        target = IndicatorTarget.objects.filter(
            indicator=indicator, departement_id=departement_id, year=year, territory=territory
        ).first()
        old = {"value": target.value} if target else None
        if target is None:
            target = IndicatorTarget(
                indicator=indicator, departement_id=departement_id, year=year, territory=territory
            )
        target.value = value
        target.set_by = actor.user
        target.save()
        audit_event_record(
            code=AuditCode.OBSERVATORY_TARGET_SET,
            actor=actor.user,
            organisation=actor.organisation,
            subject=target,
            old=old,
            new={"indicator": indicator.code, "year": year, "territory": territory, "value": value},
        )
    return target


def indicator_target_seed(*, indicator, departement_id: str, year: int, written_value: float, written_unit: str):
    """A target the plan's document writes, loaded with the plan; a target already set by the pilot stays. A rate
    written in % is stored as a share of 1, like the indicator's values. Returns the target, or None when the
    written unit does not match the indicator's (the plan's wording stays with the fiche)."""
    from jalon.observatory.enums import Unit
    from jalon.observatory.models import IndicatorTarget

    if indicator.unit == Unit.RATE:
        if written_unit.strip() != "%":
            return None
        written_value = written_value / 100
    elif written_unit.strip() == "%":
        return None
    target, _ = IndicatorTarget.objects.get_or_create(
        indicator=indicator,
        departement_id=departement_id,
        year=year,
        territory=None,
        defaults={"value": written_value},
    )
    return target
