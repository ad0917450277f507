"""What every PDF Jalon prints shares (ReportLab, A4): the standard fonts, French dates, text those fonts can draw,
paragraphs, page numbers. Nothing here knows a domain; each app lays out its own document."""

import unicodedata
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate


FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
BODY_STYLE = ParagraphStyle("body", fontName=REGULAR, fontSize=10.5, leading=14, spaceAfter=8, alignment=TA_LEFT)


def date_in_words(day) -> str:
    """22 novembre 2026, 1er décembre 2026."""
    return f"{'1er' if day.day == 1 else day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"


# Letters with no accent to drop (NFKD leaves them whole), and dashes and spaces the standard fonts lack.
_FALLBACKS = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Ħ": "H",
        "ħ": "h",
        "ı": "i",
        "Ŋ": "N",
        "ŋ": "n",
        "Ŧ": "T",
        "ŧ": "t",
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\u202f": "\u00a0",
        "\u2009": " ",
        "\u200b": "",
    }
)


def pdf_text(text: str) -> str:
    """Text the standard PDF fonts can draw (Windows-1252): other letters lose their accent (ș → s) rather than
    becoming a blank box; typographic thin spaces become plain ones."""
    text = unicodedata.normalize("NFC", text).translate(_FALLBACKS)
    out = []
    for char in text:
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            char = base if base and base.isascii() else "?"
        out.append(char)
    return "".join(out)


def paragraph(text: str, style: ParagraphStyle = BODY_STYLE, bullet: str | None = None) -> Paragraph:
    """A paragraph of plain text (never markup: what a person typed is escaped); a line break stays one."""
    return Paragraph(escape(pdf_text(text)).replace("\n", "<br/>"), style, bulletText=bullet)


def page_number(canvas, doc) -> None:
    """« Page 2 » at the bottom right (for a document whose length is not known while it is drawn)."""
    canvas.setFont(REGULAR, 8)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN / 2, f"Page {doc.page}")


def numbered_canvas(footer: str) -> type[Canvas]:
    """A canvas class (for `build(..., canvasmaker=…)`) that writes `footer` at the bottom left of every page and
    « Page 2 sur 5 » at the bottom right: pages are held until the end, when their number is known."""
    footer = pdf_text(footer)

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                self.setFont(REGULAR, 8)
                self.drawString(MARGIN, MARGIN / 2, footer)
                self.drawRightString(PAGE_WIDTH - MARGIN, MARGIN / 2, f"Page {self._pageNumber} sur {total}")
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def a4_document(buffer, *, title: str, author: str, **extra) -> SimpleDocTemplate:
    """An A4 document with Jalon's margins, its title and author in the PDF's properties (text its fonts can draw)."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=pdf_text(title),
        author=pdf_text(author),
        **extra,
    )
