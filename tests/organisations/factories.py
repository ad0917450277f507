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
    # The Département's roles are held in the Département's own organisations (decision 0016); other roles
    # in a partner organisation, as most référents and partners are. `kind=` or the trait still win.
    kind = factory.LazyAttribute(
        lambda o: (
            OrganisationKind.CONSEIL_DEPARTEMENTAL if o.for_role in DEPARTEMENT_ROLES else OrganisationKind.ASSOCIATION
        )
    )
    departement = factory.SubFactory(DepartementFactory)

    class Params:
        # The role of the membership being built, if any (set by MembershipFactory).
        for_role = None
        conseil_departemental = factory.Trait(kind=OrganisationKind.CONSEIL_DEPARTEMENTAL)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    # A SubFactory (not a LazyAttribute) so that `organisation__departement=`, `organisation__kind=`, etc.
    # reach the organisation instead of being silently dropped.
    organisation = factory.SubFactory(OrganisationFactory, for_role=factory.SelfAttribute("..role"))
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
