import datetime
from dataclasses import dataclass

import pytest
import time_machine

from jalon.core.enums import Role
from jalon.notebook.models import Notebook
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation, ReferentAssignment
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory
from tests.territories.factories import DepartementFactory


TODAY = datetime.date(2026, 3, 2)


def at(day: datetime.date):
    """Travel to 9:00 (Paris) on that day."""
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 8, 0, tzinfo=datetime.UTC), tick=False)


@dataclass
class World:
    departement: object
    cd: object
    referent: object
    officer: object
    admin: object
    partner_admin: object
    person: object
    notebook: object

    @property
    def referent_actor(self):
        return actor_for(self.referent)

    @property
    def officer_actor(self):
        return actor_for(self.officer)


@pytest.fixture
def world(db):
    with at(TODAY):
        landes = DepartementFactory()
        cd = OrganisationFactory(kind="cd", departement=landes, name="Département des Landes")
        agency = OrganisationFactory(kind="france_travail", departement=landes, name="France Travail Dax")
        referent = MembershipFactory(role=Role.REFERENT, organisation=agency)
        person = PersonFactory(
            departement=landes,
            first_name="Léa",
            last_name="Durand",
            address="12 rue des Arènes",
            postal_code="40100",
            city="Dax",
            email="lea.durand@exemple.test",
            phone="0612345678",
        )
        HouseholdMemberFactory(person=person, household__departement=landes)
        Orientation.objects.create(
            person=person,
            orientation_type=OrientationType.PROFESSIONAL,
            organisation=agency,
            referent=referent.user,
            decided_on=datetime.date(2026, 1, 5),
        )
        ReferentAssignment.objects.create(
            person=person, referent=referent.user, organisation=agency, started_on=datetime.date(2026, 1, 5)
        )
        return World(
            departement=landes,
            cd=cd,
            referent=referent,
            officer=MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation=cd),
            admin=MembershipFactory(role=Role.ADMINISTRATOR, organisation=cd),
            partner_admin=MembershipFactory(
                role=Role.ADMINISTRATOR, organisation__kind="association", organisation__departement=landes
            ),
            person=person,
            notebook=Notebook.objects.create(person=person),
        )
