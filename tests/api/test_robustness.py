"""The API's robustness (issue 12): capped pages, ids too large for the database, dates out of any sensible
range, and answers that match the declared schema."""

import datetime

import pytest
import schemathesis
from django.utils import timezone
from rest_framework.test import APIClient

from jalon.api.fields import DATE_RANGE_MESSAGE
from jalon.api.pagination import MAX_LIMIT
from jalon.core.enums import Role
from jalon.notebook.models import Contact, Notebook
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation, OrientationSession, ReferentAssignment
from jalon.wsgi import application
from tests.api.factories import api_token_for
from tests.offer.factories import ServiceFactory, StructureFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db

HUGE = 10**20  # more than a bigint holds


def _client(membership=None) -> APIClient:
    client = APIClient(REMOTE_ADDR="127.0.0.1")
    if membership is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_for(membership)[1]}")
    return client


@pytest.fixture
def landes():
    return DepartementFactory()


@pytest.fixture
def officer(landes):
    return MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=landes)


@pytest.fixture
def carnet(landes):
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
    return Notebook.objects.create(person=person), referent


def test_a_page_holds_at_most_200_records_whatever_the_limit_asked(landes, officer):
    PersonFactory.create_batch(MAX_LIMIT + 5, departement=landes)
    client = _client(officer)

    for limit in (100_000, HUGE):
        answer = client.get("/api/v1/personnes/", {"limit": limit})
        assert answer.status_code == 200
        body = answer.json()
        assert body["count"] == MAX_LIMIT + 5
        assert len(body["results"]) == MAX_LIMIT
        assert f"offset={MAX_LIMIT}" in body["next"]
    # The default page is unchanged; an offset past the end is an empty page, not an error.
    assert len(client.get("/api/v1/personnes/").json()["results"]) == 50
    assert client.get("/api/v1/personnes/", {"offset": HUGE}).json()["results"] == []


def test_the_schema_documents_the_page_cap_and_the_error_answers():
    schema = _client().get("/api/schema/?format=json").json()
    persons = schema["paths"]["/api/v1/personnes/"]["get"]
    limit = next(parameter for parameter in persons["parameters"] if parameter["name"] == "limit")
    assert limit["schema"]["maximum"] == MAX_LIMIT
    assert {"400", "401", "403", "404", "429"} <= set(persons["responses"])
    person = schema["paths"]["/api/v1/personnes/{id}/"]["get"]
    assert person["parameters"][0]["schema"]["maximum"] == 2**63 - 1
    assert "404" in person["responses"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/personnes/{id}/",
        "/api/v1/personnes/{id}/carnet/",
        "/api/v1/orientation/seances/{id}/",
        "/api/v1/orientation/epl/{id}/",
        "/api/v1/foyers/{id}/",
    ],
)
def test_an_id_too_large_for_the_database_is_not_found(officer, path):
    # The path converter refuses it before any query (the schema states the bigint range).
    answer = _client(officer).get(path.format(id=HUGE))
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Page introuvable."}


def test_ids_and_numbers_in_a_body_are_bounded_by_their_column(officer):
    client = _client(officer)
    session = {
        "kind": "info_collective",
        "mode": "sur_place",
        "starts_at": (timezone.now() + datetime.timedelta(days=3)).isoformat(),
        "ends_at": (timezone.now() + datetime.timedelta(days=3, hours=2)).isoformat(),
        "capacity": 40_000,  # a smallint column
    }
    answer = client.post("/api/v1/orientation/seances/", session, format="json")
    assert answer.status_code == 400
    assert "32767" in answer.json()["capacity"][0]
    assert not OrientationSession.objects.exists()

    decision = {"person": HUGE, "orientation_type": "social", "organisation": 1, "referent": 1}
    answer = client.post("/api/v1/orientation/decisions/", decision, format="json")
    assert answer.status_code == 400
    assert answer.json()["person"] == ["Identifiant inconnu."]


def test_participant_and_person_ids_too_large_are_refused_in_french(officer):
    starts = timezone.now() + datetime.timedelta(days=3)
    created = _client(officer).post(
        "/api/v1/orientation/seances/",
        {
            "kind": "info_collective",
            "mode": "sur_place",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + datetime.timedelta(hours=2)).isoformat(),
            "capacity": 10,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    session_url = f"/api/v1/orientation/seances/{created.json()['id']}"
    answer = _client(officer).post(f"{session_url}/presences/", {"attendance": {str(HUGE): "present"}}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"attendance": ["Identifiant de participant invalide."]}
    answer = _client(officer).post(f"{session_url}/invitations/", {"persons": [HUGE]}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"persons": {"0": ["Identifiant inconnu."]}}


def test_a_date_in_year_261_is_refused_in_french(officer, carnet):
    notebook, referent = carnet
    answer = _client(referent).post(
        f"/api/v1/personnes/{notebook.person_id}/carnet/contacts/",
        {"occurred_on": "0261-03-01", "kind": "telephone", "summary": "Appel"},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["occurred_on"] == [DATE_RANGE_MESSAGE]
    assert not Contact.objects.exists()

    answer = _client(officer).get("/api/v1/personnes/", {"birth_date": "0261-03-01"})
    assert answer.status_code == 400
    assert answer.json()["birth_date"] == [DATE_RANGE_MESSAGE]

    session = {
        "kind": "info_collective",
        "mode": "sur_place",
        "starts_at": "0261-03-01T09:00:00+01:00",
        "ends_at": "0261-03-01T11:00:00+01:00",
        "capacity": 10,
    }
    answer = _client(officer).post("/api/v1/orientation/seances/", session, format="json")
    assert answer.status_code == 400
    assert answer.json()["starts_at"] == [DATE_RANGE_MESSAGE]
    assert not OrientationSession.objects.exists()


@pytest.mark.usefixtures("keep_connection")
def test_a_structure_without_description_is_served_within_the_schema():
    ServiceFactory(structure=StructureFactory(description=""))
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    case = schema["/api/v1/offre/structures/"]["GET"].Case()
    response = case.call()
    assert response.status_code == 200
    assert response.json()["results"][0]["description"] is None
    case.validate_response(response)  # raises if the answer breaks the declared schema
    # The official model requires a service's description: the schema says so too.
    service = schema.raw_schema["components"]["schemas"]["ServiceRecord"]["properties"]["description"]
    assert not service.get("nullable")


def test_an_unknown_api_address_answers_json():
    answer = _client().get("/api/v1/nulle-part/")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Page introuvable."}
