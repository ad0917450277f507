# The hand-built Département of the delays tests (communes, territories, teams), shared by the figures tests.
import pytest

from jalon.notebook.referentials import freins_default_create
from tests.observatory.entered_fixtures import hours, people
from tests.orientation.delays.conftest import communes, france_travail, landes, orientation_team, territories


__all__ = ["communes", "france_travail", "hours", "landes", "orientation_team", "people", "territories"]


@pytest.fixture(autouse=True)
def freins_referentiel(request):
    """The frein référentiel comes with a migration, but a transactional test (the replica's, the browser's)
    empties the tables after it: put it back for the golden populations that use it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
    if marker or transactional or "db" in request.fixturenames:
        request.getfixturevalue("transactional_db" if transactional else "db")
        freins_default_create()
