import pytest
from django.db import connection, transaction
from django.test import override_settings

from tests.access.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both demo Départements, built once for the module inside a transaction rolled back at its end."""
    media_root = tmp_path_factory.mktemp("access-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            world.media_root = media_root
            # Check the world's deferred foreign keys once, at the outer level: left pending, every test's
            # teardown (a savepoint) would check them all again, 2.5 s a test.
            connection.check_constraints()
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _world_media(request, settings):
    # The world's files (a convention's signed document) live in the module's media folder, not the test's.
    if "world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("world").media_root
