"""The carnets figures export hands out as text a territory name a spreadsheet would run as a formula."""

import csv
import io

import pytest
from django.urls import reverse

from jalon.core.enums import Role
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, TerritoryFactory


pytestmark = pytest.mark.django_db


def test_the_carnets_figures_export_neutralises_territory_names(login_as):
    landes = DepartementFactory()
    TerritoryFactory(departement=landes, name="@SUM(1)").communes.add(CommuneFactory(departement=landes))
    pilot = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation__kind="cd", organisation__departement=landes)
    response = login_as(pilot).get(reverse("notebook:figures_csv"), {"debut": "2026-01-01", "fin": "2026-01-31"})
    content = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["Ensemble du département", "'@SUM(1)"]
    assert rows[2][2] == "0"  # figures stay figures
