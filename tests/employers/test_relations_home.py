"""The chargé(e) de relation entreprises' panel on the home: figures of the employers of their territories."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from jalon.employers.selectors import relations_summary
from jalon.employers.services import (
    commitment_record,
    employer_create,
    interaction_record,
    relations_officer_assign,
)
from tests.employers.conftest import OTHER_SIRET
from tests.employers.test_services import validated
from tests.exits.conftest import TODAY
from tests.territories.factories import CommuneFactory, TerritoryFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_place(place):
    territory = TerritoryFactory(departement=place.world.departement, name="SDSEI de Mont-de-Marsan")
    territory.communes.add(place.commune)
    relations_officer_assign(
        actor=place.admin, user=place.cd_admin.user, territories=[territory], started_on=datetime.date(2026, 1, 1)
    )
    # An employer outside the officer's territories counts nowhere.
    elsewhere = CommuneFactory(departement=place.world.departement, name="Dax", code="40088")
    employer_create(actor=place.admin, siret=OTHER_SIRET, name="Thermes de Dax", naf_code="86.90F", commune=elsewhere)
    return place


def test_the_summary_counts_the_territory_against_the_commitments(officer_place):
    place = officer_place
    place.employer.engaged_since = datetime.date(2025, 1, 1)
    place.employer.save()
    commitment_record(
        actor=place.admin, employer=place.employer, year=2026, immersions_offered=3, hires=2, today=TODAY
    )
    validated(place)  # starts 2 November 2026
    place.immersion(starts_on=datetime.date(2026, 11, 20))  # a draft: not counted as validated

    summary = relations_summary(actor=place.admin, today=TODAY)

    assert summary["territories"] == ["SDSEI de Mont-de-Marsan"]
    assert (summary["employers"], summary["engaged"]) == (1, 1)
    assert (summary["promised_immersions"], summary["recorded_immersions"]) == (3, 1)
    assert (summary["promised_hires"], summary["recorded_hires"]) == (2, 0)
    assert summary["awaiting_validation"] == 0
    assert [e.name for e in summary["to_recontact"]] == ["Conserverie des Landes"]

    interaction_record(
        actor=place.admin, employer=place.employer, occurred_on=datetime.date(2026, 10, 1), kind="visite", today=TODAY
    )
    assert relations_summary(actor=place.admin, today=TODAY)["to_recontact_total"] == 0
    # Three months later the employer is to be contacted again.
    assert relations_summary(actor=place.admin, today=datetime.date(2027, 1, 5))["to_recontact_total"] == 1


def test_only_a_current_officer_sees_the_panel_on_the_home(officer_place, login_as):
    place = officer_place
    place.employer.engaged_since = datetime.date(2025, 1, 1)
    place.employer.save()
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC), tick=False):
        page = login_as(place.cd_admin).get(reverse("workspace:home")).content.decode()
        assert 'data-testid="relations-panel"' in page and "SDSEI de Mont-de-Marsan" in page
        text = " ".join(page.split())
        # French plurals: singular for none and one.
        assert "1 employeur sur vos territoires" in text and "0 immersion validée pour 0 promise," in text
        assert reverse("employers:detail", kwargs={"pk": place.employer.pk}) in page
        other = login_as(place.world.referent).get(reverse("workspace:home")).content.decode()
        assert 'data-testid="relations-panel"' not in other
    assert relations_summary(actor=place.referent, today=TODAY) is None
