"""The plan's governance in a browser: the Landes' programme pilot records a COPIL (inside the plan's period,
2021-2025) with a decision due in ten days, then finds that decision on their home; the governance screens fit a
1 366 px and a 390 px screen without scrolling sideways; axe checks on each."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from jalon.demo.builder import DEMO_PASSWORD
from jalon.programme.governance.models import Decision, Meeting
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]

COPIL = "Comité de pilotage élargi Insertion et Emploi"
DECISION = "Consolider les engagements des signataires pour le bilan final du Pacte"


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_pilot_records_a_copil_with_a_decision_and_sees_it_due_on_their_home(page, live_server, demo):
    due = timezone.localdate() + timedelta(days=10)
    log_in(page, live_server.url, "pilote@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Plan d'action")
    page.get_by_role("link", name=re.compile("Pacte territorial")).first.click()
    page.get_by_role("link", name="Instances et décisions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Instances et décisions")
    check_accessibility(page, "instances-liste")
    page.get_by_role("link", name=COPIL).click()
    page.get_by_role("link", name="Enregistrer une réunion").click()
    check_accessibility(page, "instances-reunion-formulaire")

    page.get_by_label("Date", exact=True).fill("2025-11-20")
    page.get_by_label("Lieu (Optionnel)").fill("Hôtel du Département, Mont-de-Marsan")
    page.get_by_label("Point 1 de l'ordre du jour").fill("Bilan final du Pacte")
    page.get_by_label("Fiche action du point 1").select_option(index=1)
    page.get_by_label("Relevé de la réunion").fill("Le COPIL arrête le calendrier du bilan final.")
    page.get_by_role("button", name="Enregistrer la réunion").click()
    expect(page.get_by_text("La réunion est enregistrée.")).to_be_visible()
    meeting = Meeting.objects.get(body__name=COPIL, held_on="2025-11-20")
    assert meeting.agenda.get().action is not None

    page.get_by_role("link", name="Ajouter une décision").click()
    page.get_by_label("Décision", exact=True).fill(DECISION)
    page.get_by_label("Porteur : agent du Département").select_option(label="Marc Pilote")
    page.get_by_label("Échéance").fill(due.isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La décision est enregistrée.")).to_be_visible()
    assert Decision.objects.get(meeting=meeting).due_on == due
    check_accessibility(page, "instances-reunion")

    page.goto(f"{live_server.url}/")
    panel = page.locator("section", has=page.get_by_role("heading", name="Instances et décisions"))
    expect(panel.get_by_role("link", name=DECISION)).to_be_visible()
    expect(panel).to_contain_text(f"échéance {due:%d/%m/%Y}")
    check_accessibility(page, "instances-accueil")

    code = meeting.body.programme.code
    pages = [
        f"{live_server.url}/",
        live_server.url + reverse("programme:governance_bodies", args=[code]),
        live_server.url + reverse("programme:governance_body", args=[code, meeting.body_id]),
        live_server.url + reverse("programme:governance_decisions", args=[code]),
        live_server.url + reverse("programme:governance_meeting", args=[code, meeting.pk]),
        live_server.url + reverse("programme:governance_meeting_update", args=[code, meeting.pk]),
    ]
    failures = []
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for url in pages:
            page.goto(url)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            if (overflow := _overflow(page)) > 0:
                failures.append(f"{width} px, {url} : {overflow} px de trop")
    assert not failures, "\n".join(failures)
