"""A référent follows a person of their caseload: contract, appointments, contacts, then the carnet's timeline and
the caseload dashboard."""

import datetime
import io
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.demo.builder import DEMO_PASSWORD
from jalon.messaging.models import Message
from jalon.notebook.carnet.selectors import TIMELINE_KINDS
from jalon.notebook.enums import ContactKind
from jalon.notebook.models import Appointment, Contact, Contract, Notebook, Objective
from jalon.orientation.enums import Attendance
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]

CER = "Contrat d'engagement réciproque (CER)"


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _plan(page, day: datetime.date, purpose: str) -> None:
    # Inputs reached by id: optional labels carry "(Optionnel)" and hints, and "Début"/"Fin" are ambiguous.
    # 11:00 is free: the demo's appointments are at 9, 10, 14 or 15 h and last 45 minutes.
    page.locator("#id_starts_at").fill(f"{day:%Y-%m-%d}T11:00")
    page.locator("#id_ends_at").fill(f"{day:%Y-%m-%d}T11:45")
    page.get_by_label("Modalité", exact=True).select_option(label="sur place")
    page.locator("#id_place").fill("Agence de Mont-de-Marsan")
    page.locator("#id_purpose").fill(purpose)
    page.get_by_role("button", name="Planifier et inviter").click()
    expect(page.get_by_text(f"Rendez-vous du {_day(day)} 11:00 planifié.")).to_be_visible()


def test_a_referent_follows_a_person_with_contract_appointments_and_contacts(page, live_server, demo):
    today = timezone.localdate()
    log_in(page, live_server.url, "referent.ft@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Mon portefeuille")
    page.locator("tbody tr").first.get_by_role("link").first.click()
    person_pk = int(re.search(r"/personnes/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
    notebook = Notebook.objects.select_related("person").get(person_id=person_pk)
    person = notebook.person
    page.get_by_role("link", name="Carnet de bord").click()
    page.get_by_role("link", name="Contrats d'engagement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Contrats de {person}")
    check_accessibility(page, "suivi-contrats")

    # --- contract: after the demo's own contracts so that only ours can overlap -----------------------------
    existing = list(Contract.objects.filter(notebook=notebook).values_list("ends_on", flat=True))
    starts_on = max([today, *existing]) + datetime.timedelta(days=10)
    ends_on = starts_on + datetime.timedelta(days=180)
    objective = Objective.objects.filter(notebook=notebook).order_by("title", "pk").first()
    assert objective is not None, "the demo carnet should hold an objective to link"
    page.get_by_label("Type de contrat", exact=True).select_option(label=CER)
    page.locator("#id_starts_on").fill(starts_on.isoformat())
    page.locator("#id_ends_on").fill(ends_on.isoformat())
    page.locator("label[for^=id_objectives_]", has_text=objective.title).click()
    page.get_by_role("button", name="Créer le contrat").click()
    label = f"{CER} du {_day(starts_on)} au {_day(ends_on)}"
    expect(page.get_by_text(f"Le {label} est enregistré")).to_be_visible()
    contract = Contract.objects.get(notebook=notebook, starts_on=starts_on)
    assert (contract.ends_on, contract.contract_type.code, contract.signed_on) == (ends_on, "cer", None)
    assert list(contract.objectives.all()) == [objective]
    row = page.locator("tbody tr", has_text=label)
    expect(row).to_contain_text(objective.title)
    expect(row).to_contain_text("à signer")

    page.get_by_role("link", name=f"Noter la signature du {label}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Signature du {label}")
    check_accessibility(page, "suivi-contrat-signature")
    page.locator("label[for=id_signed_by_person]").click()
    page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.get_by_text(f"La signature du {label} est enregistrée.")).to_be_visible()
    expect(page.locator("tbody tr", has_text=label)).to_contain_text(f"signé le {_day(today)}")
    contract.refresh_from_db()
    assert (contract.signed_on, contract.signed_by_person) == (today, True)
    assert contract.signed_by is not None and contract.signed_by.email == "referent.ft@landes.demo.jalon.test"

    # The "Imprimer" link serves the PDF inline: fetch it with the page's session.
    href = page.get_by_role("link", name=f"Imprimer le {label}").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf_bytes = response.body()
    assert pdf_bytes.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert person.last_name.upper() in text
    assert AuditEvent.objects.filter(code=AuditCode.CONTRACT_PDF_DOWNLOADED, person_id=person_pk).count() == 1

    # A second contract inside the first one's period is refused, nothing saved.
    page.get_by_label("Type de contrat", exact=True).select_option(label=CER)
    page.locator("#id_starts_on").fill((starts_on + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Créer le contrat").click()
    expect(
        page.get_by_text(
            f"Ce contrat chevauche le {label} déjà enregistré pour cette personne : choisissez des dates qui ne le "
            "recouvrent pas, ou terminez-le d'abord (« Terminer »)."
        )
    ).to_be_visible()
    assert Contract.objects.filter(notebook=notebook).count() == len(existing) + 1

    # --- appointments -----------------------------------------------------------------------------------------
    page.get_by_role("link", name="Rendez-vous", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rendez-vous de {person}")
    check_accessibility(page, "suivi-rendez-vous")
    _plan(page, today + datetime.timedelta(days=2), "Bilan du premier mois")
    _plan(page, today + datetime.timedelta(days=3), "Préparer l'entretien chez Tarbes Bois")
    _plan(page, today + datetime.timedelta(days=4), "Atelier CV à reporter")
    attended = Appointment.objects.get(notebook=notebook, purpose="Bilan du premier mois")
    upcoming = Appointment.objects.get(notebook=notebook, purpose="Préparer l'entretien chez Tarbes Bois")
    to_cancel = Appointment.objects.get(notebook=notebook, purpose="Atelier CV à reporter")
    assert timezone.localtime(upcoming.starts_at).time() == datetime.time(11, 0)
    assert upcoming.professional.email == "referent.ft@landes.demo.jalon.test"
    # The invitation (e-mail by default) is either recorded as a message or reported as undeliverable.
    invitations = Message.objects.filter(
        about_type=ContentType.objects.get_for_model(Appointment), about_id=upcoming.pk, person=person
    )
    if person.email:
        assert invitations.filter(channel="email", kind="invitation").count() == 1
        assert "Préparer l'entretien chez Tarbes Bois" in invitations.get().body
    else:
        assert not invitations.exists()
        expect(page.get_by_text("Invitation par e-mail non envoyée").first).to_be_visible()

    # Attendance is only recorded once the appointment has begun: let time pass in the database.
    now = timezone.now()
    Appointment.objects.filter(pk=attended.pk).update(
        starts_at=now - datetime.timedelta(hours=2), ends_at=now - datetime.timedelta(hours=1)
    )
    attended.refresh_from_db()
    page.reload()
    page.get_by_role("link", name=f"Noter la présence au {attended}").click()
    check_accessibility(page, "suivi-rendez-vous-presence")
    page.get_by_text("présent", exact=True).click()
    page.get_by_role("button", name="Enregistrer la présence").click()
    expect(page.get_by_text("La présence est enregistrée.")).to_be_visible()
    expect(page.locator("tbody tr", has_text="Bilan du premier mois")).to_contain_text("présent")
    attended.refresh_from_db()
    assert attended.attendance == Attendance.PRESENT
    notebook.refresh_from_db()
    assert notebook.last_contact_on is not None
    assert notebook.last_contact_on >= timezone.localtime(attended.starts_at).date()

    page.get_by_role("link", name=f"Annuler le {to_cancel}").click()
    check_accessibility(page, "suivi-rendez-vous-annulation")
    page.get_by_role("button", name="Annuler le rendez-vous").click()
    expect(page.get_by_text("Le rendez-vous est annulé.")).to_be_visible()
    expect(page.locator("tbody tr", has_text="Atelier CV à reporter")).to_contain_text("annulé")
    to_cancel.refresh_from_db()
    assert to_cancel.cancelled_at is not None
    upcoming.refresh_from_db()
    assert upcoming.cancelled_at is None and upcoming.attendance == ""

    # --- contact ---------------------------------------------------------------------------------------------
    page.get_by_role("link", name="Contacts", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Contacts avec {person}")
    check_accessibility(page, "suivi-contacts")
    page.get_by_label("Type de contact", exact=True).select_option(label="appel téléphonique")
    page.get_by_label("Résumé", exact=True).fill("Appel pour confirmer la visite de l'entreprise jeudi")
    page.get_by_role("button", name="Enregistrer le contact").click()
    expect(page.get_by_text("Le contact est enregistré.")).to_be_visible()
    row = page.locator("tbody tr", has_text="Appel pour confirmer la visite")
    expect(row).to_contain_text(_day(today))
    expect(row).to_contain_text("appel téléphonique")
    contact = Contact.objects.get(notebook=notebook, summary="Appel pour confirmer la visite de l'entreprise jeudi")
    assert (contact.kind, contact.occurred_on, contact.appointment) == (ContactKind.PHONE, today, None)
    notebook.refresh_from_db()
    assert notebook.last_contact_on == today

    # --- timeline ----------------------------------------------------------------------------------------------
    page.goto(f"{live_server.url}/carnets/{person_pk}/chronologie/")
    check_accessibility(page, "suivi-chronologie")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text(label)
    expect(timeline).to_contain_text("Préparer l'entretien chez Tarbes Bois")
    expect(timeline).to_contain_text("présent — Bilan du premier mois")
    expect(timeline).to_contain_text("annulé — Atelier CV à reporter")
    expect(timeline).to_contain_text("Appel pour confirmer la visite de l'entreprise jeudi")

    page.locator(f"label[for=id_kind_{list(TIMELINE_KINDS).index('rendez_vous')}]").click()
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"kind=rendez_vous"))
    expect(timeline).to_contain_text("Préparer l'entretien chez Tarbes Bois")
    expect(timeline).not_to_contain_text(label)
    expect(timeline).not_to_contain_text("Appel pour confirmer")
    expect(timeline.get_by_text("contrats", exact=True)).to_have_count(0)

    # --- caseload dashboard ------------------------------------------------------------------------------------
    follow_menu(page, "Suivi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord du portefeuille")
    check_accessibility(page, "suivi-tableau-de-bord")
    upcoming_table = page.get_by_role("table", name="Rendez-vous à venir")
    row = upcoming_table.locator("tbody tr", has_text="Préparer l'entretien chez Tarbes Bois")
    expect(row).to_contain_text(f"{_day(today + datetime.timedelta(days=3))} 11:00")
    expect(row.get_by_role("link", name=str(person))).to_have_attribute("href", f"/carnets/{person_pk}/rendez-vous/")
    # Neither the cancelled appointment nor the past one is upcoming.
    expect(upcoming_table).not_to_contain_text("Atelier CV à reporter")
    expect(upcoming_table).not_to_contain_text("Bilan du premier mois")
