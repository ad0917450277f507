"""Surveys in a browser: the Landes pilot builds a questionnaire and a campaign for the people present at a cell
last month; a person answers from a 390 px phone through the single-use link (a second visit thanks them); the
results stay hidden until the anonymity threshold is reached, then show; the closed campaign reports its
satisfaction to L06, which the observatory shows as a draft. axe checks on every screen."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from jalon.core.periods import add_months
from jalon.demo.builder import DEMO_PASSWORD
from jalon.messaging.backends import MemoryBackend
from jalon.observatory.entered.models import EntrySetup
from jalon.observatory.models import Indicator
from jalon.orientation.models import OrientationSession, SessionParticipant
from jalon.people.models import Person
from jalon.surveys import services
from jalon.surveys.models import Campaign
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
TITLE = "Avis des personnes reçues en cellule le mois dernier"
LINK = re.compile(r"https?://[^\s]+/enquetes/r/([\w-]+)/")


def _links() -> list[str]:
    """The single-use links as they were handed to the SMS and e-mail senders (never stored)."""
    bodies = [item["body"] for item in MemoryBackend.outbox] + [message.body for message in mail.outbox]
    return [match.group(0) for body in bodies for match in LINK.finditer(body)]


def _fits(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{overflow} px de trop sur un téléphone"


def test_a_pilot_surveys_last_months_cells_and_the_satisfaction_reaches_the_observatory(
    page, browser, live_server, demo
):
    today = timezone.localdate()
    last_month = add_months(today.replace(day=1), -1)
    # The Département follows L06 month by month (the observatory's setting of the indicator).
    EntrySetup.objects.update_or_create(
        indicator=Indicator.objects.get(code="L06"),
        departement_id="40",
        defaults={"period_kind": "mois", "starts_on": add_months(last_month, -12)},
    )
    # The small demo holds few people per cell: last month's first cell received a few more, reachable by e-mail.
    cells = OrientationSession.objects.filter(
        departement_id="40",
        kind="cellule",
        cancelled_at=None,
        starts_at__date__range=(last_month, today.replace(day=1) - datetime.timedelta(days=1)),
    ).order_by("starts_at")
    present = SessionParticipant.objects.filter(session__in=cells, attendance="present").values("person")
    others = Person.objects.filter(departement_id="40", merged_into=None).exclude(email="").exclude(pk__in=present)
    for person in others.order_by("pk")[:8]:
        SessionParticipant.objects.create(session=cells.first(), person=person, attendance="present")
    MemoryBackend.outbox.clear()
    mail.outbox = []

    log_in(page, live_server.url, "pilote@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Enquêtes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquêtes")
    check_accessibility(page, "enquetes-liste")
    page.get_by_role("link", name="Nouveau questionnaire").click()
    page.locator("#id_title").fill("Votre avis sur la cellule")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre avis sur la cellule")

    page.get_by_role("link", name="Ajouter une question").click()
    check_accessibility(page, "enquetes-question")
    page.locator("#id_text").fill("Êtes-vous satisfait de la cellule ?")
    page.locator("#id_kind").select_option("echelle")
    page.locator("#id_choices").fill("Pas du tout satisfait\nPeu satisfait\nSatisfait\nTrès satisfait")
    page.locator("#id_required").check(force=True)
    page.locator("#id_is_satisfaction").check(force=True)
    page.locator("#id_satisfied_choices").fill("Satisfait\nTrès satisfait")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La question est enregistrée.")).to_be_visible()
    page.get_by_role("link", name="Ajouter une question").click()
    page.locator("#id_text").fill("Voulez-vous ajouter quelque chose ?")
    page.locator("#id_kind").select_option("texte")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("questions").locator(":scope > li")).to_have_count(2)
    check_accessibility(page, "enquetes-questionnaire")

    page.get_by_role("link", name="Lancer une campagne").click()
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_opens_on").fill(today.isoformat())
    page.locator("#id_closes_on").fill((today + datetime.timedelta(days=14)).isoformat())
    page.locator("#id_population").select_option("cellule")
    page.locator("#id_period_start").fill(last_month.isoformat())
    page.locator("#id_period_end").fill((today.replace(day=1) - datetime.timedelta(days=1)).isoformat())
    page.locator("#id_indicator").select_option(str(Indicator.objects.get(code="L06").pk))
    check_accessibility(page, "enquetes-campagne-formulaire")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La campagne est lancée")).to_be_visible()
    campaign = Campaign.objects.get(title=TITLE)
    assert campaign.invitations.count() >= campaign.threshold
    expect(page.get_by_test_id("results-hidden")).to_contain_text(
        "Trop peu de réponses pour les afficher sans risque d'identifier quelqu'un."
    )
    check_accessibility(page, "enquetes-campagne-vide")
    links = [
        link for link in _links() if services.invitation_for_token(LINK.search(link).group(1)).campaign == campaign
    ]
    assert len(links) >= campaign.threshold

    # A person answers from a phone through the link of their SMS.
    phone = browser.new_context(locale="fr-FR", bypass_csp=True, viewport=PHONE)
    person = phone.new_page()
    person.goto(links[0].replace(links[0].split("/enquetes/")[0], live_server.url))
    expect(person.get_by_role("heading", level=1)).to_have_text(TITLE)
    _fits(person)
    check_accessibility(person, "enquetes-reponse-telephone")
    person.get_by_role("button", name="Envoyer mes réponses").click()
    expect(person.get_by_test_id("answer-errors")).to_contain_text("Répondez à la question 1.")
    person.get_by_label("Satisfait", exact=True).check(force=True)
    person.get_by_label("Votre réponse (facultatif)").fill("Merci, c'était clair.")
    person.get_by_role("button", name="Envoyer mes réponses").click()
    expect(person.get_by_test_id("answer-thanks")).to_be_visible()
    _fits(person)
    person.reload()
    expect(person.get_by_role("heading", level=1)).to_have_text("Vous avez déjà répondu, merci")
    check_accessibility(person, "enquetes-deja-repondu")
    phone.close()

    # Below the threshold the results stay hidden; the threshold's answer shows them.
    page.reload()
    expect(page.get_by_test_id("results-hidden")).to_be_visible()
    first = campaign.version.questions.get(position=1).pk
    for index, link in enumerate(links[1 : campaign.threshold]):
        choice = "Peu satisfait" if index == 0 else "Très satisfait"
        services.response_submit(token=LINK.search(link).group(1), answers={first: choice}, today=today)
    page.reload()
    expect(page.get_by_test_id("results-hidden")).to_have_count(0)
    expect(page.get_by_test_id("satisfaction")).to_contain_text(f"sur {campaign.threshold}")
    check_accessibility(page, "enquetes-resultats")

    page.get_by_role("button", name="Clôturer maintenant").click()
    expect(page.get_by_text("La campagne est clôturée")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Reporter la satisfaction dans l'observatoire \(L06\)")).click()
    expect(page.get_by_text(re.compile(r"est reportée dans l'observatoire \(L06\)"))).to_be_visible()

    page.goto(f"{live_server.url}/observatoire/saisies/indicateur/L06/historique/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("L06")
    month = ["Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre", "Octobre"]
    month += ["Novembre", "Décembre"]
    row = page.get_by_role("row", name=re.compile(rf"{month[last_month.month - 1]} {last_month.year}"))
    expect(row).to_contain_text("brouillon")
    check_accessibility(page, "enquetes-observatoire")
