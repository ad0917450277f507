"""The end of the path, in a browser, on the demo:
- a référent records a positive exit to an employer of the directory and its points of follow-up; a rupture at
  three months reaches the inbox of the chargé(e) de relation entreprises of the employer's territory;
- the chargé(e) records an employer's commitment and publishes an offer from the employer page, a référent positions
  a person of their caseload on it, the person is hired, and the hire becomes the exit of the path."""

import datetime
import re

import pytest
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from jalon.demo.builder import DEMO_PASSWORD
from jalon.employers.models import Commitment, Employer
from jalon.employment.models import JobOffer, Positioning
from jalon.exits.models import Exit
from jalon.inbox.models import Notification
from jalon.notebook.models import Notebook, ProfessionalProject
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]

REFERENT = "referent@landes.demo.jalon.test"
OFFICER = "admin@landes.demo.jalon.test"  # the demo's chargé de relation entreprises of every territory


def _followed_notebooks(email: str, oriented_before: datetime.date):
    """Open carnets of people the référent follows today, oriented before the given day, with no exit in force."""
    return (
        Notebook.objects.filter(
            closed_on=None,
            person__referent_assignments__referent__email=email,
            person__referent_assignments__ended_on=None,
            person__orientations__decided_on__lt=oriented_before,
        )
        .exclude(Exists(Exit.objects.filter(person=OuterRef("person"), reopened_on=None)))
        .distinct()
        .order_by("pk")
    )


def _employer_of_the_officer() -> Employer:
    employer = (
        Employer.objects.filter(departement_id="40", commune__territories__relations_officers__user__email=OFFICER)
        .order_by("name")
        .first()
    )
    assert employer is not None
    return employer


def _log_out(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()


def test_a_referent_records_a_positive_exit_and_a_rupture_reaches_the_officers_inbox(page, live_server, demo):
    today = timezone.localdate()
    exited_on = today - datetime.timedelta(days=130)  # the points at 1 and 3 months are behind us
    notebook = _followed_notebooks(REFERENT, exited_on).first()
    assert notebook is not None
    person = notebook.person
    employer = _employer_of_the_officer()
    before = Notification.objects.filter(recipient__email=OFFICER).count()

    log_in(page, live_server.url, REFERENT, DEMO_PASSWORD)
    page.goto(live_server.url + reverse("notebook:detail", args=[person.pk]))
    page.get_by_role("link", name="Fin de parcours").click()
    page.get_by_role("link", name="Terminer le parcours").click()
    page.get_by_label("Type de sortie").select_option(label="CDI")
    page.get_by_label("Date de sortie").fill(exited_on.isoformat())
    page.get_by_label("Contrat signé").select_option("cdi")
    page.get_by_label("Poste").fill("Agent de conditionnement")
    page.get_by_label("Employeur de l'annuaire").select_option(str(employer.pk))
    check_accessibility(page, "sortie-formulaire")
    page.get_by_role("button", name="Terminer le parcours").click()
    expect(page.get_by_text("Les points de suivi en emploi sont planifiés.")).to_be_visible()
    exit = Exit.objects.get(person=person, reopened_on=None)
    assert exit.is_positive and exit.employer == employer and exit.employer_name == employer.name

    page.get_by_role("link", name="Enregistrer le point à 1 mois").click()
    page.get_by_label("Date du point").fill((exited_on + datetime.timedelta(days=31)).isoformat())
    page.get_by_label("Toujours en emploi").select_option("oui")
    page.get_by_label("Chez le même employeur").select_option("oui")
    check_accessibility(page, "sortie-point-de-suivi")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le point à 1 mois est enregistré.")).to_be_visible()

    page.get_by_role("link", name="Enregistrer le point à 3 mois").click()
    page.get_by_label("Date du point").fill((exited_on + datetime.timedelta(days=95)).isoformat())
    page.get_by_label("Toujours en emploi").select_option("non")
    page.get_by_label("Fin du contrat le").fill((exited_on + datetime.timedelta(days=80)).isoformat())
    page.get_by_label("Motif de la fin du contrat").fill("rupture à l'initiative de l'employeur")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le point à 3 mois est enregistré.")).to_be_visible()
    expect(page.get_by_test_id("at-risk")).to_contain_text("rupture")
    _log_out(page)

    # The chargé de relation entreprises of the employer's territory is told, in the inbox.
    assert Notification.objects.filter(recipient__email=OFFICER).count() == before + 1
    log_in(page, live_server.url, OFFICER, DEMO_PASSWORD)
    expect(page.get_by_test_id("inbox-count")).to_be_visible()
    page.get_by_test_id("inbox-link").click()
    alert = page.get_by_test_id("inbox-items").get_by_role(
        "link", name=re.compile("rupture relevée au point à 3 mois")
    )
    expect(alert.first).to_be_visible()
    check_accessibility(page, "boite-de-reception-rupture")
    alert.first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.last_name.upper())
    expect(page.get_by_test_id("at-risk")).to_be_visible()


def test_an_officer_publishes_an_offer_a_referent_positions_a_person_who_is_hired(page, live_server, demo):
    today = timezone.localdate()
    year = today.year
    employer = _employer_of_the_officer()
    # A person of the référent's caseload with a job in their professional project, living in a geocoded commune.
    project = (
        ProfessionalProject.objects.filter(
            notebook__in=_followed_notebooks(REFERENT, today - datetime.timedelta(days=30)),
            appellation__isnull=False,
            notebook__person__commune__latitude__isnull=False,
        )
        .select_related("appellation", "notebook__person__commune")
        .order_by("pk")
        .first()
    )
    assert project is not None
    person = project.notebook.person

    # The chargé de relation entreprises: a commitment, then an offer, from the employer page.
    log_in(page, live_server.url, OFFICER, DEMO_PASSWORD)
    expect(page.get_by_test_id("relations-panel")).to_be_visible()
    page.goto(live_server.url + reverse("employers:detail", args=[employer.pk]))
    if not Commitment.objects.filter(employer=employer, year=year).exists():
        page.get_by_role("link", name="Enregistrer un engagement").click()
        page.locator("#id_year").fill(str(year))
        page.locator("#id_hires").fill("2")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text("L'engagement est enregistré.")).to_be_visible()
    page.get_by_role("link", name="Publier une offre").click()
    expect(page.get_by_label("Employeur de l'annuaire")).to_have_value(str(employer.pk))
    page.get_by_label("Métier (appellation ROME)").fill(project.appellation.code)
    page.get_by_label("Intitulé de l'offre").fill("Poste ouvert aux personnes accompagnées")
    page.get_by_label("Type de contrat").select_option("cdi")
    page.get_by_label("Heures par semaine").fill("35")
    page.get_by_label("Lieu de travail (code INSEE de la commune)").fill(person.commune_id)
    check_accessibility(page, "offre-depuis-employeur")
    page.get_by_role("button", name="Publier l'offre").click()
    expect(page.get_by_text("L'offre est publiée")).to_be_visible()
    offer = JobOffer.objects.get(title="Poste ouvert aux personnes accompagnées")
    assert offer.employer == employer and offer.employer_siret == employer.siret
    _log_out(page)

    # The référent finds the person among the matches, positions her, and follows the loop to the hire.
    log_in(page, live_server.url, REFERENT, DEMO_PASSWORD)
    follow_menu(page, "Offres d'emploi")
    page.goto(live_server.url + reverse("employment:offer", args=[offer.pk]))
    row = page.get_by_test_id("match").filter(has=page.get_by_role("link", name=str(person)))
    row.get_by_role("button", name="Positionner").click()
    positioning = Positioning.objects.get(offer=offer, person=person)
    page.goto(live_server.url + reverse("employment:positioning", args=[positioning.pk]))
    for status in ("candidature", "entretien", "embauche"):
        page.get_by_label("Nouveau statut").select_option(status)
        page.get_by_role("button", name="Enregistrer le statut").click()
        expect(page.get_by_text("Le statut du positionnement est enregistré.")).to_be_visible()
    page.get_by_role("link", name="Examiner la sortie proposée").click()
    expect(page.get_by_label("Employeur de l'annuaire")).to_have_value(str(employer.pk))
    check_accessibility(page, "sortie-apres-embauche")
    page.get_by_role("button", name="Terminer le parcours").click()
    exit = Exit.objects.get(person=person, reopened_on=None)
    assert exit.employer == employer and exit.exit_type.to_employment and exit.is_positive
    positioning.refresh_from_db()
    assert positioning.exit == exit

    # The employer page shows the offer and the hire.
    page.goto(live_server.url + reverse("employers:detail", args=[employer.pk]))
    expect(page.get_by_test_id("offers")).to_contain_text("Poste ouvert aux personnes accompagnées")
    expect(page.get_by_role("link", name=str(person))).to_be_visible()
