import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@pytest.fixture
def keep_connection():
    """For requests sent to the WSGI application directly (Schemathesis), as Django's test client does: the end of
    a request must not close the test's connection, and with it the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
