"""The printable letter: read back from the PDF, as a person would see it."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from jalon.core.enums import Role
from jalon.messaging.enums import MessageChannel, MessageKind, MessageStatus
from jalon.messaging.letters import CONVOCATION_LEGAL_NOTICE, date_in_words, letter_pdf
from jalon.messaging.services import message_send
from tests.conftest import actor_for
from tests.messaging.factories import reachable_person
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory


pytestmark = pytest.mark.django_db

MM = 72 / 25.4


def _words(text: str) -> str:
    return " ".join(text.split())


def _convocation(
    body="Madame,\n\nVous êtes convoquée le 3 décembre 2026 à 9 h 30.\nMerci de venir avec une pièce d'identité.",
):
    membership = MembershipFactory(
        role=Role.ORIENTATION_OFFICER,
        organisation__kind="cd",
        organisation__name="Conseil départemental des Landes",
        organisation__address="23 rue Victor Hugo",
        organisation__phone="05 58 05 40 40",
        organisation__commune=CommuneFactory(code="40192", name="Mont-de-Marsan", postal_codes=["40000"]),
        user__first_name="Claire",
        user__last_name="Martin",
    )
    return message_send(
        actor=actor_for(membership),
        person=reachable_person(),
        channel=MessageChannel.LETTER,
        kind=MessageKind.CONVOCATION,
        subject="Convocation à un rendez-vous d'orientation",
        body=f"{body}\n\n{CONVOCATION_LEGAL_NOTICE}",
    )


def test_a_letter_is_sent_once_its_pdf_exists_and_reads_back_with_the_legal_wording():
    message = _convocation()
    assert message.status == MessageStatus.SENT
    reader = PdfReader(io.BytesIO(letter_pdf(message)))
    text = _words(" ".join(page.extract_text() for page in reader.pages))
    assert "Mme Marie DUPONT" in text
    assert "12 rue des Arènes" in text
    assert "40000 MONT-DE-MARSAN" in text
    assert "Objet : Convocation à un rendez-vous d'orientation" in text
    assert "Vous êtes convoquée le 3 décembre 2026 à 9 h 30." in text
    assert _words(CONVOCATION_LEGAL_NOTICE) in text
    assert "article L262-28 du code de l'action sociale et des familles" in CONVOCATION_LEGAL_NOTICE
    assert "L262-37" in CONVOCATION_LEGAL_NOTICE and "équipe pluridisciplinaire" in CONVOCATION_LEGAL_NOTICE
    assert "Conseil départemental des Landes" in text
    assert "23 rue Victor Hugo" in text
    assert f"Mont-de-Marsan, le {date_in_words(timezone.localdate())}" in text
    assert "Claire Martin" in text
    assert reader.metadata.title == "Convocation à un rendez-vous d'orientation"


def test_the_address_sits_in_the_window_of_a_dl_envelope():
    message = _convocation()
    page = PdfReader(io.BytesIO(letter_pdf(message))).pages[0]
    height = float(page.mediabox.height)
    positions = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            positions[text.strip()] = (tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    for line in ("Mme Marie DUPONT", "12 rue des Arènes", "Bâtiment B", "40000 MONT-DE-MARSAN"):
        x, y = positions[line]
        from_top_mm = (height - y) / MM
        # Window: 95–195 mm from the left of the A4 sheet, 50–95 mm from its top once folded in three.
        assert 95 <= x / MM <= 150, (line, x / MM)
        assert 50 <= from_top_mm <= 95, (line, from_top_mm)


def test_a_long_letter_runs_onto_a_second_page_with_paragraphs_and_characters_kept():
    paragraphs = [f"Paragraphe {n} : l'accompagnement « global » & <suivi> — Ștefan Łukasz." for n in range(60)]
    message = _convocation(body="\n\n".join(paragraphs))
    reader = PdfReader(io.BytesIO(letter_pdf(message)))
    assert len(reader.pages) >= 2
    text = _words(" ".join(page.extract_text() for page in reader.pages))
    assert "Paragraphe 0 : l'accompagnement « global » & <suivi> — Stefan Lukasz." in text
    assert "Paragraphe 59" in text
    assert "Page 2" in text


@pytest.mark.parametrize(
    ("day", "words"),
    [(datetime.date(2026, 11, 22), "22 novembre 2026"), (datetime.date(2027, 2, 1), "1er février 2027")],
)
def test_dates_are_written_in_french(day, words):
    assert date_in_words(day) == words
