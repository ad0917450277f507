import re

import pytest
from playwright.sync_api import expect

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.demo.builder import DEMO_PASSWORD
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]


def test_analyst_opens_a_cohort_its_trajectories_and_the_data_quality_panel(page, live_server, demo):
    log_in(page, live_server.url, "analyste@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Cohortes et trajectoires")
    expect(page.get_by_role("heading", name="Cohortes d'entrants")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Orientées Une orientation en cours", exact=False)).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Les douze dernières cohortes mensuelles"))).to_be_visible()
    check_accessibility(page, "cohorte")

    page.get_by_role("link", name="Trajectoires de cette cohorte").click()
    chart = page.get_by_role("img", name="Trajectoires des entrants")
    expect(chart).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Transitions entre deux dates"))).to_be_visible()
    check_accessibility(page, "cohorte-trajectoires")

    follow_menu(page, "Qualité des données")
    expect(page.get_by_role("heading", name="Qualité des données", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Dernier import réussi"))).to_be_visible()
    check_accessibility(page, "qualite-donnees")

    page.get_by_role("link", name="personnes à corriger : DSP complètes").click()
    expect(page.get_by_role("heading", name="DSP complètes")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("personnes à corriger"))).to_be_visible()
    check_accessibility(page, "qualite-liste")
    assert AuditEvent.objects.filter(
        code=AuditCode.PERSON_VIEWED, data__screen="qualité des données : DSP complètes"
    ).exists()
