"""The header's one search field: name, birth date (JJ/MM/AAAA), NIR, matricule or internal id, scoped and audited."""

import datetime

import pytest
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from tests.organisations.factories import MembershipFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import DepartementFactory, RegionFactory


pytestmark = pytest.mark.django_db

NIR = "2850540192123"


def _staff(departement, role=Role.REFERENT):
    membership = MembershipFactory(role=role, organisation__kind="cd")
    membership.organisation.departement = departement
    membership.organisation.save()
    return membership


@pytest.fixture
def person():
    person = PersonFactory(
        last_name="Lefèvre-Dupré",
        first_name="Élodie",
        birth_date=datetime.date(1990, 3, 4),
        nir=NIR,
        internal_id="IODAS-42",
    )
    member = HouseholdMemberFactory(
        person=person, household__matricule="0456789", household__departement=person.departement
    )
    RsaRightFactory(household=member.household)
    PersonFactory(departement=person.departement, last_name="Martin", first_name="Paul")
    return person


@pytest.mark.parametrize(
    "typed",
    [
        "lefevre dupre",
        "Élodie",
        "04/03/1990",
        "4/3/1990",
        "2 85 05 40 192 123",
        "285054019212345",
        "0456789",
        "IODAS-42",
    ],
)
def test_the_header_field_finds_by_each_identifier(login_as, person, typed):
    page = login_as(_staff(person.departement)).get(reverse("people:search"), {"q": typed}).content.decode()
    assert "LEFÈVRE-DUPRÉ Élodie" in page and "MARTIN" not in page


def test_a_name_and_a_birth_date_together(login_as, person):
    PersonFactory(
        departement=person.departement, last_name="Lefèvre", first_name="Anne", birth_date=datetime.date(1970, 1, 1)
    )
    page = login_as(_staff(person.departement)).get(reverse("people:search"), {"q": "lefevre 04/03/1990"})
    assert [found.pk for found in page.context["page_obj"]] == [person.pk]


def test_an_impossible_date_is_refused_in_french(login_as, person):
    page = login_as(_staff(person.departement)).get(reverse("people:search"), {"q": "31/02/1990"}).content.decode()
    assert "n&#x27;est pas une date" in page or "n'est pas une date" in page


def test_the_header_search_never_finds_outside_the_actors_scope(login_as, person):
    elsewhere = DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory(code="75"))
    client = login_as(_staff(elsewhere))
    for typed in ["lefevre", "04/03/1990", NIR, "0456789", "IODAS-42"]:
        page = client.get(reverse("people:search"), {"q": typed})
        assert list(page.context["page_obj"]) == [], typed


def test_the_header_search_is_audited_without_the_nir(login_as, person):
    login_as(_staff(person.departement)).get(reverse("people:search"), {"q": "2 85 05 40 192 123"})
    login_as(_staff(person.departement)).get(reverse("people:search"), {"q": "IODAS-42"})
    nir_event, id_event = AuditEvent.objects.filter(code=AuditCode.PERSON_SEARCHED).order_by("pk")
    assert nir_event.data["criteria"] == {"nir": True} and nir_event.data["results"] == 1
    assert NIR not in str(nir_event.data)
    assert id_event.data["criteria"] == {"identifier": "IODAS-42"} and id_event.data["results"] == 1


def test_the_field_is_in_the_header_only_for_roles_that_search_persons(login_as, person):
    referent = login_as(_staff(person.departement)).get(reverse("workspace:home")).content.decode()
    assert 'id="recherche-personnes-champ"' in referent
    pilot = (
        login_as(_staff(person.departement, role=Role.PROGRAMME_PILOT)).get(reverse("workspace:home")).content.decode()
    )
    assert "recherche-personnes-champ" not in pilot
