import datetime
from dataclasses import dataclass

import pytest

from jalon.core.enums import Role
from jalon.exits.models import ExitType
from jalon.exits.services import exit_typology_default_create
from jalon.notebook.models import Notebook
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation, ReferentAssignment
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory
from tests.territories.factories import DepartementFactory


TODAY = datetime.date(2026, 12, 1)
ORIENTED_ON = datetime.date(2026, 1, 5)


@dataclass
class World:
    departement: object
    agency: object
    referent: object  # membership
    person: object
    notebook: object
    orientation: object
    outsider: object  # a référent of an association that does not follow the person
    other_person: object

    @property
    def actor(self):
        return actor_for(self.referent)

    def type(self, code: str) -> ExitType:
        return ExitType.objects.get(departement=self.departement, code=code)


def oriented_person(*, departement, agency, referent, decided_on=ORIENTED_ON, **names):
    person = PersonFactory(departement=departement, **names)
    orientation = Orientation.objects.create(
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
        decided_on=decided_on,
    )
    ReferentAssignment.objects.create(
        person=person, referent=referent.user, organisation=agency, started_on=decided_on
    )
    return person, orientation


@pytest.fixture
def world(db):
    landes = DepartementFactory()
    exit_typology_default_create(departement=landes)
    agency = OrganisationFactory(kind="france_travail", departement=landes)
    referent = MembershipFactory(role=Role.REFERENT, organisation=agency)
    person, orientation = oriented_person(
        departement=landes, agency=agency, referent=referent, first_name="Léa", last_name="Durand"
    )
    other_person, _ = oriented_person(departement=landes, agency=agency, referent=referent, first_name="Marc")
    outsider = MembershipFactory(
        role=Role.REFERENT, organisation__kind="association", organisation__departement=landes
    )
    return World(
        departement=landes,
        agency=agency,
        referent=referent,
        person=person,
        notebook=Notebook.objects.create(person=person),
        orientation=orientation,
        outsider=outsider,
        other_person=other_person,
    )
