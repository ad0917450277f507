import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.demo.builder import DEMO_PASSWORD
from jalon.observatory.models import IndicatorTarget
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def test_the_pilot_reads_the_summary_sets_a_target_and_downloads_a_portrait(page, live_server, demo):
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server.url, "pilote@landes.demo.jalon.test", DEMO_PASSWORD)
    # The home shows the observatory's headline figures and leads to the summary.
    expect(page.get_by_test_id("observatory-panel")).to_contain_text("Personnes soumises aux droits et devoirs")
    follow_menu(page, "Synthèse de l'observatoire")
    expect(page.get_by_role("heading", level=1)).to_have_text("Synthèse de l'observatoire")
    card = page.get_by_test_id("headline-B1")
    expect(card.get_by_role("img").first).to_be_visible()
    # Each chart's data sits in an accordion under it.
    card.get_by_role("button", name="Territoires et données").click()
    expect(card.get_by_role("rowheader", name="Territoire de Dax")).to_be_visible()
    assert overflow(page) <= 0
    check_accessibility(page, "observatoire-synthese")

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_test_id("headline-L69")).to_be_visible()
    assert overflow(page) <= 0
    check_accessibility(page, "observatoire-synthese-telephone")
    page.set_viewport_size(LAPTOP)

    # A target for the share oriented: a rate over 100 % is refused in French, then 85 % is set.
    page.get_by_role("link", name="Fixer les objectifs").click()
    form = page.get_by_test_id("target-form")
    b1 = form.locator("#id_indicator option", has_text="B1 —").first.get_attribute("value")
    form.get_by_label("Indicateur").select_option(value=b1)
    form.get_by_role("textbox", name="Objectif").fill("150")
    page.get_by_role("button", name="Enregistrer l'objectif").click()
    expect(page.get_by_text("Une part s'exprime entre 0 et 100 %.")).to_be_visible()
    check_accessibility(page, "observatoire-objectifs-erreur")
    page.get_by_test_id("target-form").get_by_role("textbox", name="Objectif").fill("85")
    page.get_by_role("button", name="Enregistrer l'objectif").click()
    expect(page.get_by_text("Objectif 20")).to_contain_text("enregistré")
    expect(page.get_by_test_id("targets")).to_contain_text("85,0 %")
    target = IndicatorTarget.objects.get(indicator__code="B1", territory=None)
    assert target.value == pytest.approx(0.85)
    assert AuditEvent.objects.filter(code=AuditCode.OBSERVATORY_TARGET_SET).exists()
    check_accessibility(page, "observatoire-objectifs")

    page.goto(f"{live_server.url}/observatoire/synthese/")
    expect(page.get_by_test_id("headline-B1").get_by_test_id("headline-target")).to_contain_text("85,0 %")

    # The portrait of a territory, as a PDF.
    follow_menu(page, "Portraits de territoire")
    expect(page.get_by_role("heading", level=1)).to_have_text("Portraits de territoire")
    check_accessibility(page, "observatoire-portraits")
    row = page.get_by_role("row", name="Territoire de Dax")
    with page.expect_download() as download:
        row.get_by_role("link").first.click()
    content = Path(download.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Portrait de territoire" in text and "Territoire de Dax" in text
    assert "Personnes soumises aux droits et devoirs" in text and "Secret statistique" in text
