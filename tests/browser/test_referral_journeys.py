"""A référent orients a person from their carnet to a service; the structure's member accepts it, then notes the
start and the end; the référent sees the status and the carnet's timeline shows each step."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from jalon.demo.builder import DEMO_PASSWORD
from jalon.notebook.enums import FreinStatus
from jalon.notebook.models import FreinCategory, Notebook, NotebookFrein
from jalon.offer.enums import OfferStatus
from jalon.offer.models import Service, Structure
from jalon.offer.referrals.models import Referral, ReferralStatus
from jalon.organisations.models import Membership
from jalon.people.models import Person
from jalon.territories.geocoding import address_text
from jalon.territories.models import Commune
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]

PARTNER_EMAIL = "partenaire@landes.demo.jalon.test"
SERVICE = "Atelier mobilité — test d'orientation"
FAR_SERVICE = "Atelier permis de Mont-de-Marsan — test"


def _mobility_service(structure: Structure, source_id: str, name: str, commune: tuple[str, str, float, float]):
    """A published service of the permis, open to the whole Landes, received on site in `commune`."""
    code, commune_name, latitude, longitude = commune
    return Service.objects.create(
        source="jalon",
        source_id=source_id,
        structure=structure,
        name=name,
        description="Préparation au permis et location de véhicules.",
        updated_on=datetime.date(2026, 1, 1),
        thematiques=["mobilite--preparer-un-permis"],
        eligibility_zone=["40"],
        status=OfferStatus.PUBLISHED,
        reception_modes=["en-presentiel"],
        insee_code=code,
        commune_name=commune_name,
        latitude=latitude,
        longitude=longitude,
    )


def _receiving_service() -> Service:
    """What the demo may lack: a structure whose Jalon account is the demo partner's organisation, with a service
    in Dax."""
    membership = Membership.objects.select_related("organisation").get(user__email=PARTNER_EMAIL)
    structure = Structure.objects.create(
        source="jalon",
        source_id="test-orientation-structure",
        name=f"{membership.organisation.name} (structure)",
        updated_on=datetime.date(2026, 1, 1),
        organisation=membership.organisation,
        email="accueil@structure.test",
    )
    return _mobility_service(structure, "test-orientation-service", SERVICE, ("40088", "Dax", 43.7065, -1.0601))


def _far_service(structure: Structure) -> Service:
    """The same need met at Mont-de-Marsan, some 50 km from Dax."""
    return _mobility_service(
        structure, "test-orientation-service-loin", FAR_SERVICE, ("40192", "Mont-de-Marsan", 43.89, -0.50)
    )


def _lives_in_dax(person_pk: int) -> None:
    """Her address in Dax, geocoded (BAN is out of reach of the tests)."""
    person = Person.objects.get(pk=person_pk)
    person.commune = Commune.objects.get(code="40088")
    person.address, person.postal_code, person.city, person.homeless = "12 Rue des Carmes", "40100", "Dax", False
    person.latitude, person.longitude = 43.7102, -1.0489
    person.geocoded_address = address_text(person)
    person.save()


def _log_out(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()


def test_a_referral_goes_round_the_loop(page, live_server, demo):
    service = _receiving_service()
    before = Referral.objects.count()  # the demo holds referrals of its own
    log_in(page, live_server.url, "referent.ft@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Mon portefeuille")
    page.locator("tbody tr").first.get_by_role("link").first.click()
    person_pk = int(re.search(r"/personnes/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
    _lives_in_dax(person_pk)
    _far_service(service.structure)
    # Her mobility need: « Services pour ce frein » prepares the search (her commune, the mobility thématiques).
    NotebookFrein.objects.update_or_create(
        notebook=Notebook.objects.get(person_id=person_pk),
        category=FreinCategory.objects.get(code="mobilite"),
        defaults={"status": FreinStatus.NEED},
    )
    page.get_by_role("link", name="Carnet de bord").click()
    page.get_by_role("link", name="Services pour ce frein : mobilité").click()
    expect(page.get_by_text("Recherche préparée depuis le carnet de bord")).to_be_visible()
    check_accessibility(page, "offre-recherche-frein")
    # Near her home first: the closest come first, each with its distance from her address.
    expect(page.get_by_text("Les distances se mesurent depuis l'adresse de la personne")).to_be_visible()
    card = page.locator("li.fr-mb-3w", has=page.get_by_role("heading", name=SERVICE))
    expect(card).to_contain_text("Pourquoi ce résultat")
    expect(card).to_contain_text("à 1 km de l'adresse de la personne")
    # Every distance, then within 20 km (a mobility in her project may have set a maximum already).
    page.locator("#id_distance").select_option("")
    page.locator("#content").get_by_role("button", name="Rechercher").click()
    far_card = page.locator("li.fr-mb-3w", has=page.get_by_role("heading", name=FAR_SERVICE))
    expect(far_card).to_contain_text(re.compile(r"à 4\d km de l'adresse de la personne"))
    page.locator("#id_distance").select_option("20")
    page.locator("#content").get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", name=FAR_SERVICE)).to_have_count(0)
    expect(card).to_be_visible()
    card.get_by_role("link", name=re.compile("Orienter la personne vers ce service")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orienter vers un service")
    check_accessibility(page, "orientation-envoi")
    expect(page.locator("#id_service")).to_have_value(str(service.pk))
    page.locator("#id_message").fill("Projet de permis B, financement accordé.")
    page.locator("#id_shared_information").fill("Disponible le matin, joignable par téléphone.")
    page.get_by_role("button", name="Envoyer l'orientation").click()
    # Without the person's consent: refused in French, nothing sent.
    expect(page.get_by_text("sans son consentement")).to_be_visible()
    assert Referral.objects.count() == before
    page.locator("label[for=id_consent_given]").click()
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(
        page.get_by_text(f"L'orientation vers « {SERVICE} » est envoyée à {service.structure.name}.")
    ).to_be_visible()
    referral = Referral.objects.get(service=service)
    assert (referral.person_id, referral.status) == (person_pk, ReferralStatus.SENT)
    expect(page.locator("tbody tr", has_text=SERVICE)).to_contain_text("envoyée")
    check_accessibility(page, "orientation-carnet")
    # The carnet's page lists it among the referrals under way.
    page.goto(f"{live_server.url}/carnets/{person_pk}/")
    under_way = page.get_by_role("table", name="Orientations envoyées, acceptées ou commencées")
    expect(under_way.locator("tr", has_text=SERVICE)).to_contain_text("envoyée")
    check_accessibility(page, "carnet-orientations-en-cours")
    _log_out(page)

    # --- the structure's member ---------------------------------------------------------------------------------
    log_in(page, live_server.url, PARTNER_EMAIL, DEMO_PASSWORD)
    follow_menu(page, "Orientations reçues")
    expect(page.get_by_role("heading", level=1)).to_have_text("Orientations reçues")
    check_accessibility(page, "orientations-recues")
    page.get_by_role("link", name=f"n° {referral.pk}").click()
    expect(page.get_by_test_id("referral-person")).to_contain_text(referral.person.first_name)
    expect(page.get_by_text("Disponible le matin, joignable par téléphone.")).to_be_visible()
    check_accessibility(page, "orientation-detail")
    for button, status in (
        ("Accepter l'orientation", "acceptée"),
        ("Noter le début de l'accompagnement", "commencée"),
        ("Noter la fin de l'accompagnement", "terminée"),
    ):
        page.get_by_role("button", name=button).click()
        expect(page.get_by_text(f"L'orientation est désormais « {status} ».")).to_be_visible()
        expect(page.get_by_test_id("referral-status")).to_have_text(status)
    expect(page.get_by_test_id("referral-history").locator("li")).to_have_count(4)
    _log_out(page)

    # --- the référent sees the status and the timeline --------------------------------------------------------------
    log_in(page, live_server.url, "referent.ft@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Orientations envoyées")
    row = page.locator("tbody tr", has_text=SERVICE)
    expect(row).to_contain_text("terminée")
    check_accessibility(page, "orientations-envoyees")
    page.goto(f"{live_server.url}/carnets/{person_pk}/chronologie/?kind=orientations_offre")
    timeline = page.get_by_test_id("timeline")
    for status in ("envoyée", "acceptée", "commencée", "terminée"):
        expect(timeline).to_contain_text(f"Orientation vers « {SERVICE} » : {status}")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert Notebook.objects.get(person_id=person_pk).last_activity_at == referral.ended_at
