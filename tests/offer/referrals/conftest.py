import datetime
from dataclasses import dataclass

import pytest

from jalon.core.enums import Role
from jalon.notebook.models import Notebook
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation, ReferentAssignment
from tests.conftest import actor_for
from tests.offer.factories import ServiceFactory, StructureFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory


@dataclass
class World:
    notebook: Notebook
    referent: object  # the sender's membership (France Travail)
    member: object  # a member of the receiving structure's organisation
    service: object  # published, of a structure with a Jalon account
    external_service: object  # published, of a structure without account (answers through the secure link)
    outsider: object  # a professional of yet another organisation

    @property
    def person(self):
        return self.notebook.person

    @property
    def sender(self):
        return actor_for(self.referent)

    @property
    def receiver(self):
        return actor_for(self.member)


@pytest.fixture
def world(mont_de_marsan):
    landes = mont_de_marsan.departement
    agency = OrganisationFactory(name="France Travail Mont-de-Marsan", kind="france_travail", departement=landes)
    referent = MembershipFactory(
        role=Role.REFERENT,
        organisation=agency,
        user__first_name="Léa",
        user__last_name="Roux",
        user__email="lea.roux@exemple.test",
    )
    person = PersonFactory(
        departement=landes,
        commune=mont_de_marsan,
        last_name="Dupuis",
        first_name="Camille",
        email="camille.dupuis@exemple.test",
        phone="0612345678",
        nir="2840140192123",
    )
    Orientation.objects.create(
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
        decided_on=datetime.date(2026, 9, 1),
    )
    ReferentAssignment.objects.create(person=person, referent=referent.user, organisation=agency)
    association = OrganisationFactory(name="Mobilité 40", kind="association", departement=landes)
    member = MembershipFactory(
        role=Role.PARTNER, organisation=association, user__first_name="Yanis", user__email="yanis@mobilite40.test"
    )
    service = ServiceFactory(
        name="Atelier permis de conduire",
        structure=StructureFactory(name="Mobilité 40", organisation=association, email="contact@mobilite40.test"),
        eligibility_zone=["40"],
    )
    external = ServiceFactory(
        name="Épicerie solidaire",
        structure=StructureFactory(name="Épicerie du Marsan", email="epicerie@exemple.test"),
        eligibility_zone=["40192"],
        email="",
    )
    outsider = MembershipFactory(
        role=Role.PARTNER, organisation__name="Autre association", organisation__departement=landes
    )
    return World(
        notebook=Notebook.objects.create(person=person),
        referent=referent,
        member=member,
        service=service,
        external_service=external,
        outsider=outsider,
    )
