"""The offer's other screens in a browser, with their accessibility checked: a structure's member keeps a service
up to date, a référent records a measure, the pilot reads the coverage and the figures of measures, plateaux and
referrals."""

import re

import pytest
from playwright.sync_api import expect

from jalon.demo.builder import DEMO_PASSWORD
from jalon.offer.enums import OfferStatus
from jalon.offer.models import Measure, Service
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]


def _log_out(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()


def test_the_offer_screens_for_a_structure_a_referent_and_the_pilot(page, live_server, demo):
    # The demo ACI's member: their structure's services, one confirmed up to date.
    log_in(page, live_server.url, "partenaire@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Services de ma structure")
    expect(page.get_by_role("heading", level=1)).to_have_text("Services de ma structure")
    check_accessibility(page, "offre-mes-services")
    service = Service.objects.filter(
        structure__organisation=demo.organisations["aci"], status=OfferStatus.PUBLISHED
    ).first()
    page.get_by_role("link", name=re.compile("^Nouveau service de ")).first.click()
    check_accessibility(page, "offre-service-nouveau")
    page.go_back()
    page.get_by_role("link", name=service.name).first.click()
    check_accessibility(page, "offre-service")
    page.get_by_role("button", name="Confirmer qu'il est à jour").click()
    service.refresh_from_db()
    assert service.last_confirmed_on is not None
    _log_out(page)

    # A référent records an immersion for a person of their caseload; a too long one is refused in French.
    log_in(page, live_server.url, "referent.ft@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Mon portefeuille")
    href = page.locator("tbody tr a[href^='/personnes/']").first.get_attribute("href")
    person_pk = int(re.search(r"/personnes/(\d+)/", href or "").group(1))  # type: ignore[union-attr]
    page.goto(f"{live_server.url}/carnets/{person_pk}/contrats/")
    page.get_by_role("link", name="Mesures").click()
    check_accessibility(page, "offre-mesures")
    before = Measure.objects.filter(person_id=person_pk).count()
    page.locator("#id_kind").select_option(label="immersion (PMSMP)")
    page.locator("#id_starts_on").fill("2026-12-01")
    page.locator("#id_ends_on").fill("2027-02-01")
    page.locator("#id_employer_name").fill("Boulangerie du marché")
    page.get_by_role("button", name="Enregistrer la mesure").click()
    expect(page.get_by_text("Une immersion (PMSMP) dure un mois au plus")).to_be_visible()
    assert Measure.objects.filter(person_id=person_pk).count() == before
    page.locator("#id_ends_on").fill("2026-12-12")
    page.get_by_role("button", name="Enregistrer la mesure").click()
    expect(page.get_by_text("Mesure enregistrée")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("Boulangerie du marché")
    assert Measure.objects.filter(person_id=person_pk).count() == before + 1
    _log_out(page)

    # The pilot: coverage of the offer, then the figures of measures, plateaux and referrals.
    log_in(page, live_server.url, "pilote@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Couverture de l'offre")
    check_accessibility(page, "offre-couverture")
    follow_menu(page, "Chiffres des mesures et plateaux")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chiffres des mesures et des plateaux techniques")
    expect(page.get_by_role("table", name=re.compile("Indicateurs des plateaux techniques"))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Orientations par thématique"))).to_be_visible()
    check_accessibility(page, "offre-chiffres")
    # The plateaux techniques: the list, then one plateau with its groupement and modules.
    follow_menu(page, "Plateaux techniques")
    check_accessibility(page, "offre-plateaux")
    page.locator("tbody th a").first.click()
    expect(page.get_by_role("heading", name="Modules")).to_be_visible()
    expect(page.get_by_text("Mandataire du groupement")).to_be_visible()
    check_accessibility(page, "offre-plateau")
