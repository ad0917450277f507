"""A working day of each role on the demo, in a browser: the home shows the work waiting with a real figure, the
header's inbox counter leads to it, the work is done through the screens, and the counter drops by one. Each home
and task page is checked with axe at 1 366 px and for horizontal overflow at 390 px.

What the demo does not hold already is prepared through the services, as the people who create the work would."""

import datetime
import re

import pytest
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from jalon.core.scoping import Actor
from jalon.demo.builder import DEMO_PASSWORD
from jalon.employers.models import Employer, Interaction
from jalon.employers.services import relations_officer_assign
from jalon.exits.enums import EmployerAssessment, EmployerConcern
from jalon.exits.models import Exit, ExitType
from jalon.exits.services import checkpoint_record, employer_feedback_record, exit_record
from jalon.offer.enums import OfferStatus
from jalon.offer.models import Service
from jalon.offer.referrals.models import Referral, ReferralStatus
from jalon.offer.referrals.services import referral_send
from jalon.organisations.models import Membership
from jalon.orientation.enums import DelayStep, ReorientationStatus
from jalon.orientation.models import DelayAlert, EplMeeting, ReferentAssignment, ReorientationRequest
from jalon.territories.models import Territory
from tests.browser.conftest import check_accessibility, log_in
from tests.browser.test_phone_widths import PHONE, _overflow


pytestmark = [pytest.mark.browser]

DOMAIN = "landes.demo.jalon.test"
ADMIN = f"admin@{DOMAIN}"
ORIENTATION = f"orientation@{DOMAIN}"
REFERENT = f"referent@{DOMAIN}"
PARTNER = f"partenaire@{DOMAIN}"
PARTNER_ADMIN = f"admin.asso@{DOMAIN}"
MANAGER = f"manager@{DOMAIN}"
LAPTOP = {"width": 1366, "height": 768}


# --- preparing the work, through the services ---------------------------------------------------------------------


def _actor(email: str, organisation=None) -> Actor:
    memberships = Membership.objects.active().filter(user__email=email).select_related("user", "organisation")
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    membership = memberships.order_by("pk").first()
    assert membership is not None, email
    return Actor(user=membership.user, membership=membership, memberships=(membership,))


def _followed(*, organisation_id: int, oriented_before: datetime.date, territory: Territory | None = None):
    """The current référent assignments of the organisation, of people oriented before the day, with no exit in
    force, oldest first."""
    assignments = (
        ReferentAssignment.objects.current()
        .filter(
            organisation_id=organisation_id,
            referent__is_active=True,
            person__notebook__closed_on=None,
            person__orientations__decided_on__lt=oriented_before,
        )
        .exclude(Exists(Exit.objects.filter(person=OuterRef("person"), reopened_on=None)))
        .select_related("person", "referent")
        .order_by("pk")
    )
    if territory is not None:
        assignments = assignments.filter(person__commune__territories=territory)
    return assignments.distinct()


def _exit_to_an_employer(*, referent: Actor, territory: Territory | None, exited_on: datetime.date) -> Exit:
    """A person the référent's organisation follows leaves for a CDI with an employer of the territory."""
    assignment = _followed(
        organisation_id=referent.organisation_id, oriented_before=exited_on, territory=territory
    ).first()
    assert assignment is not None
    employers = Employer.objects.filter(departement_id="40")
    if territory is not None:
        employers = employers.filter(commune__territories=territory)
    employer = employers.order_by("name", "pk").first()
    assert employer is not None
    author = _actor(assignment.referent.email, assignment.organisation)
    return exit_record(
        actor=author,
        person=assignment.person,
        exit_type=ExitType.objects.get(departement_id="40", code="cdi"),
        exited_on=exited_on,
        contract="cdi",
        job_title="Agent de conditionnement",
        employer=employer,
        evidence="contrat de travail vu en entretien",
    )


def _referral_to_the_partner() -> Referral:
    """The référent orients a person she follows to a service of the partner's organisation."""
    partner_organisation = Membership.objects.get(user__email=PARTNER).organisation
    service = (
        Service.objects.filter(structure__organisation=partner_organisation, status=OfferStatus.PUBLISHED)
        .order_by("pk")
        .first()
    )
    assert service is not None
    referent = _actor(REFERENT)
    assignment = (
        _followed(organisation_id=referent.organisation_id, oriented_before=timezone.localdate())
        .filter(referent=referent.user)
        .exclude(Exists(Referral.objects.filter(person=OuterRef("person"), service=service)))
        .first()
    )
    assert assignment is not None
    notebook = assignment.person.notebook
    return referral_send(
        actor=referent,
        notebook=notebook,
        version=None,
        service=service,
        message="Souhaite reprendre une activité en chantier d'insertion.",
        consent_given=True,
    )


# --- in the browser ------------------------------------------------------------------------------------------------


def _start_the_day(page, base_url: str, email: str) -> None:
    page.set_viewport_size(LAPTOP)
    log_in(page, base_url, email, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    expect(page.locator("#content")).not_to_contain_text("Ici apparaîtront")


def _panel(page, title: str):
    """A card of the home, by its title."""
    return page.locator("section.fr-card", has=page.get_by_role("heading", level=2, name=title, exact=True))


def _unread(page) -> int:
    counter = page.get_by_test_id("inbox-count")
    return int(counter.inner_text()) if counter.count() else 0


def _open_from_inbox(page, title: str | re.Pattern) -> int:
    """Read the counter, go to the inbox from the header and open the first item of that title; returns the
    counter read before."""
    expect(page.get_by_test_id("inbox-count")).to_be_visible()
    before = _unread(page)
    assert before >= 1
    page.get_by_test_id("inbox-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Boîte de réception")
    page.get_by_test_id("inbox-items").get_by_role("link", name=title).first.click()
    return before


def _counter_dropped_by_one(page, base_url: str, before: int) -> None:
    page.goto(base_url + "/")
    if before == 1:
        expect(page.get_by_test_id("inbox-count")).to_have_count(0)
    else:
        expect(page.get_by_test_id("inbox-count")).to_have_text(str(before - 1))


def _fits_a_phone(page, urls: list[str]) -> None:
    page.set_viewport_size(PHONE)
    failures = []
    for url in urls:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if (overflow := _overflow(page)) > 0:
            failures.append(f"{url} : {overflow} px de trop à 390 px")
    assert not failures, "\n".join(failures)


# --- the days ------------------------------------------------------------------------------------------------------


def test_the_partner_answers_a_referral_received_by_her_structure(page, live_server, demo):
    referral = _referral_to_the_partner()
    base = live_server.url

    _start_the_day(page, base, PARTNER)
    received = _panel(page, "Orientations reçues")
    expect(received).to_contain_text(re.compile(r"[1-9]\d* orientations? à accepter ou refuser"))
    check_accessibility(page, "journee-partenaire-accueil")
    before = _open_from_inbox(
        page, f"Orientation n° {referral.pk} reçue pour votre service « {referral.service.name} »"
    )
    task_url = page.url
    assert task_url.endswith(reverse("offer:referral_detail", args=[referral.pk]))
    check_accessibility(page, "journee-partenaire-orientation")
    page.get_by_role("button", name="Accepter l'orientation").click()
    expect(page.get_by_text("L'orientation est désormais « acceptée ».")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED

    _counter_dropped_by_one(page, base, before)
    _fits_a_phone(page, [base + "/", task_url])


def test_the_structure_administrator_refuses_a_referral_the_structure_cannot_take(page, live_server, demo):
    referral = _referral_to_the_partner()
    base = live_server.url

    _start_the_day(page, base, PARTNER_ADMIN)
    structure = _panel(page, "Votre structure")
    expect(structure).to_contain_text(re.compile(r"[1-9]\d* orientations? reçues? en cours"))
    check_accessibility(page, "journee-admin-structure-accueil")
    before = _open_from_inbox(
        page, f"Orientation n° {referral.pk} reçue pour votre service « {referral.service.name} »"
    )
    task_url = page.url
    check_accessibility(page, "journee-admin-structure-orientation")
    refusal = page.get_by_test_id("action-refuse")
    refusal.get_by_label("Motif").select_option(label="pas de place disponible")
    refusal.get_by_role("button").click()
    expect(page.get_by_text("L'orientation est désormais « refusée ».")).to_be_visible()
    referral.refresh_from_db()
    assert (referral.status, referral.reason) == (ReferralStatus.REFUSED, "pas_de_place")

    _counter_dropped_by_one(page, base, before)
    _fits_a_phone(page, [base + "/", task_url])


def test_the_referent_handles_a_delay_alert_assigned_to_her(page, live_server, demo):
    alert = (
        DelayAlert.objects.open()
        .filter(recipient__email=REFERENT, step=DelayStep.FIRST_APPOINTMENT)
        .select_related("person")
        .order_by("due_on", "pk")
        .first()
    )
    assert alert is not None
    person = alert.person
    base = live_server.url

    _start_the_day(page, base, REFERENT)
    alerts = _panel(page, "Alertes de délai")
    expect(alerts.get_by_test_id("alerts-by-step")).to_contain_text(re.compile(r"Premier rendez-vous.* : [1-9]"))
    check_accessibility(page, "journee-referent-accueil")
    before = _open_from_inbox(page, re.compile("alertes? de délai sur votre portefeuille"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alertes de délai")
    task_url = page.url
    check_accessibility(page, "journee-referent-alertes")
    page.get_by_role("link", name=f"Traiter l'alerte de {person.last_name.upper()} {person.first_name}").first.click()
    page.get_by_label("Ce qui a été fait").fill("Premier rendez-vous fixé au téléphone avec la personne")
    page.get_by_role("button", name="Clore l'alerte").click()
    expect(page.get_by_text("est traitée")).to_be_visible()
    alert.refresh_from_db()
    assert alert.closed_at is not None

    _counter_dropped_by_one(page, base, before)
    _fits_a_phone(page, [base + "/", task_url])


def test_the_orientation_officer_puts_a_reorientation_request_on_an_epl_agenda(page, live_server, demo):
    now = timezone.now()
    meeting = EplMeeting.objects.filter(closed_at=None, held_at__gte=now).order_by("held_at", "pk").first()
    assert meeting is not None
    request = (
        ReorientationRequest.objects.filter(status=ReorientationStatus.REQUESTED)
        .select_related("person")
        .order_by("requested_on", "pk")
        .first()
    )
    assert request is not None
    base = live_server.url

    _start_the_day(page, base, ORIENTATION)
    waiting = _panel(page, "Réorientations à décider")
    expect(waiting.get_by_test_id("reorientations-count")).to_have_text(
        str(ReorientationRequest.objects.filter(status=ReorientationStatus.REQUESTED).count())
    )
    check_accessibility(page, "journee-orientation-accueil")
    before = _open_from_inbox(
        page, "Demande de réorientation à inscrire à l'ordre du jour d'une équipe pluridisciplinaire"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Équipes pluridisciplinaires")
    check_accessibility(page, "journee-orientation-epl")
    upcoming = page.get_by_role("table", name="Équipes pluridisciplinaires à venir")
    upcoming.locator(f"a[href='{reverse('orientation:epl_detail', args=[meeting.pk])}']").click()
    task_url = page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Équipe pluridisciplinaire du")
    page.locator("label", has_text=f"{request.person} — demandée le").click()
    page.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    expect(page.get_by_text("1 demande inscrite à l'ordre du jour.")).to_be_visible()
    check_accessibility(page, "journee-orientation-ordre-du-jour")
    request.refresh_from_db()
    assert (request.status, request.epl_meeting_id) == (ReorientationStatus.SCHEDULED, meeting.pk)

    _counter_dropped_by_one(page, base, before)
    _fits_a_phone(page, [base + "/", task_url])


def _record_an_exchange_with_the_employer(page, exit: Exit, note: str) -> None:
    """The mediation with the employer: from the person's exit to the employer's page, an exchange logged."""
    expect(page.get_by_test_id("at-risk")).to_be_visible()
    page.get_by_role("link", name=exit.employer.name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(exit.employer.name)
    page.get_by_role("link", name="Enregistrer un échange").click()
    page.get_by_label("Type d'échange").select_option(label="appel téléphonique")
    page.get_by_label("Compte rendu").fill(note)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("L'échange est enregistré.")).to_be_visible()
    assert Interaction.objects.filter(employer=exit.employer, note=note).exists()


def test_the_administrator_engages_a_mediation_after_a_rupture(page, live_server, demo):
    # Hélène, the demo's chargée de relation entreprises of every territory, hears of a rupture at one month.
    today = timezone.localdate()
    referent = _actor(REFERENT)
    exit = _exit_to_an_employer(referent=referent, territory=None, exited_on=today - datetime.timedelta(days=45))
    checkpoint_record(
        actor=_actor(exit.recorded_by.email, exit.organisation),
        exit=exit,
        months=1,
        done_on=today - datetime.timedelta(days=10),
        still_employed=False,
        rupture_on=today - datetime.timedelta(days=12),
        rupture_reason="rupture à l'initiative de l'employeur",
    )
    base = live_server.url

    _start_the_day(page, base, ADMIN)
    expect(page.get_by_test_id("relations-panel")).to_contain_text(re.compile(r"\d"))
    check_accessibility(page, "journee-administrateur-accueil")
    before = _open_from_inbox(page, re.compile("Suivi en emploi : rupture relevée au point à 1 mois"))
    task_url = page.url
    assert task_url.endswith(reverse("exits:person", args=[exit.person_id]))
    check_accessibility(page, "journee-administrateur-suivi")
    _record_an_exchange_with_the_employer(page, exit, "Médiation engagée après la rupture : rendez-vous pris.")

    _counter_dropped_by_one(page, base, before)
    _fits_a_phone(page, [base + "/", task_url])


def test_the_manager_follows_up_an_employer_s_alert_in_her_territory(page, live_server, demo):
    # Claire, the Dax territory's manager, is named chargée de relation entreprises of her territory; an employer of
    # Dax tells a référent of the territory that a person it hired has difficulties.
    today = timezone.localdate()
    dax = Territory.objects.get(departement_id="40", name="Territoire de Dax")
    manager = Membership.objects.get(user__email=MANAGER)
    relations_officer_assign(actor=_actor(ADMIN), user=manager.user, territories=[dax])
    referent = _actor(
        ReferentAssignment.objects.current()
        .filter(organisation=manager.organisation, referent__is_active=True)
        .order_by("pk")
        .values_list("referent__email", flat=True)
        .first(),
        manager.organisation,
    )
    exit = _exit_to_an_employer(referent=referent, territory=dax, exited_on=today - datetime.timedelta(days=20))
    employer_feedback_record(
        actor=_actor(exit.recorded_by.email, exit.organisation),
        exit=exit,
        given_on=today,
        assessment=EmployerAssessment.DIFFICULT,
        concerns=[EmployerConcern.ATTENDANCE],
        contact="La responsable de l'équipe",
    )
    base = live_server.url

    _start_the_day(page, base, MANAGER)
    follow_up = _panel(page, "Suivi en emploi et sorties")
    expect(follow_up).to_contain_text(re.compile(r"[1-9]\d* situations? à risque"))
    check_accessibility(page, "journee-manager-accueil")
    before = _open_from_inbox(page, re.compile("Suivi en emploi : l'employeur signale des difficultés"))
    task_url = page.url
    assert task_url.endswith(reverse("exits:person", args=[exit.person_id]))
    check_accessibility(page, "journee-manager-suivi")
    _record_an_exchange_with_the_employer(page, exit, "Point avec l'employeur sur les horaires : tutorat proposé.")

    _counter_dropped_by_one(page, base, before)
    _fits_a_phone(page, [base + "/", task_url])
