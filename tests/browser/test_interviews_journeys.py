import re

import pytest
from playwright.sync_api import expect

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.demo.builder import DEMO_PASSWORD
from jalon.orientation.interviews.services import criteria_default_create
from jalon.orientation.models import Interview
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]

HEALTH_REASON = "un problème de santé est à prendre en charge d'abord"


def test_an_interview_proposes_with_its_reasons_then_the_officer_decides(page, live_server, demo):
    criteria_default_create(departement=demo.departement)  # idempotent: the demo step may already have run
    log_in(page, live_server.url, "orientation@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "À orienter")
    person_link = page.locator("tbody tr").first.locator("a[href^='/personnes/']").first
    person_pk = int(re.search(r"/(\d+)/$", person_link.get_attribute("href") or "").group(1))
    page.goto(f"{live_server.url}/orientation/personnes/{person_pk}/entretien/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Entretien d'orientation de")
    check_accessibility(page, "entretien-orientation")

    page.get_by_label("Points forts").fill("Sérieuse, a travaillé dix ans en cuisine")
    page.get_by_label("Besoins").fill("Se soigner avant de reprendre un emploi")
    proposal = page.locator("#proposal")
    # Start from no obstacle at all (the DSP's are ticked in advance), then tick "santé": the proposal follows
    # without leaving the page (htmx).
    for box in page.locator("input[name=obstacles]").all():
        box.uncheck(force=True)
    expect(proposal).not_to_contain_text(HEALTH_REASON)
    page.get_by_label("santé", exact=True).check(force=True)
    expect(proposal).to_contain_text(HEALTH_REASON)
    expect(proposal).to_contain_text("Proposé car")
    page.get_by_label("Diagnostic partagé").fill("Soins en cours ; à revoir dans trois mois.")
    check_accessibility(page, "entretien-proposition")
    page.get_by_role("button", name="Enregistrer l'entretien").click()

    # The decision form shows the reasons and starts from the proposal.
    expect(page.get_by_test_id("interview-proposal")).to_contain_text("Proposé car")
    interview = Interview.objects.get(person_id=person_pk)
    for reason in interview.proposal_reasons:
        expect(page.get_by_test_id("interview-proposal")).to_contain_text(reason)
    expect(page.get_by_label("Type d'orientation")).to_have_value(interview.proposed_type)
    check_accessibility(page, "decision-depuis-entretien")
    page.get_by_label("Type d'orientation").select_option(label="sociale")
    page.get_by_label("Dispositif").select_option(label="Accompagnement social départemental")
    page.get_by_label("Structure en charge").select_option(label="Action sociale — Territoire de Mont-de-Marsan")
    page.get_by_label("Référent de parcours").select_option(label="Sophie Référente (referent@landes.demo.jalon.test)")
    page.get_by_label("Avis de la personne").select_option(label="d'accord")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_test_id("orientation")).to_contain_text("Accompagnement social départemental")

    interview.refresh_from_db()
    assert interview.orientation is not None and interview.orientation.orientation_type == "social"
    assert AuditEvent.objects.filter(code=AuditCode.INTERVIEW_RECORDED, person_id=person_pk).exists()


def test_the_administrator_sets_and_tests_the_criteria(page, live_server, demo):
    criteria_default_create(departement=demo.departement)
    log_in(page, live_server.url, "admin@landes.demo.jalon.test", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/orientation/criteres/")
    table = page.get_by_role("table", name=re.compile("Critères d'orientation du département"))
    expect(table).to_contain_text("moins de 26 ans")
    check_accessibility(page, "criteres-orientation")

    page.get_by_role("spinbutton", name=re.compile("^Âge")).fill("22")
    page.get_by_role("button", name="Tester").click()
    result = page.get_by_test_id("proposal")
    expect(result).to_contain_text("Orientation socio-professionnelle — Mission locale")
    expect(result).to_contain_text("moins de 26 ans (22 ans)")
    check_accessibility(page, "criteres-test")

    page.get_by_role("link", name="Ajouter un critère").click()
    page.get_by_label("Condition", exact=True).select_option(label="âge d'au moins")
    page.get_by_label("Valeur").fill("soixante")
    page.get_by_label("Oriente vers").select_option(label="sociale")
    page.get_by_label("Motif affiché").fill("proche de la retraite")
    page.get_by_role("button", name="Enregistrer le critère").click()
    expect(page.get_by_text("La valeur doit être un nombre entier positif (ans, au plus 120).")).to_be_visible()
    check_accessibility(page, "critere-erreur")
    page.get_by_label("Valeur").fill("60")
    page.get_by_role("button", name="Enregistrer le critère").click()
    expect(table).to_contain_text("proche de la retraite")
