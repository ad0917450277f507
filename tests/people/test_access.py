"""Who may see a person's file, what they see of the NIR, and the audit trail of every view."""

import datetime
import re

import pytest
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from tests.organisations.factories import MembershipFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory, TerritoryFactory


pytestmark = pytest.mark.django_db

NIR = "2850540192123"


def _staff(role=Role.REFERENT, departement=None, kind="cd"):
    membership = MembershipFactory(role=role, organisation__kind=kind)
    if departement is not None:
        membership.organisation.departement = departement
        membership.organisation.save()
    return membership


def test_departement_staff_sees_the_file_and_the_view_is_audited(login_as):
    person = PersonFactory(last_name="Dupont", first_name="Marie", nir=NIR)
    staff = _staff(departement=person.departement)
    response = login_as(staff).get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    assert "DUPONT Marie" in response.content.decode()
    event = AuditEvent.objects.get(code=AuditCode.PERSON_VIEWED)
    assert event.person_id == person.pk
    assert event.actor == staff.user
    assert event.organisation == staff.organisation
    assert event.data == {"nir_shown": True}


def test_nir_is_shown_in_full_only_to_roles_that_need_it(login_as):
    person = PersonFactory(nir=NIR)
    referent = login_as(_staff(Role.REFERENT, person.departement)).get(reverse("people:detail", args=[person.pk]))
    assert "2 85 05 40 192 123" in referent.content.decode()
    manager = login_as(_staff(Role.TERRITORY_MANAGER, person.departement)).get(
        reverse("people:detail", args=[person.pk])
    )
    page = manager.content.decode()
    assert "2 85 05 •• ••• •••" in page
    assert "192 123" not in page
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, data={"nir_shown": False}).count() == 1


@pytest.mark.parametrize("case", ["other_departement", "partner_organisation", "partner_role", "unknown"])
def test_everyone_else_gets_the_same_404(login_as, case):
    person = PersonFactory()
    landes = person.departement
    if case == "other_departement":
        other = DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory())
        actor = _staff(departement=other)
    elif case == "partner_organisation":
        actor = _staff(departement=landes, kind="association")
    elif case == "partner_role":
        actor = _staff(Role.PARTNER, departement=landes)
    else:
        actor = _staff(departement=landes)
    pk = 999_999 if case == "unknown" else person.pk
    response = login_as(actor).get(reverse("people:detail", args=[pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED).exists()


def test_territory_limited_staff_only_sees_people_of_their_communes(login_as):
    departement = DepartementFactory()
    inside, outside = (
        CommuneFactory(code="40192", departement=departement),
        CommuneFactory(code="40088", departement=departement),
    )
    territory = TerritoryFactory(departement=departement)
    territory.communes.set([inside])
    manager = _staff(Role.TERRITORY_MANAGER, departement)
    manager.territories.set([territory])
    person_inside = PersonFactory(departement=departement, commune=inside)
    person_outside = PersonFactory(departement=departement, commune=outside)
    client = login_as(manager)
    assert client.get(reverse("people:detail", args=[person_inside.pk])).status_code == 200
    assert client.get(reverse("people:detail", args=[person_outside.pk])).status_code == 404


def test_search_by_each_criterion(login_as):
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
    client = login_as(_staff(departement=person.departement))
    url = reverse("people:search")
    for criteria in [
        {"name": "lefevre dupre"},
        {"name": "ELODIE"},
        {"birth_date": "1990-03-04"},
        {"nir": "2 85 05 40 192 123"},
        {"matricule": "0456789"},
        {"internal_id": "IODAS-42"},
    ]:
        page = client.get(url, criteria).content.decode()
        assert "LEFÈVRE-DUPRÉ Élodie" in page, criteria
        assert "MARTIN" not in page, criteria
        assert "droit ouvert et versable" in page


def test_search_rejects_an_empty_form_and_a_malformed_nir(login_as):
    client = login_as(_staff())
    assert "Renseignez au moins un critère" in client.get(reverse("people:search"), {"name": ""}).content.decode()
    assert "Le NIR comporte 13 caractères" in client.get(reverse("people:search"), {"nir": "12345"}).content.decode()


def test_search_results_are_paginated_with_a_constant_number_of_queries(login_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    departement = DepartementFactory()
    client = login_as(_staff(departement=departement))

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("people:search"), {"name": "martin"})
        assert page.status_code == 200
        return len(ctx.captured_queries), page.content.decode()

    for _ in range(3):
        HouseholdMemberFactory(
            person=PersonFactory(departement=departement, last_name="Martin"), household__departement=departement
        )
    few, _ = queries()
    for _ in range(40):
        HouseholdMemberFactory(
            person=PersonFactory(departement=departement, last_name="Martin"), household__departement=departement
        )
    many, page = queries()
    assert many == few
    assert "43 résultats" in page
    assert len(re.findall(r'href="/personnes/\d+/"', page)) == 25


def test_household_page_is_scoped_and_audited(login_as):
    member = HouseholdMemberFactory()
    RsaRightFactory(household=member.household)
    staff = _staff(departement=member.person.departement)
    assert login_as(staff).get(reverse("people:household", args=[member.household.pk])).status_code == 200
    assert AuditEvent.objects.filter(code=AuditCode.HOUSEHOLD_VIEWED).count() == 1
    other = _staff(departement=DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory()))
    assert login_as(other).get(reverse("people:household", args=[member.household.pk])).status_code == 404


def test_the_history_on_a_person_file_is_paginated_with_constant_queries(login_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jalon.people.enums import ChangeKind
    from jalon.people.models import ChangeEvent

    person = PersonFactory()
    client = login_as(_staff(departement=person.departement))
    url = reverse("people:detail", args=[person.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url).content.decode()
        return len(ctx.captured_queries), page

    ChangeEvent.objects.bulk_create([ChangeEvent(kind=ChangeKind.IDENTITY_UPDATED, person=person) for _ in range(3)])
    few, _ = count()
    ChangeEvent.objects.bulk_create([ChangeEvent(kind=ChangeKind.IDENTITY_UPDATED, person=person) for _ in range(120)])
    many, page = count()
    assert many == few
    assert "123 résultats" in page
    assert page.count("identité ou coordonnées modifiées") == 50
