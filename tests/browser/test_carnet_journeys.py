import re

import pytest
from playwright.sync_api import expect

from jalon.demo.builder import DEMO_PASSWORD
from jalon.notebook.enums import FreinStatus
from jalon.notebook.models import NotebookFrein, Objective, RomeAppellation
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]


def test_a_referent_fills_the_carnet_of_a_person_they_follow(page, live_server, demo):
    # The demo loads the real ROME: 10891 is "Aide-soignant / Aide-soignante" (J1501).
    assert RomeAppellation.objects.get(code="10891").rome_id == "J1501"
    log_in(page, live_server.url, "referent.ft@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Mon portefeuille")
    href = page.locator("tbody tr a[href^='/personnes/']").first.get_attribute("href")
    person_pk = re.search(r"/personnes/(\d+)/", href or "").group(1)  # type: ignore[union-attr]

    page.goto(f"{live_server.url}/carnets/{person_pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Carnet de bord de")
    check_accessibility(page, "carnet")

    page.get_by_role("link", name="Mettre à jour la situation").click()
    check_accessibility(page, "carnet-situation")
    mobility = page.locator("#frein-mobilite")
    mobility.get_by_label("Statut").select_option(label="besoin")
    mobility.get_by_label("Précisions").fill("pas de permis")
    page.get_by_role("button", name="Enregistrer la situation").click()
    expect(page.locator("#situation + .fr-table, #situation ~ .fr-table").first).to_contain_text("pas de permis")
    assert NotebookFrein.objects.filter(comment="pas de permis", status=FreinStatus.NEED).exists()

    page.get_by_role("link", name="Ajouter un projet").click()
    check_accessibility(page, "carnet-projet")
    page.get_by_label("Métier visé").fill("10891")
    page.locator("label[for=id_contract_types_0]").click()
    page.get_by_label("Mobilité (km)").fill("30")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("ROME J1501")).to_be_visible()

    page.get_by_role("link", name="Ajouter un objectif").first.click()
    check_accessibility(page, "carnet-objectif")
    page.get_by_label("Intitulé").fill("Passer le permis B")
    page.get_by_label("Rattaché à").select_option(label="mobilité")
    page.get_by_role("button", name="Enregistrer").click()
    check_accessibility(page, "carnet-objectifs")
    objective = Objective.objects.get(title="Passer le permis B", notebook__person_id=person_pk)
    # The demo carnet already holds objectives: open this one's action form.
    page.goto(f"{live_server.url}/carnets/{person_pk}/objectifs/{objective.pk}/actions/nouvelle/")
    page.get_by_label("Intitulé").fill("S'inscrire à l'auto-école")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("cell", name="↳ S'inscrire à l'auto-école")).to_be_visible()
    assert objective.actions.count() == 1

    page.goto(f"{live_server.url}/carnets/{person_pk}/chronologie/")
    check_accessibility(page, "carnet-chronologie")
    expect(page.get_by_test_id("timeline")).to_contain_text("Objectif : Passer le permis B")


def test_the_pilot_reads_the_carnet_figures(page, live_server, demo):
    log_in(page, live_server.url, "pilote@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Chiffres des carnets")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chiffres des carnets de bord")
    expect(page.get_by_role("table").first).to_contain_text("Suivi des carnets par mois")
    check_accessibility(page, "chiffres-carnets")
