"""The Dax SDSEI manager of the Landes demo records a payment against the Dax envelope of the 2024 « cas complexes »
line (A.3) and sees the consolidated execution change; the pages fit a 1 366 px laptop and a 390 px phone.

The demo's Landes money (jalon/programme/funding/demo.py): paid 36 000 € on A.2 and 76 000 € on A.3, 112 000 € in
all; the Dax commitment on A.3 (36 000 €) is half paid."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from jalon.demo.builder import DEMO_PASSWORD
from jalon.programme.funding.models import Payment
from jalon.programme.models import Programme
from tests.browser.conftest import check_accessibility, log_in
from tests.browser.test_phone_widths import LAPTOP, PHONE, _overflow, _widest


pytestmark = [pytest.mark.browser]

MANAGER = "manager@landes.demo.jalon.test"


def _fits(page, urls):
    for size in (LAPTOP, PHONE):
        page.set_viewport_size(size)
        for url in urls:
            page.goto(url)
            assert _overflow(page) <= 0, f"{url} à {size['width']} px : {_widest(page)}"


def test_the_sdsei_manager_pays_on_the_envelope_and_sees_the_consolidated_execution(page, live_server, demo):
    base = live_server.url
    programme = Programme.objects.get(departement_id="40")
    execution_url = base + reverse("programme:funding_execution", args=[programme.code])
    page.set_viewport_size(LAPTOP)
    log_in(page, base, MANAGER, DEMO_PASSWORD)

    panel = page.locator("section", has=page.get_by_role("heading", name="Financement du plan"))
    expect(panel).to_contain_text("Les enveloppes ouvertes de votre territoire")
    expect(panel).to_contain_text("Territoire de Dax")
    page.goto(execution_url)
    consolidated = page.locator("#consolide tbody tr")
    expect(consolidated).to_contain_text(re.compile(r"112\s000 €"))
    dax = page.locator("#territoires tbody tr", has_text="Territoire de Dax")
    expect(dax).to_contain_text(re.compile(r"27\s000 €"))

    page.goto(base + "/")
    panel.get_by_role("link", name=re.compile(r"A\.3 — 2024 — CALPAE")).click()
    line_url = page.url
    page.get_by_role("link", name="Mandater sur l'engagement CONV-2024-CC-DAX").click()
    page.get_by_label("Montant mandaté (€)").fill("18000")
    page.get_by_label("Mandaté le").fill(timezone.localdate().isoformat())
    page.get_by_label("Référence du mandat").fill("MANDAT-DAX-2")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le mandatement MANDAT-DAX-2 est enregistré.")).to_be_visible()
    assert Payment.objects.get(reference="MANDAT-DAX-2").amount_eur == 18000
    check_accessibility(page, "financement-ligne-manager")

    page.goto(execution_url)
    expect(page.locator("#consolide tbody tr")).to_contain_text(re.compile(r"130\s000 €"))
    expect(page.locator("#territoires tbody tr", has_text="Territoire de Dax")).to_contain_text(
        re.compile(r"45\s000 €")
    )
    check_accessibility(page, "financement-execution-manager")

    _fits(page, [base + "/", line_url, execution_url])
