"""The demo's governance of the Pyrénées-Atlantiques plan, built through the services on a December 2026 day: two
COPIL (the latest with a decision done, one due soon, one late), a COTECH held and one to come, a CTP; the monthly
internal points left late; a second run writes nothing."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine

from jalon.core.enums import Role
from jalon.observatory.services import catalogue_load
from jalon.organisations.models import Organisation
from jalon.programme.governance import demo, selectors
from jalon.programme.governance.models import Decision, Meeting
from jalon.programme.loader import load_file, plan_files
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 5)


def test_the_demo_governance_of_the_pyrenees_atlantiques():
    departement = DepartementFactory(code="64", name="Pyrénées-Atlantiques")
    cd = Organisation.objects.create(name="Département des Pyrénées-Atlantiques", kind="cd", departement=departement)
    catalogue_load()
    programme = load_file(next(p for p in plan_files() if "pyrenees" in p.name)).programme
    pilot = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=cd)
    ctx = SimpleNamespace(
        departement=departement, users={"pilote": pilot.user}, organisations={"cd": cd}, log=lambda _m: None
    )

    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC), tick=False):
        demo.build(ctx)
        demo.build(ctx)
        late = [item.body.code for item in selectors.late_bodies(programme=programme, today=TODAY)]

    meetings = Meeting.objects.of_programme(programme)
    assert sorted(meetings.values_list("body__code", flat=True)) == ["copil", "copil", "cotech", "cotech", "ctp"]
    assert meetings.filter(held_on__gt=TODAY).count() == 1
    decisions = Decision.objects.of_programme(programme)
    assert sorted(decisions.values_list("status", flat=True)) == ["done", "open", "open"]
    assert decisions.late(TODAY).count() == 1
    assert decisions.open().filter(due_on__gt=TODAY, due_on__lte=TODAY + datetime.timedelta(days=30)).count() == 1
    assert late == ["points-internes"]
