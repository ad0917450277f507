import datetime

import pytest

from jalon.core.enums import Role
from jalon.notebook.models import Notebook
from jalon.notebook.referentials import freins_default_create
from jalon.offer.directory.text import search_values
from jalon.offer.models import Service
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation
from tests.offer.factories import ServiceFactory, StructureFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, EpciFactory, RegionFactory


@pytest.fixture(autouse=True)
def freins_referentiel(db):
    freins_default_create()


class Geo:
    """Landes: Dax and Saint-Paul-lès-Dax in the Grand Dax, Mont-de-Marsan elsewhere; Gironde: Bordeaux."""

    def __init__(self):
        region = RegionFactory(code="75")
        self.landes = DepartementFactory(code="40", name="Landes", region=region)
        self.gironde = DepartementFactory(code="33", name="Gironde", region=region)
        self.grand_dax = EpciFactory(code="244000865", name="CA du Grand Dax")
        self.marsan = EpciFactory(code="244000675", name="Mont-de-Marsan Agglomération")
        self.dax = CommuneFactory(code="40088", name="Dax", departement=self.landes, epci=self.grand_dax)
        self.saint_paul = CommuneFactory(
            code="40279", name="Saint-Paul-lès-Dax", departement=self.landes, epci=self.grand_dax
        )
        self.mont_de_marsan = CommuneFactory(
            code="40192", name="Mont-de-Marsan", departement=self.landes, epci=self.marsan
        )
        self.bordeaux = CommuneFactory(code="33063", name="Bordeaux", departement=self.gironde, epci=None)


@pytest.fixture
def geo(db) -> Geo:
    return Geo()


def make_service(**kwargs):
    """A service as the importer or the services write it: with its search columns."""
    service = ServiceFactory(**kwargs)
    search = search_values(name=service.name, description=service.description, structure_name=service.structure.name)
    Service.objects.filter(pk=service.pk).update(**search)
    service.refresh_from_db()
    return service


@pytest.fixture
def structure_member(geo):
    """A member (partner) of an association whose Jalon organisation holds a structure of the offer."""
    organisation = OrganisationFactory(name="Association Mobilité 40", departement=geo.landes)
    membership = MembershipFactory(role=Role.PARTNER, organisation=organisation)
    structure = StructureFactory(name="Mobilité 40", organisation=organisation, departement=geo.landes)
    return membership, structure


@pytest.fixture
def referent_with_person(geo):
    """A référent of France Travail following a person of Dax, with an open carnet."""
    agency = OrganisationFactory(kind="france_travail", departement=geo.landes)
    referent = MembershipFactory(role=Role.REFERENT, organisation=agency)
    person = PersonFactory(departement=geo.landes, commune=geo.dax)
    Orientation.objects.create(
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
        decided_on=datetime.date(2026, 9, 1),
    )
    Notebook.objects.create(person=person)
    return referent, person
