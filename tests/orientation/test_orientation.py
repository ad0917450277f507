import datetime

import pytest
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Dispositif, Orientation, ReferentAssignment
from jalon.people.enums import ChangeKind, RightState
from jalon.people.models import ChangeEvent
from tests.api.factories import api_client_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def landes():
    return DepartementFactory()


@pytest.fixture
def officer(landes):
    return MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=landes)


@pytest.fixture
def france_travail(landes):
    agency = OrganisationFactory(name="France Travail — Mont-de-Marsan", kind="france_travail", departement=landes)
    referent = MembershipFactory(role=Role.REFERENT, organisation=agency)
    dispositif = Dispositif.objects.create(
        departement=landes, name="Accompagnement professionnel", orientation_type=OrientationType.PROFESSIONAL
    )
    dispositif.organisations.add(agency)
    return agency, referent, dispositif


def _waiting_person(landes, *, state=RightState.OPEN, subject=True, requested=datetime.date(2026, 9, 1), **person):
    member = HouseholdMemberFactory(
        person=PersonFactory(departement=landes, **person),
        household__departement=landes,
        subject_to_rights_and_duties=subject,
    )
    RsaRightFactory(household=member.household, state=state, request_date=requested)
    return member.person


def _decide(client, person, agency, referent, dispositif=None, **extra):
    data = {
        "orientation_type": OrientationType.PROFESSIONAL,
        "organisation": agency.pk,
        "referent": referent.user.pk,
        "person_agreement": "accord",
        **({"dispositif": dispositif.pk} if dispositif else {}),
        **extra,
    }
    return client.post(reverse("orientation:decide", args=[person.pk]), data)


def test_the_queue_holds_subject_people_with_an_open_right_and_no_orientation(
    login_as, officer, landes, france_travail
):
    waiting = _waiting_person(landes, last_name="Attente", requested=datetime.date(2026, 8, 1))
    recent = _waiting_person(landes, last_name="Recent", requested=datetime.date(2026, 11, 1))
    closed = _waiting_person(landes, last_name="Clos", state=RightState.CLOSED)
    not_subject = _waiting_person(landes, last_name="Nonsoumis", subject=False)
    oriented = _waiting_person(landes, last_name="Oriente")
    agency, referent, dispositif = france_travail
    client = login_as(officer)
    _decide(client, oriented, agency, referent, dispositif)
    page = client.get(reverse("orientation:queue")).content.decode()

    def row(person):
        return f'href="{reverse("people:detail", args=[person.pk])}"'

    assert page.index(row(waiting)) < page.index(row(recent))  # oldest request first
    for absent in (closed, not_subject, oriented):
        assert row(absent) not in page


def test_the_queue_answers_with_a_constant_number_of_queries(login_as, officer, landes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login_as(officer)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("orientation:queue")).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        _waiting_person(landes)
    few = count()
    for _ in range(30):
        _waiting_person(landes)
    assert count() == few


def test_a_decision_names_the_referent_keeps_history_and_is_audited(login_as, officer, landes, france_travail):
    person = _waiting_person(landes)
    agency, referent, dispositif = france_travail
    client = login_as(officer)
    response = _decide(client, person, agency, referent, dispositif, person_chose_referent="on")
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    first = Orientation.objects.get(person=person)
    assert first.referent == referent.user and first.person_chose_referent and first.decided_by == officer.user
    assert ReferentAssignment.objects.current().get(person=person).referent == referent.user
    assert AuditEvent.objects.filter(code=AuditCode.ORIENTATION_DECIDED, person_id=person.pk).exists()
    assert set(ChangeEvent.objects.filter(person=person).values_list("kind", flat=True)) == {
        ChangeKind.ORIENTED,
        ChangeKind.REFERENT_CHANGED,
    }

    # A réorientation ends the first decision, which stays in the history.
    cd_referent = MembershipFactory(role=Role.REFERENT, organisation=officer.organisation)
    _decide(client, person, officer.organisation, cd_referent, orientation_type=OrientationType.SOCIAL)
    first.refresh_from_db()
    assert first.ended_on is not None
    assert Orientation.objects.current().get(person=person).orientation_type == OrientationType.SOCIAL
    assert ReferentAssignment.objects.filter(person=person).count() == 2
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Sociale" in page and "Réorienter" in page


@pytest.mark.parametrize("case", ["no_referent", "referent_elsewhere", "dispositif_not_carried"])
def test_bad_decisions_are_refused_in_french_and_write_nothing(login_as, officer, landes, france_travail, case):
    person = _waiting_person(landes)
    agency, referent, dispositif = france_travail
    client = login_as(officer)
    if case == "no_referent":
        response = client.post(
            reverse("orientation:decide", args=[person.pk]),
            {"orientation_type": "social", "organisation": agency.pk, "person_agreement": "accord"},
        )
        expected = "Ce champ est obligatoire."
    elif case == "referent_elsewhere":
        response = _decide(client, person, officer.organisation, referent)
        expected = "n&#x27;est pas membre de"
    else:
        cd_referent = MembershipFactory(role=Role.REFERENT, organisation=officer.organisation)
        response = _decide(client, person, officer.organisation, cd_referent, dispositif)
        expected = "ne porte pas le dispositif"
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not Orientation.objects.exists() and not ReferentAssignment.objects.exists()


def test_the_organisation_in_charge_now_sees_the_person(login_as, officer, landes, france_travail):
    person = _waiting_person(landes)
    agency, referent, dispositif = france_travail
    referent_client = login_as(referent)
    assert referent_client.get(reverse("people:detail", args=[person.pk])).status_code == 404
    _decide(login_as(officer), person, agency, referent, dispositif)
    referent_client = login_as(referent)
    assert referent_client.get(reverse("people:detail", args=[person.pk])).status_code == 200
    caseload = referent_client.get(reverse("orientation:caseload")).content.decode()
    assert person.last_name.upper() in caseload and "Accompagnement professionnel" in caseload
    other_agency_member = MembershipFactory(
        role=Role.REFERENT, organisation__kind="france_travail", organisation__departement=landes
    )
    assert login_as(other_agency_member).get(reverse("people:detail", args=[person.pk])).status_code == 404


def test_only_orientation_roles_decide(login_as, landes, france_travail):
    person = _waiting_person(landes)
    agency, referent, _ = france_travail
    assert login_as(referent).get(reverse("orientation:decide", args=[person.pk])).status_code == 404
    partner = MembershipFactory(role=Role.PARTNER, organisation__departement=landes)
    assert login_as(partner).get(reverse("orientation:queue")).status_code == 404


def test_orientation_api(landes, france_travail):
    person = _waiting_person(landes)
    agency, referent, dispositif = france_travail
    officer = MembershipFactory(
        role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=landes
    )
    client = api_client_for(officer)

    queue = client.get("/api/v1/orientation/a-orienter/").json()
    assert [row["id"] for row in queue["results"]] == [person.pk]
    bad = client.post(
        "/api/v1/orientation/decisions/",
        {
            "person": person.pk,
            "orientation_type": "social",
            "organisation": officer.organisation.pk,
            "referent": referent.user.pk,
        },
        format="json",
    )
    assert bad.status_code == 400 and "n'est pas membre de" in str(bad.json())
    created = client.post(
        "/api/v1/orientation/decisions/",
        {
            "person": person.pk,
            "orientation_type": "professionnel",
            "organisation": agency.pk,
            "referent": referent.user.pk,
            "dispositif": dispositif.pk,
            "person_agreement": "accord",
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["organisation"] == agency.name
    assert client.get("/api/v1/orientation/a-orienter/").json()["count"] == 0
    history = client.get(f"/api/v1/personnes/{person.pk}/orientations/").json()
    assert len(history) == 1 and history[0]["referent"] == referent.user.get_full_name()


def test_changing_the_referent_keeps_the_history(login_as, officer, landes, france_travail):
    person = _waiting_person(landes)
    agency, referent, dispositif = france_travail
    client = login_as(officer)
    _decide(client, person, agency, referent, dispositif)
    colleague = MembershipFactory(role=Role.REFERENT, organisation=agency)
    url = reverse("orientation:change_referent", args=[person.pk])
    refused = client.post(url, {"organisation": agency.pk, "referent": colleague.user.pk, "reason": " "})
    assert "Ce champ est obligatoire." in refused.content.decode()  # a blank reason is refused
    assert ReferentAssignment.objects.filter(person=person).count() == 1
    client.post(url, {"organisation": agency.pk, "referent": colleague.user.pk, "reason": "départ en congé"})
    assignments = list(ReferentAssignment.objects.filter(person=person).order_by("pk"))
    assert [a.referent for a in assignments] == [referent.user, colleague.user]
    assert assignments[0].ended_on is not None and assignments[1].ended_on is None
    assert AuditEvent.objects.filter(code=AuditCode.REFERENT_ASSIGNED, person_id=person.pk).count() == 2
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Référents successifs (2)" in page and "départ en congé" in page
    assert login_as(referent).get(url).status_code == 404
