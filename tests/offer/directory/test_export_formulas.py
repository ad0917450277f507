"""The offer coverage export hands out as text a territory name a spreadsheet would run as a formula."""

import csv
import io

import pytest
from django.urls import reverse

from jalon.core.enums import Role
from tests.offer.directory.conftest import make_service
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import TerritoryFactory


pytestmark = pytest.mark.django_db


def test_the_coverage_export_neutralises_territory_names(geo, login_as):
    TerritoryFactory(departement=geo.landes, name="-2+3").communes.set([geo.dax])
    make_service(eligibility_zone=["40"], thematiques=["mobilite--preparer-un-permis"])
    admin = MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=geo.landes)
    response = login_as(admin).get(reverse("offer:coverage_csv"))
    content = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert ["territoire", "'-2+3", "Mobilité", "1", "non"] in rows  # the count stays a number
