"""The programme pilot's day with the plan, in a browser on the demo: from the home's « Plan d'action » panel to
the Landes plan, a fiche, its yearly review and an indicator's target; checked with axe at 1 366 px and for
horizontal overflow at 390 px."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jalon.demo.builder import DEMO_PASSWORD
from jalon.observatory.models import IndicatorTarget
from jalon.programme.models import ActionIndicator, ProgressReview
from tests.browser.conftest import check_accessibility, log_in
from tests.browser.test_phone_widths import LAPTOP, PHONE, _overflow


pytestmark = [pytest.mark.browser]

PILOT = "pilote@landes.demo.jalon.test"


def test_the_pilot_writes_a_fiches_review_and_sets_its_indicators_target(page, live_server, demo):
    link = (
        ActionIndicator.objects.filter(action__programme__departement_id="40", indicator__unit="taux")
        .select_related("action__programme", "indicator")
        .order_by("action__number")
        .first()
    )
    action, programme = link.action, link.action.programme
    base = live_server.url
    page.set_viewport_size(LAPTOP)
    log_in(page, base, PILOT, DEMO_PASSWORD)

    panel = page.locator("section.fr-card", has=page.get_by_role("heading", level=2, name="Plan d'action", exact=True))
    expect(panel).to_contain_text(re.compile(r"35 actions"))
    panel.get_by_role("link", name="Voir le plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(programme.title)
    check_accessibility(page, "programme-plan")
    page.get_by_role("link", name=f"{action.code} — {action.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{action.code} — {action.title}")
    check_accessibility(page, "programme-fiche")

    page.get_by_role("link", name="Écrire le bilan de l'année").click()
    page.get_by_label("État de l'action à la fin de l'année").select_option("in_progress")
    page.get_by_label("Bilan de l'année").fill("Plateformes d'orientation généralisées sur trois territoires.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Le bilan 2025 est enregistré.")
    expect(page.locator("#content")).to_contain_text("2025 — en cours")

    page.get_by_role("link", name=f"Fixer une cible pour {link.indicator.code}").click()
    page.get_by_label("Année").fill("2025")
    page.get_by_label("Cible").fill("85")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#content")).to_contain_text("2025 : 85,0 %")

    review = ProgressReview.objects.get(action=action, year=2025)
    assert review.status == "in_progress" and review.author.email == PILOT
    assert IndicatorTarget.objects.get(indicator=link.indicator, year=2025, territory=None).value == 0.85

    page.set_viewport_size(PHONE)
    for url in (
        base + reverse("programme:detail", args=[programme.code]),
        base + reverse("programme:action", args=[programme.code, action.pk]),
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert _overflow(page) <= 0, f"{url} : {_overflow(page)} px de trop à 390 px"
