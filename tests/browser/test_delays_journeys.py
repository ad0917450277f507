import pytest
from playwright.sync_api import expect

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.demo.builder import DEMO_PASSWORD
from jalon.orientation.delays.demo import build as build_delays
from jalon.orientation.models import DelayAlert
from tests.browser.conftest import check_accessibility, log_in


pytestmark = [pytest.mark.browser]


def test_territory_manager_follows_the_delays_and_handles_an_alert(page, live_server, demo):
    build_delays(demo)  # idempotent: a no-op when the demo already ran this step
    assert DelayAlert.objects.open().exists()
    # Claire, the Dax territory's manager, is limited to her territory.
    log_in(page, live_server.url, "manager@landes.demo.jalon.test", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/orientation/delais/")
    summary = page.locator("table", has=page.get_by_text("Personnes en retard par territoire et par étape"))
    expect(summary.get_by_role("rowheader", name="Territoire de Dax")).to_be_visible()
    expect(summary.get_by_role("rowheader", name="Territoire de Mont-de-Marsan")).to_have_count(0)
    check_accessibility(page, "delais")

    page.get_by_label("Étape").select_option(label="premier rendez-vous avec le référent")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("table").nth(1).locator("caption")).to_contain_text("Premier rendez-vous")
    check_accessibility(page, "delais-premier-rendez-vous")

    page.get_by_role("link", name="Alertes à traiter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alertes de délai")
    check_accessibility(page, "alertes")
    page.get_by_role("link", name="Traiter").first.click()
    check_accessibility(page, "alerte-traiter")
    page.get_by_label("Ce qui a été fait").fill("Rendez-vous fixé avec la personne")
    page.get_by_role("button", name="Clore l'alerte").click()
    expect(page.get_by_text("est traitée")).to_be_visible()
    assert AuditEvent.objects.filter(code=AuditCode.ALERT_CLOSED, actor__email__startswith="manager@").exists()


def test_administrator_sets_the_delays_and_the_pilot_reads_the_figures(page, live_server, demo):
    build_delays(demo)
    log_in(page, live_server.url, "admin@landes.demo.jalon.test", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/orientation/delais/parametres/")
    check_accessibility(page, "delais-parametres")
    page.get_by_role("button", name="Appliquer les délais légaux").click()
    expect(page.get_by_text("Délais légaux appliqués (décret n° 2024-1244)")).to_be_visible()
    expect(page.get_by_label("Orientation sous")).to_have_value("42")
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, live_server.url, "pilote@landes.demo.jalon.test", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/observatoire/orientation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chiffres de l'orientation")
    expect(page.locator("caption").first).to_contain_text("Ensemble du département")
    check_accessibility(page, "chiffres-orientation")
