"""A référent reads a person's messages in Chromium: the table, the body in its accordion, the letter download."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.messaging.enums import MessageChannel, MessageKind
from jalon.messaging.letters import CONVOCATION_LEGAL_NOTICE
from jalon.messaging.services import message_send
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.browser.conftest import check_accessibility, log_in
from tests.conftest import actor_for
from tests.messaging.factories import reachable_person
from tests.organisations.factories import MembershipFactory


pytestmark = [pytest.mark.browser]


def test_referent_reads_the_messages_and_downloads_the_letter(page, live_server, transactional_db):
    person = reachable_person()
    referent = MembershipFactory(
        role=Role.REFERENT,
        organisation__kind="cd",
        organisation__name="Conseil départemental des Landes",
        organisation__departement=person.departement,
        user__email="referente@landes.test",
    )
    actor = actor_for(referent)
    for channel in (MessageChannel.EMAIL, MessageChannel.SMS, MessageChannel.LETTER):
        message_send(
            actor=actor,
            person=person,
            channel=channel,
            kind=MessageKind.CONVOCATION,
            subject=f"Convocation ({MessageChannel(channel).label})",
            body=f"Madame,\n\nVous êtes convoquée le 3 décembre à 9 h 30.\n\n{CONVOCATION_LEGAL_NOTICE}",
        )
    log_in(page, live_server.url, "referente@landes.test", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/messages/personnes/{person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages envoyés à Marie DUPONT")
    assert page.locator("section.fr-accordion").count() == 3
    legal = page.get_by_text("article L262-37", exact=False).first
    expect(legal).to_be_hidden()
    page.get_by_role("button", name=re.compile(r"Courrier — Convocation \(courrier\)")).click()
    expect(legal).to_be_visible()
    check_accessibility(page, "messages-personne")

    with page.expect_download() as download:
        page.get_by_role("link", name="Courrier PDF").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    assert "Objet : Convocation (courrier)" in " ".join(pdf.pages[0].extract_text().split())
    assert AuditEvent.objects.filter(code=AuditCode.LETTER_DOWNLOADED, person_id=person.pk).count() == 1
