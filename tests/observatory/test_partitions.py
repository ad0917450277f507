"""The values table's partitions (PostgreSQL, decision 0050): a full recompute builds its Département's partition anew
and swaps it in, with the values a merge would have stored, keeping what it did not recompute; a failure leaves the
partition as it was."""

import datetime

import pytest
from django.db import connection

from jalon.observatory.enums import PeriodKind, Source, TerritoryLevel
from jalon.observatory.models import ComputedPeriod, Indicator, IndicatorValue
from jalon.observatory.partitions import TABLE, partition_ensure
from jalon.observatory.periods import Period
from jalon.observatory.services import catalogue_load, computations, snapshot_compute
from tests.observatory.test_golden import world  # noqa: F401  (the golden population)
from tests.observatory.test_snapshots import _stored_values, fail_on


pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("partitions are PostgreSQL's")


def _tables(pattern: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE %s AND relkind = 'r' ORDER BY 1", [pattern])
        return [name for (name,) in cursor.fetchall()]


def _partition_of_rows(departement_id: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT tableoid::regclass::text FROM {TABLE} WHERE departement_id = %s",  # noqa: S608
            [departement_id],
        )
        return {name for (name,) in cursor.fetchall()}


def _entered_value() -> IndicatorValue:
    indicator = Indicator.objects.filter(source=Source.ENTERED).order_by("code").first()
    return IndicatorValue.objects.create(
        indicator=indicator,
        departement_id="40",
        territory_level=TerritoryLevel.DEPARTEMENT,
        territory_code="40",
        period_kind=PeriodKind.YEAR,
        period_start=D(2025, 1, 1),
        numerator=7,
        value=7,
    )


@pytest.mark.django_db(transaction=True)
def test_a_full_recompute_builds_the_partition_with_the_values_a_merge_stores(world):  # noqa: F811
    catalogue_load()
    entered = _entered_value()
    # The merge: every indicator named (`codes`), so the rows are compared and written into the partition in place.
    merged_run = snapshot_compute(
        departement_id="40", today=D(2026, 1, 15), full=True, first_day=D(2025, 7, 1), codes=list(computations())
    )
    merged = _stored_values()
    assert _tables(f"{TABLE}_build_%") == []
    # The partition built anew, for fewer periods: the earlier ones are kept as the merge stored them.
    built_run = snapshot_compute(departement_id="40", today=D(2026, 1, 15), full=True, first_day=D(2025, 10, 1))
    built = _stored_values()
    assert built_run.values_written > 0 and built_run.values_changed == built_run.values_written
    assert set(built) == set(merged)
    assert {key: value[:3] for key, value in built.items()} == {key: value[:3] for key, value in merged.items()}
    # Not a vacuous comparison: the golden L69 of 2025 (10 subject on 31/12/2025), and the entered value kept.
    assert built[("L69", PeriodKind.YEAR, D(2025, 1, 1), TerritoryLevel.DEPARTEMENT, "40", "", "")][2] == 10
    assert IndicatorValue.objects.get(pk=entered.pk).value == 7

    # Each value was written by the computation that last computed its period: September by the merge only.
    def month(start):
        return ("L69", PeriodKind.MONTH, start, TerritoryLevel.DEPARTEMENT, "40", "", "")

    assert built[month(D(2025, 9, 1))][3] == merged_run.pk
    assert built[month(D(2025, 10, 1))][3] == built_run.pk
    computed_by = dict(
        ComputedPeriod.objects.filter(indicator__code="L69")
        .values_list("period_start", "run_id")
        .filter(period_kind=PeriodKind.MONTH)
    )
    assert computed_by[D(2025, 9, 1)] == merged_run.pk and computed_by[D(2025, 12, 1)] == built_run.pk
    # The new table is the Département's partition, with the parent's indexes and nothing left beside it.
    assert _partition_of_rows("40") == {f"{TABLE}_40"}
    assert _tables(f"{TABLE}_build_%") == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, count(*) FROM pg_indexes WHERE tablename IN (%s, %s) GROUP BY 1", [TABLE, f"{TABLE}_40"]
        )
        # The primary key, the unique key and the whole values' index, on the parent and on the partition.
        assert dict(cursor.fetchall()) == {TABLE: 3, f"{TABLE}_40": 3}
    # The unique key holds on the new partition.
    with pytest.raises(Exception, match="unique"):
        IndicatorValue.objects.create(
            **{
                field: getattr(IndicatorValue.objects.get(pk=entered.pk), field)
                for field in ("indicator_id", "departement_id", "territory_level", "territory_code", "period_kind")
            },
            period_start=D(2025, 1, 1),
            numerator=1,
        )


@pytest.mark.django_db(transaction=True)
def test_a_failed_full_recompute_leaves_the_partition_as_it_was(world, monkeypatch):  # noqa: F811
    catalogue_load()
    first = snapshot_compute(departement_id="40", today=D(2026, 1, 15), full=True, first_day=D(2025, 10, 1))
    before = _stored_values()
    fail_on(monkeypatch, Period(PeriodKind.MONTH, D(2026, 1, 1)))
    with pytest.raises(RuntimeError, match="panne"):
        snapshot_compute(departement_id="40", today=D(2026, 1, 15), full=True, first_day=D(2025, 10, 1))
    # Every value as it was, written by the first computation, and no half-built table left.
    assert _stored_values() == before
    assert set(ComputedPeriod.objects.values_list("run_id", flat=True)) == {first.pk}
    assert _tables(f"{TABLE}_build_%") == []
    assert _partition_of_rows("40") == {f"{TABLE}_40"}


def test_a_departement_s_partition_takes_its_values_from_the_default_one(world):  # noqa: F811
    catalogue_load()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}_40")  # as for a Département without values yet
    entered = _entered_value()
    assert _partition_of_rows("40") == {f"{TABLE}_default"}
    partition_ensure("40")
    assert _partition_of_rows("40") == {f"{TABLE}_40"}
    assert IndicatorValue.objects.get(pk=entered.pk).numerator == 7
    partition_ensure("40")  # there already: nothing moves
    assert _partition_of_rows("40") == {f"{TABLE}_40"}
    with pytest.raises(ValueError):
        partition_ensure("40'; DROP TABLE x; --")
