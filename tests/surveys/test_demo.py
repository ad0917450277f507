"""The demo's surveys of the Landes, built through the services on a December 2026 day: two finished campaigns on
the people present at a cell, with about a third answering online and a few paper forms, one open campaign on
last month's cells; the first one's satisfaction reported to L06 (its period, December 2025, is over); a second
run writes nothing."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine

from jalon.core.enums import Role
from jalon.observatory.entered.models import EnteredValue
from jalon.observatory.services import catalogue_load
from jalon.surveys import demo, selectors
from jalon.surveys.enums import ResponseChannel
from jalon.surveys.models import Campaign, Response
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory
from tests.surveys.factories import cell
from tests.territories.factories import DepartementFactory, TerritoryFactory


pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 5)


def test_the_demo_surveys_of_the_landes():
    landes = DepartementFactory(code="40", name="Landes")
    cd = OrganisationFactory(departement=landes, kind="cd", name="Département des Landes")
    pilot = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=cd)
    territory = TerritoryFactory(departement=landes, name="Dax")
    catalogue_load()
    for day in (datetime.date(2025, 10, 10), datetime.date(2026, 6, 10), datetime.date(2026, 11, 10)):
        persons = [PersonFactory(departement=landes, phone=f"0612{index:06d}") for index in range(20)]
        cell(landes, cd, territory, persons, day=day)
    ctx = SimpleNamespace(
        departement=landes, users={"pilote": pilot.user}, organisations={"cd": cd}, log=lambda _m: None
    )

    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC), tick=False):
        demo.build(ctx)
        demo.build(ctx)

    campaigns = list(Campaign.objects.order_by("opens_on"))
    assert [c.is_over(TODAY) for c in campaigns] == [True, True, False]
    assert all(c.indicator.code == "L06" for c in campaigns)
    for campaign in campaigns[:2]:
        online = Response.objects.filter(campaign=campaign).exclude(channel=ResponseChannel.PAPER).count()
        paper = Response.objects.filter(campaign=campaign, channel=ResponseChannel.PAPER).count()
        assert 0.25 <= online / campaign.invitations.count() <= 0.40
        assert paper >= 1
        results = selectors.campaign_results(campaign=campaign)
        assert not results.hidden and results.satisfaction is not None
    assert campaigns[2].is_open(TODAY) and campaigns[2].responses.count() >= 1
    entry = EnteredValue.objects.get(indicator__code="L06", departement_id="40")
    assert (entry.period_start, entry.status) == (datetime.date(2025, 1, 1), "brouillon")
    assert 0 < entry.value <= 100
