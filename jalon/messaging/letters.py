"""The printable letter (A4, French layout, address placed for a DL window envelope), made with ReportLab.

Nothing is stored: the PDF is made again from the message each time it is downloaded (see docs/decisions/0009).
"""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, NextPageTemplate, PageTemplate, Paragraph, Spacer

from jalon.core.pdf import (
    BODY_STYLE,
    BOLD,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    REGULAR,
    date_in_words,
    page_number,
    pdf_text,
)


# The wording every RSA convocation carries. Callers append it to the body of convocations.
CONVOCATION_LEGAL_NOTICE = (
    "En tant que bénéficiaire du revenu de solidarité active (RSA) soumis(e) aux droits et devoirs, vous êtes "
    "tenu(e) de participer aux démarches d'orientation et d'accompagnement qui vous sont proposées (article "
    "L262-28 du code de l'action sociale et des familles). Si vous ne vous présentez pas à ce rendez-vous sans "
    "motif légitime, le versement de votre RSA pourra être réduit ou suspendu, après avis de l'équipe "
    "pluridisciplinaire, devant laquelle vous pourrez être entendu(e) et présenter vos observations (article "
    "L262-37 du code de l'action sociale et des familles). Si vous ne pouvez pas venir, prévenez-nous au plus tôt "
    "en indiquant le motif de votre absence."
)

# Window of a DL envelope (110 × 220 mm, window 45 × 100 mm, 20 mm from the right and 15 mm from the bottom),
# for an A4 sheet folded in three: the address sits 100–190 mm from the left, 52–90 mm from the top.
ADDRESS_LEFT = 100 * mm
ADDRESS_TOP = 52 * mm
ADDRESS_WIDTH = 90 * mm
DATE_TOP = 100 * mm
# The text of the first page starts below the address and the date.
FIRST_PAGE_TEXT_TOP = 112 * mm

NO_PADDING = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}

SUBJECT_STYLE = ParagraphStyle("subject", parent=BODY_STYLE, fontName=BOLD, spaceAfter=14)
SIGNATURE_STYLE = ParagraphStyle("signature", parent=BODY_STYLE, leftIndent=ADDRESS_LEFT - MARGIN, spaceAfter=0)


def _markup(text: str) -> str:
    return escape(pdf_text(text)).replace("\n", "<br/>")


def _paragraphs(body: str) -> list[str]:
    """Paragraphs are separated by blank lines; a single line break stays a line break."""
    paragraphs, current = [], []
    for line in body.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def _sender_lines(organisation) -> list[str]:
    if organisation is None:
        return []
    lines = [organisation.name]
    if organisation.address:
        lines.append(organisation.address)
    commune = organisation.commune
    if commune is not None:
        postal_code = commune.postal_codes[0] if commune.postal_codes else ""
        lines.append(f"{postal_code} {commune.name}".strip())
    if organisation.phone:
        lines.append(f"Tél. : {organisation.phone}")
    if organisation.email:
        lines.append(organisation.email)
    return lines


def _place_and_date(message) -> str:
    sent = timezone.localtime(message.sent_at or message.created_at or timezone.now()).date()
    organisation = message.organisation
    place = organisation.commune.name if organisation is not None and organisation.commune is not None else ""
    return f"{place}, le {date_in_words(sent)}" if place else f"Le {date_in_words(sent)}"


def _signature_lines(message) -> list[str]:
    lines = []
    if message.created_by is not None and message.created_by.get_full_name():
        lines.append(message.created_by.get_full_name())
    if message.organisation is not None:
        lines.append(message.organisation.name)
    return lines


def _draw_lines(canvas, lines: list[str], *, left: float, top: float, first_bold: bool, size: float = 10) -> None:
    y = PAGE_HEIGHT - top
    for index, line in enumerate(lines):
        canvas.setFont(BOLD if first_bold and index == 0 else REGULAR, size)
        canvas.drawString(left, y, pdf_text(line))
        y -= size * 1.3


def letter_pdf(message) -> bytes:
    """The letter of a message (channel "courrier") as a PDF: sender, address for a window envelope, place and
    date, « Objet : … », the body's paragraphs and the signature."""
    buffer = io.BytesIO()
    sender = _sender_lines(message.organisation)
    recipient = message.recipient_lines
    place_and_date = _place_and_date(message)
    reference = f"Réf. : message n° {message.pk}" if message.pk else ""

    def first_page(canvas, doc):
        canvas.saveState()
        _draw_lines(canvas, sender, left=MARGIN, top=MARGIN + 4 * mm, first_bold=True, size=9.5)
        if reference:
            canvas.setFont(REGULAR, 8)
            canvas.drawString(MARGIN, PAGE_HEIGHT - (ADDRESS_TOP + 30 * mm), pdf_text(reference))
        _draw_lines(canvas, recipient, left=ADDRESS_LEFT, top=ADDRESS_TOP + 4 * mm, first_bold=True, size=11)
        canvas.setFont(REGULAR, 10.5)
        canvas.drawString(ADDRESS_LEFT, PAGE_HEIGHT - DATE_TOP, pdf_text(place_and_date))
        page_number(canvas, doc)
        canvas.restoreState()

    def later_page(canvas, doc):
        canvas.saveState()
        page_number(canvas, doc)
        canvas.restoreState()

    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=pdf_text(message.subject),
        author=pdf_text(message.organisation.name) if message.organisation is not None else "",
        creator="Jalon",
    )
    text_width = PAGE_WIDTH - 2 * MARGIN
    doc.addPageTemplates(
        [
            PageTemplate(
                id="first",
                frames=[
                    Frame(
                        MARGIN,
                        MARGIN,
                        text_width,
                        PAGE_HEIGHT - FIRST_PAGE_TEXT_TOP - MARGIN,
                        id="first",
                        **NO_PADDING,
                    )
                ],
                onPage=first_page,
            ),
            PageTemplate(
                id="later",
                frames=[Frame(MARGIN, MARGIN, text_width, PAGE_HEIGHT - 2 * MARGIN, id="later", **NO_PADDING)],
                onPage=later_page,
            ),
        ]
    )
    story: list = [NextPageTemplate("later")]
    if message.subject:
        story.append(Paragraph(f"Objet : {_markup(message.subject)}", SUBJECT_STYLE))
    story.extend(Paragraph(_markup(paragraph), BODY_STYLE) for paragraph in _paragraphs(message.body))
    signature = _signature_lines(message)
    if signature:
        story.append(
            KeepTogether([Spacer(1, 10 * mm), *(Paragraph(_markup(line), SIGNATURE_STYLE) for line in signature)])
        )
    doc.build(story)
    return buffer.getvalue()
