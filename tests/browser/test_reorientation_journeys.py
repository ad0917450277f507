import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.demo.builder import DEMO_PASSWORD
from jalon.orientation.enums import ReorientationStatus
from jalon.orientation.models import EplMeeting, Orientation, ReorientationRequest
from tests.browser.conftest import check_accessibility, log_in


pytestmark = [pytest.mark.browser]


@pytest.fixture
def reorientation_demo(transactional_db, live_server, monkeypatch):
    """The demo Département 40 up to its orientations, then this area's step (EPL meetings, requests, reviews)."""
    from jalon.core.request_context import acting_as
    from jalon.demo import builder
    from jalon.orientation.reorientation.demo import build

    base = [
        builder.build_territories,
        builder.build_organisations,
        builder.build_users,
        builder.build_population,
        builder.build_orientations,
    ]
    monkeypatch.setattr(builder, "DEMO_STEPS", base)
    call_command("load_cog", "--departements", "40", verbosity=0)
    with acting_as("commande seed_demo"):
        ctx = builder.demo_build(departement_code="40", log=lambda _message: None, households=300)
        build(ctx)
    return ctx


def test_a_reorientation_goes_through_an_epl_to_a_new_orientation(page, live_server, reorientation_demo):
    ctx = reorientation_demo
    followed = (
        Orientation.objects.current()
        .filter(organisation=ctx.organisations["ft_mdm"], referent=ctx.users["referent.ft"])
        .exclude(person__reorientation_requests__status__in=["demandee", "inscrite"])
        .select_related("person")
        .order_by("pk")
        .first()
    )
    person = followed.person
    name = f"{person.last_name.upper()} {person.first_name}"

    # The France Travail référent asks for a réorientation towards social support.
    log_in(page, live_server.url, "referent.ft@landes.demo.jalon.test", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/orientation/personnes/{person.pk}/reorientation/")
    check_accessibility(page, "demande-reorientation")
    page.get_by_label("Motif de la demande").fill(
        "Problèmes de santé importants : l'accompagnement vers l'emploi n'est plus adapté."
    )
    page.get_by_label("Orientation souhaitée").select_option(label="sociale")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("attend l'ordre du jour d'une équipe pluridisciplinaire")).to_be_visible()
    request = ReorientationRequest.objects.get(person=person, status=ReorientationStatus.REQUESTED)
    page.get_by_role("button", name="Se déconnecter").click()

    # The orientation officer creates an EPL for today and puts the request on its agenda.
    log_in(page, live_server.url, "orientation@landes.demo.jalon.test", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/orientation/epl/")
    expect(page.get_by_role("link", name=name).first).to_be_visible()
    check_accessibility(page, "epl-liste")
    page.get_by_text("Créer une EPL").click()
    page.get_by_label("Date", exact=True).fill(timezone.localdate().isoformat())
    page.get_by_label("Heure", exact=True).fill("00:05")
    page.get_by_label("Lieu").fill("Maison départementale de la solidarité, Mont-de-Marsan")
    # DSFR checkboxes are ticked through their label, which covers the input.
    page.locator("label", has_text="Karim Orienteur").click()
    page.locator("label", has_text="Sophie Référente").click()
    page.get_by_role("button", name="Créer l'EPL").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Équipe pluridisciplinaire du")
    meeting = EplMeeting.objects.order_by("-pk").first()
    page.locator("label", has_text=f"{person} — demandée le").click()
    page.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    expect(page.get_by_text("1 demande inscrite à l'ordre du jour.")).to_be_visible()
    check_accessibility(page, "epl-ordre-du-jour")

    # The EPL accepts, with a new orientation and its référent.
    page.get_by_role("link", name=re.compile(f"^Décider pour {re.escape(str(person))}")).click()
    check_accessibility(page, "epl-decision")
    page.get_by_label("Type d'orientation").select_option(label="sociale")
    page.get_by_label("Dispositif").select_option(label="Accompagnement social départemental")
    page.get_by_label("Structure en charge").select_option(label="Action sociale — Territoire de Mont-de-Marsan")
    page.get_by_label("Référent de parcours").select_option(label="Sophie Référente (referent@landes.demo.jalon.test)")
    page.get_by_label("Avis de la personne").select_option(label="d'accord")
    page.get_by_label("Motif de la décision").fill("Accord de l'équipe : la santé passe d'abord.")
    page.get_by_role("button", name="Accepter et enregistrer la nouvelle orientation").click()
    expect(page.get_by_text("la nouvelle orientation est enregistrée")).to_be_visible()

    # The meeting is closed with its minutes.
    page.get_by_label("Compte rendu").fill("Une situation examinée : réorientation acceptée.")
    page.get_by_role("button", name="Clôturer l'EPL").click()
    expect(page.get_by_text("clôturée", exact=False).first).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.closed_at is not None
    request.refresh_from_db()
    assert request.status == ReorientationStatus.ACCEPTED and request.epl_meeting == meeting
    followed.refresh_from_db()
    assert followed.end_reason == "réorientation"
    assert AuditEvent.objects.filter(code=AuditCode.REORIENTATION_DECIDED, person_id=person.pk).exists()

    # The person's file shows the new orientation.
    page.get_by_role("link", name=name).first.click()
    expect(page.get_by_test_id("orientation")).to_contain_text("Action sociale — Territoire de Mont-de-Marsan")
    check_accessibility(page, "dossier-reoriente")

    # The long-term beneficiaries and a review form.
    page.goto(f"{live_server.url}/orientation/longue-duree/")
    expect(page.get_by_test_id("long-term-total")).not_to_have_text("0")
    check_accessibility(page, "longue-duree")
    page.get_by_role("link", name=re.compile("^Diagnostic de ")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diagnostic longue durée de")
    check_accessibility(page, "diagnostic-longue-duree")
