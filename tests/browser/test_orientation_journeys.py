import re

import pytest
from playwright.sync_api import expect

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.demo.builder import DEMO_PASSWORD
from tests.browser.conftest import check_accessibility, expect_listed, follow_menu, log_in


pytestmark = [pytest.mark.browser]


def test_orientation_officer_orients_the_longest_waiting_person(page, live_server, demo):
    log_in(page, live_server.url, "orientation@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "À orienter")
    check_accessibility(page, "a-orienter")
    first_row = page.locator("tbody tr").first
    name = first_row.locator("td").nth(1).inner_text().strip()  # after the invitation checkbox
    first_row.get_by_role("link", name=re.compile("^Orienter")).click()
    check_accessibility(page, "decision-orientation")
    page.get_by_label("Type d'orientation").select_option(label="professionnelle")
    page.get_by_label("Dispositif").select_option(label="Accompagnement professionnel (France Travail)")
    page.get_by_label("Structure en charge").select_option(label="France Travail — agence de Mont-de-Marsan")
    julien = "Julien Conseiller (referent.ft@landes.demo.jalon.test)"
    page.get_by_label("Référent de parcours").select_option(label=julien)
    page.get_by_label("Avis de la personne").select_option(label="d'accord")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_test_id("orientation")).to_contain_text("France Travail — agence de Mont-de-Marsan")
    check_accessibility(page, "dossier-oriente")
    decided = AuditEvent.objects.filter(code=AuditCode.ORIENTATION_DECIDED, actor__email__startswith="orientation@")
    assert decided.exists()

    page.get_by_text("Référents successifs (1)").click()
    page.get_by_role("link", name="Changer de référent").click()
    check_accessibility(page, "changement-referent")
    page.get_by_role("link", name="Annuler").click()

    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, live_server.url, "referent.ft@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Mon portefeuille")
    expect_listed(page, name)
    check_accessibility(page, "portefeuille")
