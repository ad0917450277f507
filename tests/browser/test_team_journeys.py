"""A référent invites a partner into the team with the person's consent; the partner then sees the carnet's
shared notes and never the private ones."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jalon.demo.builder import DEMO_PASSWORD
from jalon.notebook.models import Consent
from jalon.organisations.models import Membership
from jalon.orientation.models import ReferentAssignment
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]


def test_the_partner_joins_with_consent_and_reads_only_shared_notes(page, live_server, demo):
    partner = Membership.objects.select_related("user", "organisation").get(
        user__email="partenaire@landes.demo.jalon.test"
    )
    # A person of the adviser's portfolio whose open carnet the partner's structure does not share yet.
    shared = Consent.objects.filter(organisation=partner.organisation, revoked_on=None).values("notebook__person")
    person = (
        ReferentAssignment.objects.current()
        .filter(referent__email="referent.ft@landes.demo.jalon.test", person__notebook__isnull=False)
        .filter(person__notebook__closed_on=None)
        .exclude(person__in=shared)
        .order_by("pk")
        .first()
        .person
    )
    log_in(page, live_server.url, "referent.ft@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Mon portefeuille")
    check_accessibility(page, "portefeuille-conseiller")
    page.goto(live_server.url + reverse("people:detail", args=[person.pk]))
    page.get_by_role("link", name="Carnet de bord").click()
    page.get_by_role("link", name="Équipe et notes").click()
    team_url = page.url

    # Without the person's consent, the partner cannot join.
    page.get_by_label("Structure", exact=True).select_option(label=partner.organisation.name)
    page.get_by_label("Professionnel").select_option(label=f"{partner.user.get_full_name()} ({partner.user.email})")
    page.locator("#id_member-role").fill("encadrante du chantier")
    page.get_by_role("button", name="Ajouter à l'équipe").click()
    expect(page.get_by_text(re.compile("n'a pas donné son accord au partage"))).to_be_visible()

    page.get_by_label("Structure avec qui la personne accepte de partager son carnet").select_option(
        label=partner.organisation.name
    )
    page.get_by_role("button", name="Enregistrer l'accord").click()
    expect(page.get_by_text("L'accord de la personne est enregistré.")).to_be_visible()
    page.get_by_label("Structure", exact=True).select_option(label=partner.organisation.name)
    page.get_by_label("Professionnel").select_option(label=f"{partner.user.get_full_name()} ({partner.user.email})")
    page.locator("#id_member-role").fill("encadrante du chantier")
    page.get_by_role("button", name="Ajouter à l'équipe").click()
    expect(page.get_by_text("Le professionnel rejoint l'équipe.")).to_be_visible()

    page.get_by_text("privée à ma structure").click()
    page.get_by_label("Note", exact=True).fill("Dette de loyer importante, ne pas en parler au chantier")
    page.get_by_role("button", name="Ajouter la note").click()
    page.get_by_text("partagée avec l'équipe et la personne").click()
    page.get_by_label("Note", exact=True).fill("Disponible les matins à partir de décembre")
    page.get_by_role("button", name="Ajouter la note").click()
    check_accessibility(page, "carnet-equipe")

    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, live_server.url, "partenaire@landes.demo.jalon.test", DEMO_PASSWORD)
    page.goto(team_url)
    expect(page.get_by_text("Vous consultez ce carnet avec l'accord de la personne")).to_be_visible()
    expect(page.get_by_text("Disponible les matins à partir de décembre")).to_be_visible()
    expect(page.get_by_text("Dette de loyer importante")).to_have_count(0)
    check_accessibility(page, "carnet-equipe-partenaire")
