import datetime

import pytest

from jalon.core.enums import Role
from jalon.notebook.models import Notebook
from jalon.notebook.referentials import freins_default_create
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation, ReferentAssignment
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory
from tests.territories.factories import DepartementFactory


@pytest.fixture(autouse=True)
def freins_referentiel(db):
    """The référentiel comes with a migration, but browser tests empty the tables after them: put it back."""
    freins_default_create()


@pytest.fixture
def carnet():
    """A carnet followed by a France Travail référent, and a partner association's professional."""
    landes = DepartementFactory()
    agency = OrganisationFactory(kind="france_travail", departement=landes)
    referent = MembershipFactory(role=Role.REFERENT, organisation=agency)
    person = PersonFactory(departement=landes)
    Orientation.objects.create(
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
        decided_on=datetime.date(2026, 9, 1),
    )
    ReferentAssignment.objects.create(person=person, referent=referent.user, organisation=agency)
    partner = MembershipFactory(role=Role.PARTNER, organisation__kind="association", organisation__departement=landes)
    return Notebook.objects.create(person=person), referent, partner
