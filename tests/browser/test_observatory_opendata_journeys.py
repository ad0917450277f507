import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.demo.builder import DEMO_PASSWORD
from jalon.observatory.services import snapshot_compute
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]


def test_analyst_previews_a_dataset_and_downloads_its_csv(page, live_server, demo):
    # A small demo stores only the running periods (the nightly share): compute last year's values for L69.
    today = timezone.localdate()
    snapshot_compute(departement_id="40", today=today, full=True, first_day=date(today.year - 1, 1, 1), codes=["L69"])
    log_in(page, live_server.url, "analyste@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Données ouvertes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Données ouvertes")
    check_accessibility(page, "donnees-ouvertes")

    page.get_by_role("link", name="Aperçu de L69 par communes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("L69")
    table = page.locator("table", has=page.locator("caption", has_text="Aperçu du jeu de données"))
    expect(table.get_by_role("rowheader").first).to_be_visible()
    # The demo's small communes are masked.
    expect(table.locator("td .fr-badge", has_text="secret").first).to_be_visible()
    check_accessibility(page, "donnees-ouvertes-apercu")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger : CSV").click()
    download = download_info.value
    assert download.suggested_filename == "donnees-ouvertes-40-l69-commune-annee.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows and {r["statut"] for r in rows} == {"diffuse", "secret"}
    assert all(r["valeur"] == "" for r in rows if r["statut"] == "secret")
    assert all(not 0 < int(r["valeur"]) < 5 for r in rows if r["statut"] == "diffuse")
    assert AuditEvent.objects.filter(code=AuditCode.OPENDATA_EXPORTED, actor__email__startswith="analyste@").exists()

    # The publication log shows the export.
    page.get_by_role("link", name="Données ouvertes").first.click()
    expect(page.locator("table", has=page.locator("caption", has_text="Exports")).get_by_text("csv")).to_be_visible()
