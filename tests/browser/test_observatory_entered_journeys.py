"""Entered indicators in a browser: the chantier d'insertion's member enters its late quarter of insertion hours
with its evidence, the Département's pilot validates it from the queue; axe checks on every screen."""

import re

import pytest
from playwright.sync_api import expect

from jalon.demo.builder import DEMO_PASSWORD
from jalon.observatory.entered.models import EnteredValue
from jalon.observatory.models import IndicatorValue
from jalon.observatory.periods import Period
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]


def test_an_owner_enters_a_value_and_a_pilot_validates_it(page, live_server, demo):
    log_in(page, live_server.url, "partenaire@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Valeurs à saisir")
    expect(page.get_by_role("heading", level=1)).to_have_text("Valeurs à saisir")
    check_accessibility(page, "saisies-liste")
    # The late quarter comes first.
    page.get_by_role("link", name=re.compile(r"^Saisir L36")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Saisir L36")
    check_accessibility(page, "saisies-formulaire")
    page.get_by_label("Valeur").fill("-5")
    page.get_by_role("button", name="Soumettre à validation").click()
    expect(page.get_by_text("La valeur ne peut pas être négative.")).to_be_visible()
    before = EnteredValue.objects.count()
    page.get_by_label("Valeur").fill("4 800")
    page.get_by_label("Commentaire").fill("Extraction de l'extranet IAE du trimestre")
    page.get_by_label("Justificatif (fichier)").set_input_files(
        {"name": "heures-insertion.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 heures"}
    )
    page.get_by_role("button", name="Soumettre à validation").click()
    expect(page.get_by_text("soumise à validation").first).to_be_visible()
    assert EnteredValue.objects.count() == before + 1
    entry = EnteredValue.objects.get(indicator__code="L36", value=4800)
    label = Period(entry.period_kind, entry.period_start).label
    check_accessibility(page, "saisies-valeur")
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, live_server.url, "pilote@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Valeurs à saisir")
    page.get_by_role("link", name="Valeurs à valider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Valeurs à valider")
    check_accessibility(page, "saisies-validation")
    page.get_by_role("link", name=f"L36 — {label}").click()
    check_accessibility(page, "saisies-a-valider")
    page.get_by_role("button", name="Valider et publier").click()
    expect(page.get_by_text(f"Valeur de L36 ({label}) validée et publiée.")).to_be_visible()
    entry.refresh_from_db()
    assert entry.status == "validee"
    published = IndicatorValue.objects.get(
        indicator__code="L36", departement_id="40", period_start=entry.period_start, territory_level="departement"
    )
    assert published.value == 4800 and published.run is None
    # The indicator's page shows it beside the other validated quarters.
    page.goto(f"{live_server.url}/observatoire/indicateurs/L36/")
    expect(page.get_by_role("heading", name="Valeurs validées")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(rf"{label} 4800"))).to_be_visible()
    check_accessibility(page, "saisies-indicateur")
