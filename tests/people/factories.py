import datetime

import factory

from jalon.people.crypto import nir_encrypt, nir_hash
from jalon.people.enums import HouseholdRole, Organisme, RightState
from jalon.people.models import Household, HouseholdMember, Person, RsaRight
from tests.territories.factories import DepartementFactory


class PersonFactory(factory.django.DjangoModelFactory):
    """`nir="2850540192123"` stores it encrypted with its keyed hash, as the importer does."""

    class Meta:
        model = Person

    departement = factory.SubFactory(DepartementFactory)
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    birth_date = factory.Faker("date_of_birth", minimum_age=18, maximum_age=64)
    sex = "2"

    @classmethod
    def _create(cls, model_class, *args, nir=None, **kwargs):
        person = model_class(*args, **kwargs)
        if nir:
            person.nir_encrypted, person.nir_hash = nir_encrypt(nir), nir_hash(nir)
        person.set_normalized_names()
        person.save()
        return person


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    departement = factory.SubFactory(DepartementFactory)
    organisme = Organisme.CAF
    matricule = factory.Sequence(lambda n: f"{1000000 + n}")


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory)
    role = HouseholdRole.APPLICANT
    subject_to_rights_and_duties = True
    joined_on = datetime.date(2024, 1, 1)


class RsaRightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RsaRight

    household = factory.SubFactory(HouseholdFactory)
    state = RightState.OPEN
    request_date = datetime.date(2024, 1, 1)
