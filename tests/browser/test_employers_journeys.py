"""The relations with employers: a Département user records an employer's commitment in « Les entreprises
s'engagent »; a référent prepares an immersion (PMSMP) for a person of their caseload and, once the prescriber has
validated it, records its review, which proposes the exit of the path."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jalon.core.scoping import Actor
from jalon.demo.builder import DEMO_PASSWORD
from jalon.employers.models import Commitment, Employer, Immersion
from jalon.employers.services import immersion_transition
from jalon.organisations.models import Membership
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]


def test_a_departement_user_records_a_commitment(page, live_server, demo):
    year = timezone.localdate().year
    log_in(page, live_server.url, "admin@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Entreprises")
    expect(page.get_by_role("heading", level=1)).to_have_text("Entreprises")
    check_accessibility(page, "entreprises-annuaire")
    employer = Employer.objects.filter(departement_id="40", commitments=None).order_by("name").first()
    page.get_by_label("Nom, SIRET ou commune").fill(employer.siret)
    page.locator("#content").get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name=employer.name).click()
    check_accessibility(page, "entreprises-fiche")
    page.get_by_role("link", name="Enregistrer un engagement").click()
    page.locator("#id_year").fill(str(year))
    page.locator("#id_immersions_offered").fill("4")
    page.locator("#id_hires").fill("2")
    page.locator("#id_job_datings").fill("1")
    check_accessibility(page, "entreprises-engagement")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("L'engagement est enregistré.")).to_be_visible()
    expect(page.get_by_test_id("commitments")).to_contain_text(str(year))
    commitment = Commitment.objects.get(employer=employer, year=year)
    assert (commitment.immersions_offered, commitment.hires, commitment.job_datings) == (4, 2, 1)


def test_a_referent_creates_an_immersion_and_records_its_review(page, live_server, demo):
    today = timezone.localdate()
    log_in(page, live_server.url, "referent@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Mon portefeuille")
    page.locator("tbody tr").first.get_by_role("link").first.click()
    person_pk = int(re.search(r"/personnes/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
    page.get_by_role("link", name="Carnet de bord").click()
    page.get_by_role("link", name="Immersions").click()
    check_accessibility(page, "immersions-personne")
    page.get_by_role("link", name="Nouvelle immersion").click()
    employer = Employer.objects.filter(departement_id="40").order_by("name").first()
    # Dates after the demo's own immersions: at least a year ahead would not be reviewable, so a past fortnight
    # far back enough to overlap none of them.
    start = today - datetime.timedelta(days=400)
    # Inputs reached by id: optional labels carry "(Optionnel)" and hints.
    page.locator("#id_employer").select_option(str(employer.pk))
    page.locator("#id_starts_on").fill(start.isoformat())
    page.locator("#id_ends_on").fill((start + datetime.timedelta(days=40)).isoformat())
    # The DSFR draws the checkbox on its label: the label takes the click.
    page.locator("label[for='id_objectives_1']").click()
    page.locator("#id_job_title").fill("Agent de conditionnement")
    page.get_by_role("button", name="Créer l'immersion").click()
    expect(page.get_by_text("Une immersion (PMSMP) dure au plus un mois")).to_be_visible()
    check_accessibility(page, "immersion-refusee")
    page.locator("#id_ends_on").fill((start + datetime.timedelta(days=9)).isoformat())
    page.get_by_role("button", name="Créer l'immersion").click()
    expect(page.get_by_test_id("immersion-status")).to_have_text("brouillon")
    immersion = Immersion.objects.get(person_id=person_pk, starts_on=start)

    page.get_by_role("link", name="Soumettre à la signature").click()
    page.get_by_role("button", name="Soumettre à la signature").click()
    expect(page.get_by_test_id("immersion-status")).to_have_text("prête à signer")
    for label in ("Signature de la personne reçue", "Signature de l'entreprise reçue"):
        page.get_by_role("link", name=label).click()
        page.get_by_role("button", name=label).click()
    expect(page.get_by_test_id("immersion-status")).to_have_text("signée, à examiner")
    # The prescriber (the Département's administrator) validates it.
    admin = Membership.objects.get(user__email="admin@landes.demo.jalon.test", role="administrateur")
    immersion_transition(
        actor=Actor(user=admin.user, membership=admin, memberships=(admin,)), immersion=immersion, action="validate"
    )
    page.reload()
    expect(page.get_by_test_id("immersion-status")).to_have_text("validée par le prescripteur")
    check_accessibility(page, "immersion-validee")
    page.get_by_role("link", name="Saisir le bilan").click()
    page.locator("#id_outcome").select_option("completed")
    page.locator("#id_led_to_job").select_option("oui")
    page.get_by_role("button", name="Enregistrer le bilan").click()
    expect(page.get_by_text("Indiquez le contrat proposé.")).to_be_visible()
    page.locator("#id_hire_contract").select_option("cdi")
    page.locator("#id_hire_starts_on").fill((start + datetime.timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Enregistrer le bilan").click()
    expect(page.get_by_test_id("review")).to_contain_text("embauche : CDI")
    page.get_by_role("link", name="Enregistrer la sortie de parcours").click()
    expect(page.locator("#id_employer")).to_have_value(str(employer.pk))
    check_accessibility(page, "sortie-apres-immersion")
    immersion.refresh_from_db()
    assert immersion.led_to_job and immersion.hire_contract == "cdi"
