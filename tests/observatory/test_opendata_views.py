"""The « Données ouvertes » screens: a refusal is shown in French and nothing is logged; a download is logged."""

import datetime

import pytest
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.observatory.models import OpenDataSettings
from jalon.observatory.services import catalogue_load, snapshot_compute
from tests.observatory.test_golden import world  # noqa: F401  (the golden population)
from tests.organisations.factories import MembershipFactory, OrganisationFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_client(client, world):  # noqa: F811
    catalogue_load()
    snapshot_compute(departement_id="40", today=datetime.date(2026, 1, 15), full=True, codes=["L69"])
    cd = OrganisationFactory(kind="cd", departement_id="40")
    client.force_login(MembershipFactory(role=Role.ANALYST, organisation=cd).user)
    return client


def test_commune_by_sex_is_refused_on_screen_and_not_logged(analyst_client):
    url = reverse("observatory:opendata_download", args=["L69", "commune", "csv"])
    response = analyst_client.get(url, {"ventilation": "sexe"})
    assert response.status_code == 400
    assert "Les communes sont publiées sans ventilation" in response.content.decode()
    assert not AuditEvent.objects.filter(code=AuditCode.OPENDATA_EXPORTED).exists()


def test_settings_form_refuses_threshold_one(analyst_client):
    response = analyst_client.post(
        reverse("observatory:opendata_settings"),
        {"threshold": 1, "indicators": ["L69"], "segment_level": "territoire", "territory_kind": "sdsei"},
    )
    assert response.status_code == 200
    assert "doit être d&#x27;au moins 3" in response.content.decode()
    assert not OpenDataSettings.objects.exists()


def test_preview_and_download_are_logged(analyst_client):
    page = analyst_client.get(reverse("observatory:opendata_dataset", args=["L69", "commune"]))
    assert page.status_code == 200 and "secret" in page.content.decode()
    response = analyst_client.get(reverse("observatory:opendata_download", args=["L69", "commune", "zip"]))
    assert response["Content-Type"] == "application/zip"
    event = AuditEvent.objects.get(code=AuditCode.OPENDATA_EXPORTED)
    assert (event.data["indicator"], event.data["format"], event.data["level"]) == ("L69", "zip", "commune")
    listing = analyst_client.get(reverse("observatory:opendata_list"))
    assert "Journal des publications" in listing.content.decode() and event.actor_label in listing.content.decode()
