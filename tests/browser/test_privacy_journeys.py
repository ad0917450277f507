"""The Département's administrator and a partner's administrator in Chromium: conventions, a rights request
(export and rectification), API tokens; on a laptop and on a phone, with axe checks."""

import json
import re

import pytest
from playwright.sync_api import expect

from jalon.api.models import ApiToken
from jalon.demo.builder import DEMO_PASSWORD
from jalon.orientation.models import ReferentAssignment
from jalon.privacy.models import DataSharingConvention
from tests.browser.conftest import check_accessibility, log_in


pytestmark = [pytest.mark.browser]

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 768}


def _fits_the_screen(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"la page déborde de {overflow} px sur {page.viewport_size['width']} px"


def test_departement_administrator_answers_a_rights_request_and_keeps_the_register(page, demo, live_server):
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server.url, "admin@landes.demo.jalon.test", DEMO_PASSWORD)

    # The register of conventions, from the home's shortcuts; an empty form is refused in French, writes nothing.
    page.get_by_role("link", name="Conventions de partage").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conventions de partage de données")
    check_accessibility(page, "conventions-departement")
    before = DataSharingConvention.objects.count()
    page.get_by_role("link", name="Ajouter une convention").click()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".fr-error-text, .fr-alert--error").first).to_be_visible()
    assert DataSharingConvention.objects.count() == before

    # A person's file: export of everything held on her, then a rectification with its reason.
    person = ReferentAssignment.objects.filter(ended_on=None, person__departement_id="40").first().person
    page.goto(f"{live_server.url}/personnes/{person.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export des données (JSON)").click()
    exported = json.loads(download.value.path().read_text())
    assert person.last_name in json.dumps(exported, ensure_ascii=False)
    page.get_by_role("link", name="Rectifier l'identité ou les coordonnées").click()
    check_accessibility(page, "rectification")
    page.get_by_label("Prénom").fill("Annie-Claude")
    page.get_by_label("Motif de la rectification").fill("Prénom composé, justificatif d'identité présenté")
    page.get_by_role("button", name=re.compile("Enregistrer|Rectifier")).click()
    page.get_by_text(re.compile(r"Journal des rectifications \(1\)")).click()
    expect(page.get_by_text("Prénom composé, justificatif d'identité présenté").first).to_be_visible()

    # An API token for a partner: the secret is shown once, then the token is revoked.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Jetons d'API").first.click()
    page.get_by_label("Structure du nouveau jeton").select_option(label="Mission locale des Landes")
    page.get_by_role("button", name="Créer un jeton").click()
    page.get_by_label("Nom du jeton").fill("Logiciel de la Mission locale")
    page.get_by_label("Compte utilisé par le jeton").select_option(index=1)
    page.get_by_label("lecture seule", exact=True).check()
    page.get_by_role("button", name="Créer le jeton").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jeton « Logiciel de la Mission locale » créé")
    token = ApiToken.objects.get(name="Logiciel de la Mission locale")
    assert token.key_start in page.content()
    page.get_by_role("link", name="Retour aux jetons").click()
    check_accessibility(page, "jetons-api")
    page.get_by_role("button", name=re.compile("Révoquer le jeton Logiciel de la Mission locale")).click()
    token.refresh_from_db()
    assert token.revoked_at is not None

    # On a phone, the register and the tokens fit the screen.
    page.set_viewport_size(PHONE)
    for url in ("/rgpd/conventions/", "/jetons-api/"):
        page.goto(f"{live_server.url}{url}")
        _fits_the_screen(page)
    check_accessibility(page, "jetons-api-telephone")


def test_partner_administrator_sees_its_own_and_none_of_the_departement(page, demo, live_server):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "admin.asso@landes.demo.jalon.test", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/rgpd/conventions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Conventions de partage de données")
    expect(page.get_by_role("link", name="Ajouter une convention")).to_have_count(0)
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1
    for text in rows.all_inner_texts():
        assert "Les Pins solidaires" in text
    _fits_the_screen(page)
    check_accessibility(page, "conventions-partenaire-telephone")
    # The Département's processes answer like a missing page, in French.
    for url in ("/imports/", "/orientation/seances/", "/journal/", "/orientation/criteres/"):
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 404, url
        expect(page.get_by_role("heading", level=1)).to_contain_text("introuvable")
