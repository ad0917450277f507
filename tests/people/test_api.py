import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.intake.enums import ImportStatus
from tests.api.factories import api_client_for
from tests.intake.flux_builder import H, P, flux
from tests.organisations.factories import MembershipFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory


pytestmark = pytest.mark.django_db


def _client(membership) -> APIClient:
    # Partners' systems authenticate with a token; the membership decides what they see.
    return api_client_for(membership)


def test_person_endpoints_are_scoped_and_audited():
    member = HouseholdMemberFactory(person=PersonFactory(last_name="Dupont", nir="2850540192123"))
    RsaRightFactory(household=member.household)
    departement = member.person.departement
    referent = MembershipFactory(role=Role.REFERENT, organisation__kind="cd", organisation__departement=departement)
    client = _client(referent)

    listing = client.get("/api/v1/personnes/", {"name": "dupont"}).json()
    assert listing["count"] == 1 and listing["results"][0]["last_name"] == "Dupont"
    detail = client.get(f"/api/v1/personnes/{member.person.pk}/").json()
    assert detail["nir"] == "2 85 05 40 192 123"
    assert detail["households"][0]["right"]["state"] == 2
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, person_id=member.person.pk).count() == 1
    household = client.get(f"/api/v1/foyers/{member.household.pk}/").json()
    assert household["members"][0]["person_id"] == member.person.pk

    manager = MembershipFactory(
        role=Role.TERRITORY_MANAGER, organisation__kind="cd", organisation__departement=departement
    )
    assert "•" in _client(manager).get(f"/api/v1/personnes/{member.person.pk}/").json()["nir"]
    elsewhere = MembershipFactory(
        role=Role.REFERENT,
        organisation__kind="cd",
        organisation__departement=DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory()),
    )
    assert _client(elsewhere).get(f"/api/v1/personnes/{member.person.pk}/").status_code == 404
    assert _client(elsewhere).get("/api/v1/personnes/").json()["count"] == 0
    partner = MembershipFactory(role=Role.PARTNER, organisation__departement=departement)
    assert _client(partner).get("/api/v1/personnes/").status_code == 404
    assert APIClient().get("/api/v1/personnes/").status_code in (401, 403)


def test_flux_upload_endpoint(django_capture_on_commit_callbacks):
    departement = DepartementFactory()
    CommuneFactory(code="40192", departement=departement)
    admin = MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=departement)
    client = _client(admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = flux([H("1234567", [P("DUPONT", "Marie", "1985-05-06", "2850540192123")])])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/flux-caf/", {"file": SimpleUploadedFile("f.xml", content)}, format="multipart"
        )
    assert response.status_code == 202
    run = client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert run["status"] == ImportStatus.DONE and run["households_created"] == 1
    bad = client.post("/api/v1/imports/flux-caf/", {"file": SimpleUploadedFile("f.csv", b"a;b")}, format="multipart")
    assert bad.status_code == 400 and "XML" in str(bad.json())


def test_openapi_schema_has_no_warning():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
