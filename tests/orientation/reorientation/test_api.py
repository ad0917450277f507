import pytest
from rest_framework.test import APIClient

from jalon.core.enums import Role
from jalon.orientation.enums import ReorientationStatus
from jalon.orientation.models import ReorientationRequest
from jalon.orientation.reorientation import services
from tests.api.factories import api_client_for
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.orientation.reorientation.conftest import _meeting, _request
from tests.territories.factories import DepartementFactory, RegionFactory


pytestmark = pytest.mark.django_db


def _client(membership) -> APIClient:
    return api_client_for(membership)


def test_a_referent_asks_and_lists_through_the_api(landes, officer, oriented, france_travail, social):
    referent = france_travail[1]
    client = _client(referent)
    bad = client.post("/api/v1/orientation/reorientations/", {"person": oriented.pk, "reason": " "}, format="json")
    assert bad.status_code == 400
    created = client.post(
        "/api/v1/orientation/reorientations/",
        {"person": oriented.pk, "reason": "Santé fragile", "requested_dispositif": social[2].pk},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["requested_type"] == "social"
    again = client.post(
        "/api/v1/orientation/reorientations/", {"person": oriented.pk, "reason": "Encore"}, format="json"
    )
    assert again.status_code == 400 and "déjà en cours" in str(again.json())
    listed = client.get("/api/v1/orientation/reorientations/?statut=demandee").json()
    assert [row["person"] for row in listed["results"]] == [oriented.pk]
    assert client.get("/api/v1/orientation/reorientations/?statut=acceptee").json()["results"] == []
    # Another organisation's référent neither sees nor asks.
    other = MembershipFactory(
        role=Role.REFERENT, organisation__kind="france_travail", organisation__departement=landes
    )
    assert _client(other).get("/api/v1/orientation/reorientations/").json()["results"] == []
    refused = _client(other).post(
        "/api/v1/orientation/reorientations/", {"person": oriented.pk, "reason": "x"}, format="json"
    )
    assert refused.status_code == 404
    assert ReorientationRequest.objects.count() == 1


def test_epl_meetings_through_the_api(landes, officer, oriented, france_travail):
    request = _request(officer, oriented)
    meeting = _meeting(officer)
    services.reorientation_schedule(actor=actor_for(officer), request=request, meeting=meeting)
    gironde = DepartementFactory(code="33", name="Gironde", region=RegionFactory())
    elsewhere = _meeting(
        MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=gironde)
    )
    client = _client(officer)
    listed = client.get("/api/v1/orientation/epl/").json()
    assert [row["id"] for row in listed["results"]] == [meeting.pk]
    assert listed["results"][0]["undecided_count"] == 1
    detail = client.get(f"/api/v1/orientation/epl/{meeting.pk}/").json()
    assert detail["members"][0]["id"] == officer.user.pk
    assert detail["agenda"][0]["person"] == oriented.pk
    assert detail["agenda"][0]["status"] == ReorientationStatus.SCHEDULED
    assert client.get(f"/api/v1/orientation/epl/{elsewhere.pk}/").status_code == 404
    assert _client(france_travail[1]).get("/api/v1/orientation/epl/").status_code == 404
