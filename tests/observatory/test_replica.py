"""Observatory reads on a PostgreSQL streaming replica: the router's decisions, and (when `make test` started a
replica, `DATABASE_REPLICA_URL`) the observatory's screens reading through a real replica what the primary
committed."""

import datetime
import os
import time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jalon.observatory import routers
from jalon.observatory.enums import PeriodKind
from jalon.observatory.models import IndicatorValue
from jalon.observatory.routers import ReplicaRouter, primary, replica_reads
from jalon.people.models import Person


D = datetime.date


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(routers, "replica_configured", lambda: True)


def test_without_a_replica_everything_reads_from_the_primary():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(IndicatorValue) is None
    assert router.db_for_write(IndicatorValue) == "default"


def test_only_the_observatory_reads_go_to_the_replica(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Person) is None  # outside a screen of the observatory: the primary
    with replica_reads():
        assert router.db_for_read(IndicatorValue) == "replica"
        assert router.db_for_read(Person) == "replica"  # the engine computing live for a screen
        assert router.db_for_write(IndicatorValue) == "default"  # writes never
        with primary():  # the engine's segment batch: written, then joined, on the primary
            assert router.db_for_read(Person) is None
        assert router.db_for_read(Person) == "replica"
    assert router.db_for_read(IndicatorValue) is None


def test_the_replica_is_never_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "observatory") is False
    assert router.allow_migrate("default", "observatory") is None


def test_a_segmented_evaluation_reads_its_segments_on_the_primary(with_replica, monkeypatch):
    """Within a screen's replica reads, the engine's batch (written on the primary) must be read there too."""
    from jalon.observatory import engine

    seen = []
    monkeypatch.setattr(engine, "_evaluate", lambda *args: seen.append(routers._reads_on_replica.get()) or {})
    with replica_reads():
        engine.evaluate(
            engine.computations()["P01"], "40", engine.Period(PeriodKind.MONTH, D(2025, 3, 1)), segments=object()
        )
    assert seen == [False]


REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")


@pytest.fixture
def replica(transactional_db):
    """The replica as the `replica` alias, on the primary's test database (the replica streams the whole cluster,
    so the test database the primary created exists there too). Added after the test's database set-up, so that
    the test case neither flushes it (a standby is read-only) nor forbids it."""
    if not REPLICA_URL:
        if os.environ.get("JALON_TEST_REPLICA") == "1":
            pytest.fail("JALON_TEST_REPLICA=1 but no DATABASE_REPLICA_URL: the replica did not start.")
        pytest.skip("no streaming replica (make test starts one: JALON_TEST_REPLICA=1)")
    import environ

    settings_dict = {**connections["default"].settings_dict}
    replica_dict = environ.Env.db_url_config(REPLICA_URL)
    settings_dict.update(HOST=replica_dict["HOST"], PORT=replica_dict["PORT"])
    connections.settings["replica"] = settings_dict
    # Connected here: the test case only lets its own databases open a connection, and it must not flush this one.
    connections["replica"].connect()
    try:
        yield connections["replica"]
    finally:
        connections["replica"].close()
        del connections["replica"]
        del connections.settings["replica"]


def _wait_for_replay(replica_connection):
    """Until the replica has replayed what the primary wrote (a few milliseconds here; 10 s at most)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + 10
    with replica_connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                pytest.fail("the replica did not replay the primary's writes within 10 s")
            time.sleep(0.02)


@pytest.mark.django_db(transaction=True)
def test_screens_read_committed_snapshots_through_a_real_replica(replica, monkeypatch):
    from jalon.observatory import selectors
    from jalon.observatory.models import Indicator
    from jalon.observatory.services import catalogue_load, snapshot_compute
    from tests.territories.factories import CommuneFactory, DepartementFactory

    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0], "the replica alias must point at a standby"
    landes = DepartementFactory(code="40")
    CommuneFactory(code="40192", departement=landes)
    catalogue_load()
    # Written on the primary and committed (the test runs outside a transaction), then replayed by the standby;
    # even inside a screen's replica reads, the computation writes and reads on the primary.
    with replica_reads():
        snapshot_compute(departement_id="40", today=D(2026, 1, 15), codes=["L69"])
    _wait_for_replay(replica)
    indicator = Indicator.objects.get(code="L69")
    monkeypatch.setattr(selectors, "actor_departement_id", lambda actor: "40")
    actor = type("Pilot", (), {"territory_ids": ()})()  # what the selector reads of an Actor
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        values = selectors.indicator_values(actor=actor, indicator=indicator, today=D(2026, 1, 15))
    assert values is not None and values.computed_live is False  # the stored values, found on the replica
    assert any("observatory_indicatorvalue" in query["sql"] for query in on_replica.captured_queries)
    assert on_primary.captured_queries == []
