"""The orientation exports hand out as text every name a spreadsheet would run as a formula."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from jalon.core.enums import Role
from jalon.orientation.enums import DelayStep
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.orientation.delays.conftest import on, orient, person_in_path
from tests.territories.factories import TerritoryFactory


pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 2)


def _download(client, url, params) -> list[list[str]]:
    with on(TODAY):
        response = client.get(url, params)
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


def test_the_late_people_export_neutralises_names_and_référents(login_as, landes, communes, orientation_team):
    agency = OrganisationFactory(name='=HYPERLINK("//x.fr")', kind="france_travail", departement=landes)
    referent = MembershipFactory(
        role=Role.REFERENT, organisation=agency, user__first_name="-2+3", user__last_name="Dupont"
    )
    person = person_in_path(landes, last_name="+33612345678", first_name="@SUM(1)", commune=communes["mdm"])
    orient(person, organisation=agency, referent=referent.user, decided_on=datetime.date(2026, 8, 1))

    rows = _download(
        login_as(orientation_team), reverse("orientation:delays_csv"), {"etape": DelayStep.FIRST_APPOINTMENT}
    )
    assert rows[0][:2] == ["Nom", "Prénom"]
    late = rows[1]
    assert late[:2] == ["'+33612345678", "'@SUM(1)"]
    assert late[-2:] == ['\'=HYPERLINK("//x.fr")', "'-2+3 Dupont"]
    assert late[7].isdigit()  # the days late stay a number


def test_the_orientation_figures_export_neutralises_territory_names(login_as, landes, communes):
    TerritoryFactory(departement=landes, name="-2+3").communes.set([communes["dax"]])
    pilot = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation__kind="cd", organisation__departement=landes)
    url = reverse("observatory:orientation_figures_csv")
    rows = _download(login_as(pilot), url, {"debut": "2026-01-01", "fin": "2026-01-31"})
    assert [row[0] for row in rows[1:]] == ["Ensemble du département", "'-2+3"]
    assert rows[1][2] == "0"  # figures stay figures
