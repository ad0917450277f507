"""The whole orientation session, as a chargé d'orientation lives it: from the queue to a session, invitations,
attendance, interviews, decisions with référents, closing; then the référent finds the person in their caseload."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from jalon.demo.builder import DEMO_PASSWORD
from jalon.messaging.models import Message
from jalon.orientation.enums import Attendance, SessionStage
from jalon.orientation.models import Interview, Orientation, OrientationSession
from tests.browser.conftest import check_accessibility, expect_listed, follow_menu, log_in


pytestmark = [pytest.mark.browser]


def test_a_session_from_the_queue_to_the_caseload(page, live_server, demo):
    # The session starts in a little while (sessions take invitations only before they start); the test then
    # moves the clock to its start, well within the login's inactivity limit.
    now = timezone.localtime()
    starts = (now + datetime.timedelta(minutes=45)).replace(second=0, microsecond=0)
    starts -= datetime.timedelta(minutes=starts.minute % 15)
    ends = min(starts + datetime.timedelta(minutes=30), starts.replace(hour=23, minute=59))
    log_in(page, live_server.url, "orientation@landes.demo.jalon.test", DEMO_PASSWORD)

    # Plan a cell with a France Travail adviser.
    follow_menu(page, "Séances")
    check_accessibility(page, "agenda-seances")
    page.get_by_role("link", name="Nouvelle séance").click()
    page.get_by_label("Type de séance").select_option(label="cellule d'orientation")
    page.get_by_label("Date").fill(starts.date().isoformat())
    page.get_by_label("Heure de début").fill(f"{starts:%H:%M}")
    page.get_by_label("Heure de fin").fill(f"{ends:%H:%M}")
    page.get_by_label("Lieu").fill("Maison départementale de la solidarité, Mont-de-Marsan")
    page.get_by_label("Nombre de places").fill("4")
    page.get_by_text("Julien Conseiller", exact=True).click()
    check_accessibility(page, "nouvelle-seance")
    page.get_by_role("button", name="Créer la séance").click()
    expect(page.get_by_text("La séance est créée.")).to_be_visible()
    session = OrientationSession.objects.latest("created_at")

    # Invite the two longest-waiting people from the queue, by e-mail and SMS.
    page.get_by_role("link", name="Inviter depuis la file « à orienter »").click()
    rows = page.locator("tbody tr")
    names = [rows.nth(index).locator("td").nth(1).inner_text().strip() for index in (0, 1)]
    for index in (0, 1):
        # DSFR draws the box on the label, whose text is for screen readers only: tick the input itself.
        rows.nth(index).get_by_role("checkbox").check(force=True)
    expect(page.get_by_label("Séance")).to_have_value(str(session.pk))
    check_accessibility(page, "a-orienter-invitation")
    page.get_by_role("button", name="Inviter à la séance").click()
    expect(page.get_by_text("2 personnes invitées à la séance.")).to_be_visible()
    assert session.participants.count() == 2
    assert Message.objects.filter(person__session_participations__session=session).exists()
    check_accessibility(page, "seance-invitations")

    page.get_by_role("button", name="Passer à l'étape « accueil »").click()
    expect(page.get_by_text("Étape « accueil » enregistrée.")).to_be_visible()

    # The day of the session: attendance, then the interview and the decision for the one who came.
    with time_machine.travel(starts + datetime.timedelta(minutes=5), tick=True):
        page.get_by_role("link", name=re.compile("Saisir les présences")).click()
        page.get_by_role("group", name=names[0]).get_by_text("Présent").click()
        page.get_by_role("group", name=names[1]).get_by_text("Absent").click()
        check_accessibility(page, "presences")
        page.get_by_role("button", name="Enregistrer les présences").click()
        expect(page.get_by_text("Présence enregistrée pour 2 personnes.")).to_be_visible()
        for stage in ("temps collectif", "entretiens individuels"):
            page.get_by_role("button", name=f"Passer à l'étape « {stage} »").click()

        page.get_by_role("link", name=re.compile("^Entretien")).click()
        page.get_by_label("Points forts").fill("A travaillé dix ans dans la logistique")
        page.get_by_role("textbox", name=re.compile("^Besoins")).fill("Retrouver un emploi proche de chez elle")
        page.get_by_role("button", name="Enregistrer l'entretien").click()
        expect(page.get_by_label("Type d'orientation")).to_be_visible()
        check_accessibility(page, "decision-apres-entretien")
        page.get_by_label("Type d'orientation").select_option(label="professionnelle")
        page.get_by_label("Dispositif").select_option(label="Accompagnement professionnel (France Travail)")
        page.get_by_label("Structure en charge").select_option(label="France Travail — agence de Mont-de-Marsan")
        page.get_by_label("Référent de parcours").select_option(
            label="Julien Conseiller (referent.ft@landes.demo.jalon.test)"
        )
        page.get_by_label("Avis de la personne").select_option(label="d'accord")
        page.get_by_role("button", name="Enregistrer la décision").click()
        expect(page.get_by_test_id("orientation")).to_contain_text("France Travail — agence de Mont-de-Marsan")
        expect(page.get_by_test_id("participations")).to_contain_text("présent")

        # Back to the session: follow the absence up, then close.
        # The person may have attended an earlier cell too: back to this one.
        page.locator(f"a[href='{reverse('orientation:session_detail', args=[session.pk])}']").first.click()
        page.get_by_role("link", name=re.compile("^Donner suite")).click()
        page.get_by_text("signalement à l'équipe pluridisciplinaire").click()
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text("La suite donnée à l'absence est enregistrée.")).to_be_visible()
        page.get_by_role("button", name="Passer à l'étape « propositions d'orientation »").click()
        page.get_by_label("Note sur l'étape (facultatif)").fill("2 invités, 1 présent, 1 orienté")
        page.get_by_role("button", name="Clôturer la séance").click()
        expect(page.get_by_text("Étape « clôturée » enregistrée.")).to_be_visible()
        check_accessibility(page, "seance-cloturee")

    session.refresh_from_db()
    assert session.stage == SessionStage.CLOSED
    present = session.participants.get(attendance=Attendance.PRESENT)
    orientation = Orientation.objects.current().get(person=present.person)
    assert orientation.session == session
    assert Interview.objects.get(participant=present).orientation == orientation

    # The référent finds the new person in their caseload.
    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, live_server.url, "referent.ft@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Mon portefeuille")
    expect_listed(page, names[0])
