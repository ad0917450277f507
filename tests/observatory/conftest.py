# The hand-built Département of the delays tests (communes, territories, teams), shared by the figures tests.
from tests.observatory.entered_fixtures import hours, people
from tests.orientation.delays.conftest import communes, france_travail, landes, orientation_team, territories


__all__ = ["communes", "france_travail", "hours", "landes", "orientation_team", "people", "territories"]
