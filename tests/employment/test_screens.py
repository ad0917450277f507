import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.employment.models import JobOffer, Positioning
from jalon.exits.models import Exit
from tests.employment.conftest import SIRET


pytestmark = pytest.mark.django_db


def test_publish_an_offer_from_the_form_and_a_missing_rome_is_refused_in_french(world, login_as):
    client = login_as(world.cd_admin)
    data = {
        "employer_name": "Conserverie Lafitte",
        "employer_siret": SIRET,
        "employer_commune": "40192",
        "appellation": "",
        "contract": "cdi",
        "weekly_hours": "35",
        "commune": "40088",
        "published_on": "2026-11-02",
        "positions": "1",
    }
    refused = client.post(reverse("employment:offer_create"), data)
    assert refused.status_code == 200
    assert "sans code ROME est refusée" in refused.content.decode()
    assert not JobOffer.objects.exists()
    response = client.post(reverse("employment:offer_create"), data | {"appellation": "Cariste"})
    offer = JobOffer.objects.get()
    assert response.status_code == 302 and response.url == reverse("employment:offer", kwargs={"pk": offer.pk})


def test_the_offer_page_lists_the_caseload_matches_explained_and_audits_them(world, login_as):
    offer = world.offer()
    client = login_as(world.referent)
    page = client.get(reverse("employment:offer", kwargs={"pk": offer.pk})).content.decode()
    # The person as the page writes her (a random professional's name could be « Durand » too).
    named = escape(str(world.person))
    assert named in page and "même métier : Cariste" in page and "mobilité" in page
    event = AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED).latest("pk")
    assert world.person.pk in event.data["persons"]
    # An outsider sees the offer, not the person.
    other = login_as(world.outsider).get(reverse("employment:offer", kwargs={"pk": offer.pk})).content.decode()
    assert named not in other


def test_the_offers_list_searches_by_rome_and_commune_and_exports_csv(world, login_as):
    world.offer()
    world.offer(appellation=world.aide_soignant, commune=world.mdm, employer_name="Clinique des Pins")
    client = login_as(world.referent)
    page = client.get(reverse("employment:offers"), {"rome": "N1103"}).content.decode()
    assert "Conserverie Lafitte" in page and "Clinique des Pins" not in page
    page = client.get(reverse("employment:offers"), {"commune": "40192", "status": "ouverte"}).content.decode()
    assert "Clinique des Pins" in page and "Conserverie Lafitte" not in page
    csv = b"".join(client.get(reverse("employment:offers_csv"), {"rome": "J1501"}).streaming_content).decode()
    assert "Clinique des Pins" in csv and "Conserverie" not in csv


def test_position_hire_and_record_the_exit_from_the_screens(world, login_as):
    offer = world.offer()
    client = login_as(world.referent)
    url = reverse("employment:positioning_create", kwargs={"pk": offer.pk, "person_pk": world.person.pk})
    assert client.get(url).status_code == 405
    client.post(url)
    client.post(url)  # twice: refused with a message, nothing more written
    positioning = Positioning.objects.get()
    today = timezone.localdate().isoformat()
    for status in ("candidature", "entretien", "embauche"):
        client.post(reverse("employment:positioning", kwargs={"pk": positioning.pk}), {"status": status, "on": today})
    positioning.refresh_from_db()
    assert positioning.status == "embauche" and positioning.steps.count() == 4
    exit_url = reverse("employment:positioning_exit", kwargs={"pk": positioning.pk})
    page = client.get(exit_url).content.decode()
    assert "Conserverie Lafitte" in page and "compte comme sortie positive" in page
    form = {
        "exit_type": world.type("cdi").pk,
        "exited_on": today,
        "contract": "cdi",
        "employer_name": "Conserverie Lafitte",
        "employer_siret": SIRET,
    }
    response = client.post(exit_url, form)
    assert response.status_code == 302
    exit = Exit.objects.get()
    positioning.refresh_from_db()
    assert positioning.exit == exit and exit.person == world.person
    assert client.get(exit_url).status_code == 404  # examined: no second decision


def test_record_a_training_from_the_carnet(world, login_as):
    client = login_as(world.referent)
    url = reverse("employment:training_create", kwargs={"person_pk": world.person.pk})
    refused = client.post(url, {"provider": "AFPA", "title": "Cariste", "certifying": "on", "starts_on": "2026-09-01"})
    assert "niveau de la certification" in refused.content.decode()
    client.post(
        url,
        {
            "provider": "AFPA",
            "title": "Cariste",
            "certifying": "on",
            "level": "3",
            "starts_on": "2026-09-01",
            "funding": "cpf",
        },
    )
    page = client.get(reverse("employment:person", kwargs={"person_pk": world.person.pk})).content.decode()
    assert "Cariste (AFPA)" in page and "CPF" in page
