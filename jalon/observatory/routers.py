"""Observatory reads on a PostgreSQL streaming replica, when one is configured (`DATABASE_REPLICA_URL`).

Only what runs inside `replica_reads()` reads from the replica: the observatory's screens (stored values, and the
engine when a screen computes live). Everything else, every write, and whatever runs inside `primary()` (the
engine's segment batches, which it writes and then joins, and the snapshot computation) stays on the primary. A
replica lags a little: a screen may show values a few seconds old, never values of a transaction in progress."""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import connections


REPLICA = "replica"
_reads_on_replica: ContextVar[bool] = ContextVar("observatory_reads_on_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def _reading(on_replica: bool):
    token = _reads_on_replica.set(on_replica)
    try:
        yield
    finally:
        _reads_on_replica.reset(token)


def replica_reads():
    """Reads inside go to the replica (when there is one)."""
    return _reading(True)


def primary():
    """Reads inside stay on the primary, even within `replica_reads()`."""
    return _reading(False)


def on_replica(function):
    """Decorator: the function's reads go to the replica (when there is one)."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return function(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reads_on_replica.get() and replica_configured():
            return REPLICA
        return None  # the default database

    def db_for_write(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db not in (None, "default", REPLICA):
            return None  # a database the caller chose on purpose: Django's own rule keeps writing there
        return "default"  # never the replica, even for an object read from it

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read there may be linked to one read on the primary.
        if {obj1._state.db, obj2._state.db} <= {"default", REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
