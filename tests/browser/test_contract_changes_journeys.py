"""A référent ends a contract early at 1 366 px: the page does not overflow and the ended contract says why."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jalon.demo.builder import DEMO_PASSWORD
from tests.browser.conftest import check_accessibility, contract_in_force, log_in


pytestmark = [pytest.mark.browser]


def test_a_referent_ends_a_contract_in_force(page, live_server, demo):
    contract = contract_in_force("referent.ft@landes.demo.jalon.test")
    person_pk = contract.notebook.person_id
    log_in(page, live_server.url, "referent.ft@landes.demo.jalon.test", DEMO_PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/carnets/{person_pk}/contrats/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Contrats de")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, overflow
    check_accessibility(page, "contrats")
    page.locator(f"a[href$='/contrats/{contract.pk}/fin/']").click()
    check_accessibility(page, "contrat-fin")
    page.get_by_label("Motif").select_option(label="reprise d'emploi ou de formation")
    page.get_by_role("button", name="Terminer le contrat").click()
    expect(page.get_by_text("terminé avant son terme (reprise d'emploi ou de formation)")).to_be_visible()
    contract.refresh_from_db()
    assert contract.ends_on == timezone.localdate() and contract.end_reason == "emploi"
