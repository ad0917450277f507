"""Stored snapshots: the values the screens read are the engine's, a recomputation replaces a period as a whole,
and the nightly command refreshes the periods of the last 35 days."""

import datetime
from collections import defaultdict

import pytest
from django.core.management import call_command

from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel, Unit
from jalon.observatory.models import IndicatorValue
from jalon.observatory.periods import Period
from jalon.observatory.services import catalogue_load, snapshot_compute
from tests.observatory.test_golden import world  # noqa: F401  (the golden population)


pytestmark = pytest.mark.django_db

D = datetime.date


def stored(code, kind, start, level=TerritoryLevel.DEPARTEMENT, territory="40", dimension="", segment=""):
    return IndicatorValue.objects.get(
        indicator__code=code,
        departement_id="40",
        period_kind=kind,
        period_start=start,
        territory_level=level,
        territory_code=territory,
        dimension=dimension,
        segment=segment,
    )


def test_snapshot_stores_the_hand_counted_values(world):  # noqa: F811
    catalogue_load()
    snapshot_compute(departement_id="40", today=D(2026, 1, 15), full=True, first_day=D(2025, 1, 1), codes=["L69"])
    # The golden counts: 10 subject on 31/12/2025, 5 in the MdM territory, 2 in Aire, 5 women.
    assert stored("L69", PeriodKind.YEAR, D(2025, 1, 1)).value == 10
    assert stored("L69", PeriodKind.YEAR, D(2025, 1, 1), TerritoryLevel.TERRITORY, str(world.t_mdm.pk)).value == 5
    assert stored("L69", PeriodKind.YEAR, D(2025, 1, 1), dimension=Dimension.SEX, segment="F").value == 5
    assert stored("L69", PeriodKind.YEAR, D(2025, 1, 1), TerritoryLevel.COMMUNE, "40001").value == 2
    # A commune is stored whole, never by segment.
    assert not IndicatorValue.objects.filter(territory_level=TerritoryLevel.COMMUNE).exclude(dimension="").exists()
    assert IndicatorValue.objects.filter(territory_level=TerritoryLevel.EPCI).exclude(dimension="").exists()
    # Recomputing replaces the period: no duplicate, the same count.
    count = IndicatorValue.objects.count()
    snapshot_compute(departement_id="40", today=D(2026, 1, 15), full=True, first_day=D(2025, 1, 1), codes=["L69"])
    assert IndicatorValue.objects.count() == count


def test_history_before_the_segmented_window_is_stored_whole(world):  # noqa: F811
    catalogue_load()
    snapshot_compute(
        departement_id="40",
        today=D(2026, 1, 15),
        full=True,
        first_day=D(2025, 1, 1),
        codes=["L69"],
        segmented_from=D(2025, 12, 31),
    )
    march = IndicatorValue.objects.filter(period_kind=PeriodKind.MONTH, period_start=D(2025, 3, 1))
    assert march.filter(dimension="").count() > 0 and not march.exclude(dimension="").exists()
    december = IndicatorValue.objects.filter(period_kind=PeriodKind.MONTH, period_start=D(2025, 12, 1))
    assert december.exclude(dimension="").exists()


def test_the_nightly_command_refreshes_the_last_35_days(world):  # noqa: F811
    call_command("observatory_daily", "--date", "2026-01-15", verbosity=0)
    kinds = set(
        IndicatorValue.objects.filter(indicator__code="L69").values_list("period_kind", "period_start").distinct()
    )
    # 15/01/2026 minus 35 days is 11/12/2025: December and January, Q4 2025 and Q1 2026, 2025 and 2026.
    assert kinds == {
        (PeriodKind.MONTH, D(2025, 12, 1)),
        (PeriodKind.MONTH, D(2026, 1, 1)),
        (PeriodKind.QUARTER, D(2025, 10, 1)),
        (PeriodKind.QUARTER, D(2026, 1, 1)),
        (PeriodKind.YEAR, D(2025, 1, 1)),
        (PeriodKind.YEAR, D(2026, 1, 1)),
    }
    assert stored("L69", PeriodKind.YEAR, D(2025, 1, 1)).value == 10


def test_a_computation_is_not_cut_by_the_web_statement_timeout(world, monkeypatch):  # noqa: F811
    """Every evaluation runs without the web's guard rail that its session has (checked from inside each, rather than
    by a timeout of a millisecond, which the computation's own small statements may also exceed)."""
    from django.db import connection

    from jalon.observatory import services
    from jalon.observatory.shares_on_days import SharesOnDays

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's statement_timeout")
    catalogue_load()
    timeouts = []

    def recording(evaluation):
        def evaluate(*args):
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('statement_timeout')")
                timeouts.append(cursor.fetchone()[0])
            return evaluation(*args)

        return evaluate

    # Every evaluation, of one day or of many days at once (`SharesOnDays`, a full computation's).
    monkeypatch.setattr(services, "_group_results", recording(services._group_results))
    monkeypatch.setattr(SharesOnDays, "results", recording(SharesOnDays.results))
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 30000")  # the web's guard rail (settings)
    run = snapshot_compute(departement_id="40", today=D(2026, 1, 15), codes=["L69", "B1"])
    assert run.values_written > 0
    assert timeouts and set(timeouts) == {"0"}


def test_stocks_depend_on_the_last_day_only(world):  # noqa: F811
    """`snapshot_compute` evaluates a stock once for the month, the quarter and the year that end on the same day:
    every stock's definition must read nothing of the period but its last day."""
    from jalon.observatory.engine import computations, evaluate
    from jalon.observatory.enums import Measure
    from jalon.observatory.periods import Period

    stocks = [spec for spec in computations().values() if spec.measure == Measure.STOCK]
    assert len(stocks) > 20
    ending_31_12 = [
        Period(kind, start)
        for kind, start in (
            (PeriodKind.MONTH, D(2025, 12, 1)),
            (PeriodKind.QUARTER, D(2025, 10, 1)),
            (PeriodKind.YEAR, D(2025, 1, 1)),
        )
    ]
    for spec in stocks:
        month, quarter, year = (evaluate(spec, "40", period) for period in ending_31_12)
        assert month == quarter == year, spec.code


def test_the_batch_transaction_runs_without_jit_nor_the_web_s_guard_rail(world):  # noqa: F811
    from django.db import connection, transaction

    from jalon.observatory.services import _batch_settings

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's settings")
    with transaction.atomic(), connection.cursor() as cursor:
        _batch_settings()
        cursor.execute(
            "SELECT current_setting('jit'), current_setting('statement_timeout'), current_setting('work_mem'), "
            "current_setting('maintenance_work_mem')"
        )
        assert cursor.fetchone() == ("off", "0", "256MB", "256MB")


def _estimate_as_seen_now() -> None:
    """The values table's size estimate (`pg_class.reltuples`) as this test sees the table: ANALYZE writes it in
    place, so an earlier test's rolled-back rows may have left theirs."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE observatory_indicatorvalue")


def test_a_large_refresh_analyses_what_it_wrote(world, monkeypatch):  # noqa: F811
    from django.db import connection

    from jalon.core import bulk

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    _estimate_as_seen_now()
    catalogue_load()
    monkeypatch.setattr(bulk, "ANALYZE_AFTER_ROWS", 1)  # this small world's refresh, as large as a Département's
    snapshot_compute(departement_id="40", today=D(2026, 1, 15), codes=["L69"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'observatory_indicatorvalue'")
        estimated = cursor.fetchone()[0]
    assert estimated == IndicatorValue.objects.count() > 0


def test_a_day_of_few_changes_leaves_the_statistics_of_a_large_table(world, monkeypatch):  # noqa: F811
    """The values' statistics are refreshed when a computation changed a tenth of the table or more (a first one,
    a recomputation), not for the few changes of a day in a table that holds years of values."""
    from django.db import connection

    from jalon.core import bulk
    from jalon.core.bulk import statistics_refresh

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    _estimate_as_seen_now()
    catalogue_load()
    monkeypatch.setattr(bulk, "ANALYZE_AFTER_ROWS", 1)
    snapshot_compute(departement_id="40", today=D(2026, 1, 15), codes=["L69"])
    stored_count = IndicatorValue.objects.count()
    assert statistics_refresh(IndicatorValue, rows=stored_count // 10 + 1, table_share=0.1)
    assert not statistics_refresh(IndicatorValue, rows=stored_count // 20, table_share=0.1)
    assert statistics_refresh(IndicatorValue, rows=stored_count // 20)


def _stored_values() -> dict:
    """Every stored value, by indicator, period, territory and segment: (numerator, denominator, value, run)."""
    values = {}
    for v in IndicatorValue.objects.select_related("indicator"):
        key = (v.indicator.code, v.period_kind, v.period_start, v.territory_level, v.territory_code)
        values[(*key, v.dimension, v.segment)] = (v.numerator, v.denominator, v.value, v.run_id)
    return values


@pytest.mark.django_db(transaction=True)
def test_on_two_connections_the_values_of_one(world, monkeypatch):  # noqa: F811
    """Outside a transaction, a computation on PostgreSQL evaluates on worker threads, each on its own connection
    (the day's segment batch committed first); it stores the values of the computation on the caller's own
    connection, and deletes its segment batches."""
    import threading

    from django.db import connection

    from jalon.observatory import services
    from jalon.observatory.models import PersonSegment

    if connection.vendor != "postgresql":
        pytest.skip("the worker connections are PostgreSQL's")
    catalogue_load()
    evaluated_in = set()
    group_results = services._group_results
    monkeypatch.setattr(
        services, "_group_results", lambda *args: evaluated_in.add(threading.get_ident()) or group_results(*args)
    )
    snapshot_compute(departement_id="40", today=D(2026, 1, 15), full=True, first_day=D(2025, 10, 1))
    assert evaluated_in and threading.get_ident() not in evaluated_in
    on_workers = {key: value[:3] for key, value in _stored_values().items()}
    evaluated_in.clear()
    monkeypatch.setattr(services, "WORKERS", 1)
    snapshot_compute(departement_id="40", today=D(2026, 1, 15), full=True, first_day=D(2025, 10, 1))
    assert evaluated_in == {threading.get_ident()}
    assert {key: value[:3] for key, value in _stored_values().items()} == on_workers
    # Not a vacuous comparison: the golden L69 of 2025 (10 subject on 31/12/2025).
    assert on_workers[("L69", PeriodKind.YEAR, D(2025, 1, 1), TerritoryLevel.DEPARTEMENT, "40", "", "")][2] == 10
    assert not PersonSegment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_shares_on_days_store_the_values_of_each_day_s_evaluation(world, monkeypatch):  # noqa: F811
    """A computation of several days evaluates the shares over the persons subject to rights and duties, and those
    over the persons with a carnet (stocks, and flows to date), on all the days at once (`shares_on_days`), in a run
    of days per worker, or in one run inline; into a partition built anew (every indicator) and into the stored
    values (some): it stores the values of the same computation evaluating them day by day."""
    from django.db import connection, transaction

    from jalon.observatory import services
    from jalon.observatory.shares_on_days import SharesOnDays

    if connection.vendor != "postgresql":
        pytest.skip("the shares on many days are PostgreSQL's")
    catalogue_load()
    runs = []  # (the base's name, the run's days)
    sums = SharesOnDays.sums
    monkeypatch.setattr(
        SharesOnDays,
        "sums",
        lambda self, written, emit: (
            runs.append((self.specs[0].share.base.__name__, written.days)) or sums(self, written, emit)
        ),
    )

    def computed(**options) -> dict:
        snapshot_compute(departement_id="40", today=D(2026, 1, 15), full=True, first_day=D(2025, 1, 1), **options)
        return {key: value[:3] for key, value in _stored_values().items()}

    def lengths() -> list:
        taken = sorted(runs)  # the two workers start their runs at the same time: either may call first
        runs.clear()
        return [(base, len(days)) for base, days in taken]

    # 15 days: 13 month ends (January 2025 to January 2026), and the ends of the first quarter and of 2026.
    on_workers = computed()
    for base in ("_with_carnet", "subject_base"):  # each worker's run of consecutive days, the first days first
        days = [day for name, run in sorted(runs) if name == base for day in run]
        assert days == sorted(set(days)) and len(days) == 15
    assert lengths() == [("_with_carnet", 8), ("_with_carnet", 7), ("subject_base", 8), ("subject_base", 7)]
    with transaction.atomic():  # in a caller's transaction, the days are evaluated inline, in one run
        assert computed() == on_workers
    assert lengths() == [("_with_carnet", 15), ("subject_base", 15)]
    some = ("L69", "B1", "L13", "J06", "P06")  # into the stored values, with another indicator
    IndicatorValue.objects.filter(indicator__code__in=some).delete()
    assert {key: value for key, value in computed(codes=some).items() if key[0] in some} == {
        key: value for key, value in on_workers.items() if key[0] in some
    }
    assert lengths() == [("_with_carnet", 8), ("_with_carnet", 7), ("subject_base", 8), ("subject_base", 7)]
    monkeypatch.setattr(services, "ON_DAYS_FROM", 100)
    assert computed() == on_workers
    assert runs == []
    # Not a vacuous comparison: the golden figures of 2025 (10 subject on 31/12/2025, B1 8 oriented among them;
    # L13: the carnets' 3 appointments of 2025 not cancelled, over 4 carnets on 31/12/2025).
    year = (PeriodKind.YEAR, D(2025, 1, 1), TerritoryLevel.DEPARTEMENT, "40", "", "")
    assert on_workers[("L69", *year)][2] == 10
    assert on_workers[("B1", *year)][:2] == (8, 10)
    assert on_workers[("L13", *year)][:2] == (3, 4)


def fail_on(monkeypatch, failing_period: Period) -> None:
    """Every evaluation of `failing_period` fails ("panne"); the others are computed as usual."""
    from jalon.observatory import services

    group_results = services._group_results

    def failing(shares, group, departement_id, period, *args):
        if period == failing_period:
            raise RuntimeError("panne")
        return group_results(shares, group, departement_id, period, *args)

    monkeypatch.setattr(services, "_group_results", failing)


@pytest.mark.django_db(transaction=True)
def test_a_failure_on_a_worker_leaves_no_half_replaced_day(world, monkeypatch):  # noqa: F811
    """The days written before a failure keep their new values; the failing day keeps all its old ones (none of its
    periods is half replaced), and no segment batch is left behind."""
    from django.db import connection

    from jalon.observatory.models import ComputedPeriod, PersonSegment, SnapshotRun

    if connection.vendor != "postgresql":
        pytest.skip("the worker connections are PostgreSQL's")
    catalogue_load()
    codes = ["L69", "P05", "L13"]
    first = snapshot_compute(departement_id="40", today=D(2026, 1, 15), codes=codes)
    fail_on(monkeypatch, Period(PeriodKind.QUARTER, D(2026, 1, 1)))
    with pytest.raises(RuntimeError, match="panne"):
        snapshot_compute(departement_id="40", today=D(2026, 1, 15), codes=codes)
    failed = SnapshotRun.objects.exclude(pk=first.pk).get()
    # The values are the same (the data did not change): which computation last computed each period says it.
    runs = defaultdict(set)
    for kind, start, run_id in ComputedPeriod.objects.values_list("period_kind", "period_start", "run_id"):
        runs[(kind, start)].add(run_id)
    # 31/12/2025 (December, Q4, 2025) and 31/01/2026 were written before the failing day, 31/03/2026 (Q1) was not.
    assert runs[(PeriodKind.MONTH, D(2025, 12, 1))] == {failed.pk}
    assert runs[(PeriodKind.YEAR, D(2025, 1, 1))] == {failed.pk}
    assert runs[(PeriodKind.MONTH, D(2026, 1, 1))] == {failed.pk}
    assert runs[(PeriodKind.QUARTER, D(2026, 1, 1))] == {first.pk}
    assert not PersonSegment.objects.exists()


def test_a_refresh_writes_only_what_changed_and_says_as_of_when(world):  # noqa: F811
    """A computation leaves a value it finds unchanged as it was (its `run` is the computation that wrote it), writes
    a changed value, removes a value no longer computed and adds a new one; every period it computed records it as
    its last computation, which the OARSA return and the figures pages read as the day of the values."""
    from django.db import connection

    from jalon.observatory.models import ComputedPeriod, computed_as_of

    if connection.vendor != "postgresql":
        pytest.skip("the staged comparison is PostgreSQL's; elsewhere every value is written again")
    catalogue_load()
    first = snapshot_compute(departement_id="40", today=D(2026, 1, 15), codes=["L69"])
    year = dict(period_kind=PeriodKind.YEAR, period_start=D(2025, 1, 1))
    whole = stored("L69", PeriodKind.YEAR, D(2025, 1, 1))
    women = stored("L69", PeriodKind.YEAR, D(2025, 1, 1), dimension=Dimension.SEX, segment="F")
    assert (whole.value, women.value) == (10, 5)
    # The store drifts from the data: one value changed, one removed, one that no computation makes.
    IndicatorValue.objects.filter(pk=whole.pk).update(numerator=99, value=99)
    IndicatorValue.objects.filter(pk=women.pk).delete()
    stray = IndicatorValue.objects.create(
        indicator=whole.indicator,
        departement_id="40",
        territory_level=TerritoryLevel.DEPARTEMENT,
        territory_code="40",
        dimension=Dimension.SEX,
        segment="X",
        numerator=1,
        value=1,
        run=first,
        **year,
    )
    count = IndicatorValue.objects.count()
    second = snapshot_compute(departement_id="40", today=D(2026, 1, 20), codes=["L69"])
    assert second.values_written == first.values_written and second.values_changed == 3
    assert IndicatorValue.objects.count() == count  # one added, one removed
    assert not IndicatorValue.objects.filter(pk=stray.pk).exists()
    whole.refresh_from_db()
    assert (whole.value, whole.run_id) == (10, second.pk)
    assert stored("L69", PeriodKind.YEAR, D(2025, 1, 1), dimension=Dimension.SEX, segment="F").run_id == second.pk
    # Untouched: the territory's value was the same.
    territory = stored("L69", PeriodKind.YEAR, D(2025, 1, 1), TerritoryLevel.TERRITORY, str(world.t_mdm.pk))
    assert (territory.value, territory.run_id) == (5, first.pk)
    # ...but it holds as of the second computation, which computed its period.
    assert ComputedPeriod.objects.get(indicator=whole.indicator, **year).run_id == second.pk
    as_of = IndicatorValue.objects.filter(pk=territory.pk).values_list(computed_as_of(), flat=True).get()
    assert as_of == D(2026, 1, 20)


def _level_and_dimension(row: tuple) -> tuple:
    return (row[1], row[5])


def test_staged_values_read_back_as_they_were_computed():
    """A computation stages its values as COPY lines it writes itself (`_ValueRows`): a segment with a tab, a
    newline and a backslash, a missing denominator, a count, and values that are not round read back exactly, as
    `_value_rows` gives them; a commune's segment is left out."""
    from types import SimpleNamespace

    from django.db import connection

    from jalon.observatory.engine import Cell
    from jalon.observatory.services import COPIED, STAGED, STAGING_CREATE, _value_rows, _ValueRows

    if connection.vendor != "postgresql":
        pytest.skip("the values are staged by COPY on PostgreSQL only")
    rate, count = SimpleNamespace(unit=Unit.RATE), SimpleNamespace(unit=Unit.COUNT)
    indicator = SimpleNamespace(pk=7)
    month, year = Period(PeriodKind.MONTH, D(2025, 3, 1)), Period(PeriodKind.YEAR, D(2025, 1, 1))
    rates = {
        ("commune", "2A004", "", ""): Cell(1.5, 4.0),
        ("commune", "2A004", "sexe", "F"): Cell(1.0, 2.0),  # not stored
        ("epci", "244000865", "dispositif", "Insertion\t« pro »\\\nsuite"): Cell(0.1 + 0.2, 3.0),
        ("departement", "40", "", ""): Cell(0.0, 0.0),
    }
    counts = {("epci", "244000865", "age", "25_29"): Cell(3.0, 0.0)}
    rows = _ValueRows({})
    rows.add(indicator, rate, month, rates)
    rows.add(indicator, count, year, counts)
    expected = _value_rows(indicator, rate, month, rates) + _value_rows(indicator, count, year, counts)
    assert rows.count == len(expected) == 4
    with connection.cursor() as cursor:
        cursor.execute(STAGING_CREATE)
        with cursor.cursor.copy(f"COPY obs_staging ({', '.join(COPIED)}) FROM STDIN") as copy:
            copy.write(rows.text())
        cursor.execute(f"SELECT {', '.join(STAGED)} FROM obs_staging")  # noqa: S608
        assert sorted(cursor.fetchall(), key=_level_and_dimension) == sorted(expected, key=_level_and_dimension)
    # The values themselves, not only the same as `_value_rows`: a missing denominator and a count.
    assert (0.0, 0.0, None) in [row[-3:] for row in expected]
    assert (3.0, None, 3.0) in [row[-3:] for row in expected]


@pytest.mark.django_db(transaction=True)
def test_the_segments_dead_rows_are_cleaned_before_a_computation(world, monkeypatch):  # noqa: F811
    """Autovacuum is off for the segments' working table: a computation cleans it itself, first of the dead rows a
    screen's live evaluation or a failed computation left (they would slow its first batches), then of its own."""
    from django.db import connection

    from jalon.observatory.segments import SegmentBatch

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's")

    def pages() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_size('observatory_personsegment')")
            return cursor.fetchone()[0]

    with SegmentBatch("40") as batch:
        batch.prepare(D(2025, 12, 31))
    assert pages() > 0  # the deleted batch's rows are still there
    SegmentBatch.vacuum()
    assert pages() == 0

    steps = []
    vacuum, prepare = SegmentBatch.vacuum, SegmentBatch.prepare
    monkeypatch.setattr(SegmentBatch, "vacuum", staticmethod(lambda: steps.append("vacuum") or vacuum()))
    monkeypatch.setattr(SegmentBatch, "prepare", lambda self, *days: steps.append("batch") or prepare(self, *days))
    catalogue_load()
    snapshot_compute(departement_id="40", today=D(2026, 1, 15), codes=["L69"])
    assert steps[0] == steps[-1] == "vacuum" and "batch" in steps
    assert pages() == 0


def test_an_indicator_deleted_takes_its_values_and_computed_periods_with_it(world):  # noqa: F811
    """The database no longer checks a value's indicator (decision 0048): Django's cascade removes them, so no value
    is left pointing at nothing."""
    from jalon.observatory.models import ComputedPeriod, Indicator

    catalogue_load()
    snapshot_compute(departement_id="40", today=D(2026, 1, 15), codes=["L69", "L70"])
    l69 = Indicator.objects.get(code="L69")
    assert IndicatorValue.objects.filter(indicator=l69).exists()
    kept = IndicatorValue.objects.exclude(indicator=l69).count()
    assert kept > 0
    l69.delete()
    assert not IndicatorValue.objects.filter(indicator_id=l69.pk).exists()
    assert not ComputedPeriod.objects.filter(indicator_id=l69.pk).exists()
    assert IndicatorValue.objects.count() == kept


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_computation_reads_outside_a_transaction_and_writes_in_short_ones(world, monkeypatch):  # noqa: F811
    """SQLite has one write lock, which a transaction takes from its start (`transaction_mode`): a computation on it
    evaluates each day outside any transaction and writes its values in a transaction of their own, so that the
    demo's screens never wait on it for a whole day's evaluation (they wait 20 s at most). The values are the same."""
    from django.db import connection

    from jalon.observatory import services

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL evaluates in transactions, on its workers")
    catalogue_load()
    evaluated_in, written_in = [], []
    evaluate, write = services._Computing.evaluate, services._Computing.write

    def evaluating(self, pool, work):
        evaluated_in.append(connection.in_atomic_block)
        return evaluate(self, pool, work)

    def writing(self, work):
        written_in.append(connection.in_atomic_block)
        return write(self, work)

    monkeypatch.setattr(services._Computing, "evaluate", evaluating)
    monkeypatch.setattr(services._Computing, "write", writing)
    snapshot_compute(departement_id="40", today=D(2026, 1, 15), full=True, first_day=D(2025, 10, 1), codes=["L69"])
    assert evaluated_in and not any(evaluated_in)
    assert written_in and all(written_in)
    # The golden L69 of 2025: 10 subject on 31/12/2025.
    l69 = IndicatorValue.objects.get(
        indicator__code="L69",
        period_kind=PeriodKind.YEAR,
        period_start=D(2025, 1, 1),
        territory_level=TerritoryLevel.DEPARTEMENT,
        dimension="",
    )
    assert l69.value == 10
