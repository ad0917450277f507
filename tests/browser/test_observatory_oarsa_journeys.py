import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.demo.builder import DEMO_PASSWORD
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]


def test_analyst_opens_the_oarsa_return_drills_into_a_figure_and_downloads_the_workbook(page, live_server, demo):
    log_in(page, live_server.url, "analyste@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Retour OARSA (DREES)")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Retour OARSA")
    first_table = page.get_by_role("table").first
    expect(first_table.get_by_role("rowheader", name="B1")).to_be_visible()
    shown = first_table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="B1")).locator("td").nth(1)
    b1_value = shown.inner_text().strip()
    check_accessibility(page, "oarsa-retour")

    # The workbook holds the same figure as the screen, in the first block's sheet.
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le classeur DREES (XLSX)").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames[0] == "1 - Orientation" and book.sheetnames[-1] == "Définitions"
    sheet = book["1 - Orientation"]
    assert sheet["G6"].value == "B1"
    cell = sheet["D6"].value
    assert (f"{cell:.1f} %".replace(".", ",") if isinstance(cell, float) else cell) == b1_value

    # The persons behind the denominator of B1: a list of names, and its reading is audited.
    page.get_by_role("link", name=re.compile(r"personnes de l'effectif B de B1$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("B1 au 31/12/")
    expect(page.get_by_role("table").locator("caption")).to_contain_text("effectif B")
    check_accessibility(page, "oarsa-personnes")
    assert AuditEvent.objects.filter(
        code=AuditCode.OARSA_PERSONS_VIEWED, actor__email__startswith="analyste@"
    ).exists()
