"""The suspension-remobilisation in Chromium: a référent records a failure from the carnet; the Département invites
the person to explain; the answer period runs (its dates moved back, as ten days would pass); the chargée
d'orientation decides a suspension and produces the CAF/MSA file; the person re-engages and the suspension is
reversed in the next file. Each step is in the carnet's timeline and in the person's own space."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jalon.core.enums import Role
from jalon.duties.enums import ProcedureState
from jalon.duties.models import Failure
from jalon.messaging.backends import MemoryBackend
from jalon.notebook.models import Notebook
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation, ReferentAssignment
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.browser.conftest import check_accessibility, log_in
from tests.browser.test_phone_widths import LAPTOP, PHONE, _overflow
from tests.messaging.factories import reachable_person
from tests.organisations.factories import MembershipFactory
from tests.people.factories import HouseholdMemberFactory


pytestmark = [pytest.mark.browser]


def _log_out(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()


def _csv(download) -> list[list[str]]:
    text = download.value.path().read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_a_failure_goes_from_the_referent_to_the_caf_file_and_is_reversed_on_remobilisation(
    page, live_server, transactional_db
):
    base = live_server.url
    person = reachable_person()
    member = HouseholdMemberFactory(person=person, household__departement=person.departement)
    departement = person.departement
    referent = MembershipFactory(
        role=Role.REFERENT,
        organisation__kind="france_travail",
        organisation__name="France Travail Mont-de-Marsan",
        organisation__departement=departement,
        user__email="referent@landes.test",
    )
    MembershipFactory(
        role=Role.ORIENTATION_OFFICER,
        organisation__kind="cd",
        organisation__name="Département des Landes",
        organisation__departement=departement,
        user__email="orientation@landes.test",
    )
    Orientation.objects.create(
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=referent.organisation,
        referent=referent.user,
        decided_on=datetime.date(2026, 1, 5),
    )
    ReferentAssignment.objects.create(person=person, referent=referent.user, organisation=referent.organisation)
    Notebook.objects.create(person=person)
    today = timezone.localdate()

    # 1. The référent records the failure from the person's carnet.
    log_in(page, base, "referent@landes.test", DEFAULT_PASSWORD)
    page.goto(f"{base}/droits-et-devoirs/personnes/{person.pk}/")
    page.get_by_role("link", name="Signaler un manquement").click()
    page.get_by_label("Obligation qui n'a pas été respectée").select_option("rendez_vous")
    page.get_by_label("Éléments constatés").fill("Absente au rendez-vous de suivi, sans prévenir.")
    check_accessibility(page, "droits-devoirs-manquement")
    page.get_by_role("button", name="Enregistrer le manquement").click()
    expect(page.get_by_text("Le manquement est enregistré (premier manquement)")).to_be_visible()
    expect(page.get_by_test_id("duty-failures")).to_contain_text("à inviter à s'expliquer")
    _log_out(page)

    # 2. The Département invites the person to explain (letter, e-mail, SMS).
    log_in(page, base, "orientation@landes.test", DEFAULT_PASSWORD)
    page.goto(f"{base}/droits-et-devoirs/")
    check_accessibility(page, "droits-devoirs-liste")
    page.get_by_role("link", name="DUPONT Marie").click()
    page.get_by_role("link", name="Inviter à présenter ses observations").click()
    page.get_by_role("button", name="Envoyer l'invitation").click()
    due = today + datetime.timedelta(days=10)
    expect(page.get_by_test_id("duty-invited")).to_contain_text(f"jusqu'au {due:%d/%m/%Y} inclus")
    expect(page.get_by_role("link", name="Décider")).to_have_count(0)  # the answer period runs
    expect(page.get_by_role("link", name="courrier (PDF)")).to_have_count(1)

    # 3. The ten days pass without an answer (the dates move back rather than the test waiting).
    shift = datetime.timedelta(days=11)
    failure = Failure.objects.get(person=person)
    Failure.objects.filter(pk=failure.pk).update(
        occurred_on=failure.occurred_on - shift,
        invited_on=failure.invited_on - shift,
        answer_due_on=failure.answer_due_on - shift,
    )
    page.goto(f"{base}/droits-et-devoirs/?etat=a_decider")
    page.get_by_role("link", name="DUPONT Marie").click()

    # 4. The decision, then the CAF/MSA file.
    page.get_by_role("link", name="Décider").click()
    page.get_by_label("Taux (%)").fill("40")
    page.get_by_label("Durée (mois)").fill("2")
    page.get_by_label("Motifs").fill("Absence sans motif légitime, sans observations dans le délai.")
    check_accessibility(page, "droits-devoirs-decision")
    page.get_by_role("button", name="Prendre la décision").click()
    expect(page.get_by_test_id("duty-decision")).to_contain_text("Suspension-remobilisation de 40 % pendant 2 mois")
    page.goto(f"{base}/droits-et-devoirs/fichiers-caf-msa/")
    expect(page.get_by_test_id("pending-lines")).to_have_text("1 ligne à transmettre.")
    page.get_by_role("button", name="Produire le fichier").click()
    expect(page.get_by_test_id("pending-lines")).to_have_text("Aucune ligne à transmettre.")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Fichier CAF.MSA n° ")).first.click()
    rows = _csv(download)
    assert rows[1][:6] == ["CAF", "", member.household.matricule, "01", "SUSPENSION", "40"]

    # 5. The person re-engages: the suspension is reversed, in the next file.
    page.goto(f"{base}/droits-et-devoirs/{failure.pk}/")
    page.get_by_role("link", name="Enregistrer la remobilisation").click()
    page.get_by_role("button", name="Enregistrer la remobilisation").click()
    expect(page.get_by_test_id("duty-remobilised")).to_contain_text("les sommes suspendues sont reversées")
    page.goto(f"{base}/droits-et-devoirs/fichiers-caf-msa/")
    page.get_by_role("button", name="Produire le fichier").click()
    expect(page.get_by_test_id("pending-lines")).to_have_text("Aucune ligne à transmettre.")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Fichier CAF.MSA n° ")).first.click()
    assert _csv(download)[1][4] == "REVERSEMENT"
    assert Failure.objects.get(pk=failure.pk).state == ProcedureState.REMOBILISED

    # The Département's pages of the procedure fit a phone.
    page.set_viewport_size(PHONE)
    for url in (
        f"{base}/droits-et-devoirs/",
        f"{base}/droits-et-devoirs/{failure.pk}/",
        f"{base}/droits-et-devoirs/fichiers-caf-msa/",
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert _overflow(page) <= 0, f"{url} : {_overflow(page)} px de trop à 390 px"
    page.set_viewport_size(LAPTOP)

    # 6. Every step is in the carnet's timeline.
    page.goto(f"{base}/carnets/{person.pk}/chronologie/")
    for step in (
        "Manquement constaté",
        "Invitation à présenter ses observations",
        "Décision : suspension-remobilisation",
        "Remobilisation : suspension reversée",
    ):
        expect(page.get_by_text(step)).to_be_visible()
    _log_out(page)

    # ... and in the person's own space.
    MemoryBackend.outbox.clear()
    page.goto(f"{base}/mon-espace/")
    page.get_by_label("Votre adresse e-mail ou votre numéro de téléphone portable").fill("06 12 34 56 78")
    page.get_by_role("button", name="Recevoir mon code").click()
    [sms] = MemoryBackend.outbox
    code = re.search(r"\b(\d{6})\b", sms["body"]).group(1)
    page.get_by_label("Code reçu (6 chiffres)").fill(code)
    page.get_by_role("button", name="Entrer dans mon carnet").click()
    space = page.get_by_test_id("space-duties")
    expect(space).to_contain_text("Mes droits et devoirs")
    expect(space).to_contain_text("les sommes suspendues vous sont reversées")
    check_accessibility(page, "droits-devoirs-espace-personne")
    page.set_viewport_size(PHONE)
    page.reload()
    assert _overflow(page) <= 0, "l'espace de la personne déborde à 390 px"
