import factory

from jalon.core.enums import Role
from jalon.core.scoping import DEPARTEMENT_ROLES
from jalon.organisations.enums import OrganisationKind
from jalon.organisations.models import Invitation, Membership, Organisation
from tests.accounts.factories import UserFactory
from tests.territories.factories import DepartementFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = OrganisationKind.ASSOCIATION
    departement = factory.SubFactory(DepartementFactory)

    class Params:
        conseil_departemental = factory.Trait(kind=OrganisationKind.CONSEIL_DEPARTEMENTAL)


def _kind_for(organisation):
    # The Département's roles are held in the Département's own organisations (decision 0016); other roles
    # in a partner organisation, as most référents and partners are.
    role = organisation.factory_parent.role
    return OrganisationKind.CONSEIL_DEPARTEMENTAL if role in DEPARTEMENT_ROLES else OrganisationKind.ASSOCIATION


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind=factory.LazyAttribute(_kind_for))
    role = Role.REFERENT

    class Params:
        administrator = factory.Trait(role=Role.ADMINISTRATOR)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invite{n}@exemple.test")
    first_name = "Camille"
    last_name = "Durand"
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.REFERENT
