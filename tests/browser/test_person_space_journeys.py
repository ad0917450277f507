"""The person opens their own carnet on a phone: asks for a code by SMS, types it, reads their objectives and
downloads the PDF — in Chromium at 390 × 844, with axe-core on each screen."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.messaging.backends import MemoryBackend
from jalon.messaging.enums import MessageChannel
from jalon.messaging.models import Message
from jalon.notebook.enums import NoteVisibility, WorkStatus
from jalon.notebook.models import Action, Appointment, Note, Notebook, Objective
from jalon.orientation.models import ReferentAssignment
from tests.browser.conftest import check_accessibility
from tests.organisations.factories import MembershipFactory
from tests.people.factories import PersonFactory


pytestmark = [pytest.mark.browser]


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        locale="fr-FR", bypass_csp=True, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_the_person_logs_in_with_a_code_and_downloads_their_carnet(phone_page, live_server, transactional_db):
    page = phone_page
    referent = MembershipFactory(
        role=Role.REFERENT,
        organisation__name="Agence France Travail de Dax",
        organisation__phone="05 58 00 00 00",
        user__first_name="Claire",
        user__last_name="Duval",
    )
    person = PersonFactory(
        departement=referent.organisation.departement, first_name="Inès", last_name="Martin", phone="06 12 34 56 78"
    )
    ReferentAssignment.objects.create(person=person, referent=referent.user, organisation=referent.organisation)
    notebook = Notebook.objects.create(person=person)
    objective = Objective.objects.create(notebook=notebook, title="Passer le permis B", status=WorkStatus.IN_PROGRESS)
    Action.objects.create(objective=objective, title="S'inscrire à l'auto-école solidaire")
    soon = timezone.now() + datetime.timedelta(days=2)
    Appointment.objects.create(
        notebook=notebook,
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=1),
        professional=referent.user,
        organisation=referent.organisation,
        place="Agence de Dax, 3 avenue Foch",
    )
    Note.objects.create(
        notebook=notebook,
        author=referent.user,
        organisation=referent.organisation,
        visibility=NoteVisibility.PRIVATE,
        text="Note privée de l'agence",
    )

    page.goto(f"{live_server.url}/mon-espace/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accéder à mon carnet de bord")
    check_accessibility(page, "espace-personne-connexion")
    page.get_by_label("Votre adresse e-mail ou votre numéro de téléphone portable").fill("06 12 34 56 78")
    page.get_by_role("button", name="Recevoir mon code").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Saisir mon code")
    expect(page.get_by_text("un code à 6 chiffres vient d'y être envoyé")).to_be_visible()
    check_accessibility(page, "espace-personne-code")
    # The code is only in what went to the SMS sender: the messages history keeps it redacted.
    assert Message.objects.get(person=person, channel=MessageChannel.SMS).body.count("••••••") == 1
    [sms] = MemoryBackend.outbox
    code = re.search(r"\b(\d{6})\b", sms["body"]).group(1)
    page.get_by_label("Code reçu (6 chiffres)").fill(code)
    page.get_by_role("button", name="Entrer dans mon carnet").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Inès")
    objectives = page.get_by_test_id("objectives")
    expect(objectives).to_contain_text("Passer le permis B")
    expect(objectives).to_contain_text("en cours")
    expect(page.get_by_test_id("appointments")).to_contain_text("3 avenue Foch")
    expect(page.get_by_text("Claire Duval")).to_be_visible()
    expect(page.get_by_text("Note privée de l'agence")).to_have_count(0)
    # One column on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_accessibility(page, "espace-personne-carnet")

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mon carnet (PDF)").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "Passer le permis B" in text and "Claire Duval" in text
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_SPACE_PDF_DOWNLOADED, person_id=person.pk).count() == 1

    page.get_by_role("button", name="Me déconnecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accéder à mon carnet de bord")
