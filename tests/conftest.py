import pytest
from django.test import Client

from jalon.core.scoping import Actor
from jalon.messaging.backends import MemoryBackend


@pytest.fixture(autouse=True)
def _media_and_email(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JALON_DEMO_DIR = tmp_path / "demo"
    MemoryBackend.outbox.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """The frein référentiel comes with a migration; a transactional test (browser, replica) empties every table
    when it ends. Put it back once its fixtures are torn down, so that the next test, whichever it is, starts from
    a migrated database."""
    result = yield
    if nextitem is None:
        return result  # the last test: the session's fixtures, the test database among them, are gone already
    marker = item.get_closest_marker("django_db")
    if "transactional_db" in getattr(item, "fixturenames", ()) or (marker and marker.kwargs.get("transaction")):
        from pytest_django.plugin import blocking_manager_key

        from jalon.notebook.referentials import freins_default_create

        with item.config.stash[blocking_manager_key].unblock():
            freins_default_create()
    return result


@pytest.fixture
def client() -> Client:
    # REMOTE_ADDR set so that audit events and django-axes see an address.
    return Client(REMOTE_ADDR="127.0.0.1")


def actor_for(membership) -> Actor:
    return Actor(user=membership.user, membership=membership, memberships=(membership,))


@pytest.fixture
def login_as(client):
    """Log the membership's user in and make that membership the current one."""

    def _login(membership):
        client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        session["current_membership_id"] = membership.pk
        session.save()
        return client

    return _login
