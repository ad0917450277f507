"""The person's file printed by a professional (A4, ReportLab): what the file screen shows them, its actions left
out, with who printed it and when on every page. Made on demand, never stored."""

import io

from django.utils import timezone
from django.utils.text import capfirst
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from jalon.core.pdf import (
    BODY_STYLE,
    BOLD,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    REGULAR,
    date_in_words,
    numbered_canvas,
    paragraph,
    pdf_text,
)
from jalon.core.scoping import Actor
from jalon.people.file_panels import FileSection, printed_sections
from jalon.people.selectors import PersonFile
from jalon.people.templatetags.people import event_details


# The screen's first page of history: older events stay on the screen, paginated.
HISTORY_LIMIT = 50
CONFIDENTIAL = "Document confidentiel — données personnelles"

TITLE_STYLE = ParagraphStyle("title", parent=BODY_STYLE, fontName=BOLD, fontSize=16, leading=20, spaceAfter=4)
HEADING_STYLE = ParagraphStyle(
    "heading", parent=BODY_STYLE, fontName=BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4
)
TEXT_STYLE = ParagraphStyle("text", parent=BODY_STYLE, fontSize=9.5, leading=12.5, spaceAfter=3)
ITEM_STYLE = ParagraphStyle("item", parent=TEXT_STYLE, leftIndent=5 * mm, bulletIndent=0)
CELL_STYLE = ParagraphStyle("cell", parent=TEXT_STYLE, fontSize=8.5, leading=10.5, spaceAfter=0)
HEAD_CELL_STYLE = ParagraphStyle("head_cell", parent=CELL_STYLE, fontName=BOLD)


def _day(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _identity(file: PersonFile) -> list:
    person = file.person
    born = f"Né(e) le {_day(person.birth_date)}"
    if person.birth_name and person.birth_name != person.last_name:
        born += f" sous le nom {person.birth_name.upper()}"
    if person.birth_place:
        born += f" à {person.birth_place}"
    address = " ".join(
        part for part in (person.address, person.address_complement, person.postal_code, person.city) if part
    )
    if person.commune_id:
        address += f" (commune {person.commune.code})"
    if person.homeless:
        address = f"sans domicile stable — {address}" if address else "sans domicile stable"
    lines = [
        f"NIR : {file.nir_display or 'non transmis'}",
        f"Identifiant France Travail : {person.france_travail_id or '—'}",
        f"Identifiant départemental : {person.internal_id or '—'}",
        f"Adresse : {address or '—'}",
        f"Contact : {person.phone or 'téléphone non renseigné'} · {person.email or 'e-mail non renseigné'}",
    ]
    return [
        paragraph(f"{person.civility} {person.last_name.upper()} {person.first_name}".strip(), TITLE_STYLE),
        paragraph(born, TEXT_STYLE),
        *_section(FileSection("Identité et coordonnées", lines)),
    ]


def _household(file: PersonFile) -> FileSection:
    lines = []
    for link in file.memberships:
        line = f"Foyer {link.household} — {link.get_role_display()}"
        if link.left_on:
            line += f" (sorti(e) le {_day(link.left_on)})"
        right = getattr(link.household, "right", None)
        if right is not None and not link.left_on:
            line += f"\nDroit RSA : {right.get_state_display()} — demandé le {_day(right.request_date) or '—'}"
            if right.request_number:
                line += f" (n° {right.request_number})"
            if link.subject_to_rights_and_duties is not None:
                line += (
                    " · soumis(e) aux droits et devoirs"
                    if link.subject_to_rights_and_duties
                    else " · non soumis(e) aux droits et devoirs"
                )
            if right.suspension_reason:
                since = f" depuis le {_day(right.suspension_date)}" if right.suspension_date else ""
                line += f"\nSuspension{since} : {right.suspension_reason_label}"
            if right.closure_reason or right.closure_date:
                on = f" le {_day(right.closure_date)}" if right.closure_date else ""
                reason = f" : {right.closure_reason_label}" if right.closure_reason else ""
                line += f"\nClôture{on}{reason}"
        lines.append(line)
    return FileSection("Foyer et droit RSA", lines, empty="Aucun foyer connu.")


def _orientation(panels: dict) -> FileSection:
    """The current orientation and référents, read from the orientation's panels as the screen reads them."""
    orientation = panels.get("orientation")
    if orientation is None:
        return FileSection("Orientation", empty="Pas encore orientée.")
    current = capfirst(orientation.get_orientation_type_display())
    if orientation.dispositif:
        current += f" — {orientation.dispositif}"
    referent = orientation.referent.get_full_name() if orientation.referent else "non désigné"
    current += f", {orientation.organisation} ; référent : {referent} (décidée le {_day(orientation.decided_on)}"
    current += ", référent choisi par la personne)." if orientation.person_chose_referent else ")."
    lines = []
    for assignment in panels.get("referents", []):
        line = f"{assignment.referent.get_full_name()} ({assignment.organisation}) — depuis le "
        line += _day(assignment.started_on)
        if assignment.ended_on:
            line += f" jusqu'au {_day(assignment.ended_on)}"
        if assignment.reason:
            line += f" · {assignment.reason}"
        lines.append(line)
    return FileSection("Orientation", [f"Référents successifs : {len(lines)}", *lines] if lines else [], intro=current)


def _section(section: FileSection) -> list:
    story = [paragraph(section.title, HEADING_STYLE)]
    if section.intro:
        story.append(paragraph(section.intro, TEXT_STYLE))
    story += [paragraph(line, ITEM_STYLE, "•") for line in section.lines]
    if not section.lines and section.empty:
        story.append(paragraph(section.empty, TEXT_STYLE))
    return story


def _history(file: PersonFile) -> list:
    events = list(file.events[:HISTORY_LIMIT])
    story = [paragraph("Historique récent", HEADING_STYLE)]
    if not events:
        return [*story, paragraph("Aucun changement enregistré.", TEXT_STYLE)]
    total = file.events.count()
    if total > len(events):
        story.append(
            paragraph(
                f"Les {len(events)} événements les plus récents sur {total} ; l'historique complet reste consultable "
                "dans la fiche de la personne.",
                TEXT_STYLE,
            )
        )
    rows = [[paragraph(label, HEAD_CELL_STYLE) for label in ("Date", "Événement", "Détail", "Source")]]
    for event in events:
        if event.import_run_id:
            source = f"import n° {event.import_run_id}, ligne {event.source_line}"
        else:
            source = event.actor.get_full_name() if event.actor else ""
        rows.append(
            [
                paragraph(_day(timezone.localtime(event.occurred_at)), CELL_STYLE),
                paragraph(str(event.get_kind_display()), CELL_STYLE),
                paragraph(event_details(event), CELL_STYLE),
                paragraph(source, CELL_STYLE),
            ]
        )
    table = Table(rows, colWidths=[20 * mm, 45 * mm, 73 * mm, 32 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#000091")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#dddddd")),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return [*story, table]


def person_file_pdf(file: PersonFile, *, actor: Actor) -> bytes:
    """The file as the actor sees it on the screen, with the Département, the moment it was printed and by whom at
    the top of every page, and « Document confidentiel » with the page number at the bottom."""
    person = file.person
    printed_at = timezone.localtime()
    printer = actor.user.get_full_name() or actor.user.email
    if actor.organisation is not None:
        printer += f" ({actor.organisation})"
    departement = pdf_text(f"Département : {person.departement.name} ({person.departement.code})")
    printed = pdf_text(f"Imprimée le {date_in_words(printed_at)} à {printed_at:%H} h {printed_at:%M} par {printer}")

    def header(canvas, doc):
        # Two lines above the text frame: a long organisation name never runs into the Département.
        canvas.saveState()
        canvas.setFont(BOLD, 8.5)
        canvas.drawString(MARGIN, PAGE_HEIGHT - 9 * mm, departement)
        canvas.setFont(REGULAR, 8)
        canvas.drawString(MARGIN, PAGE_HEIGHT - 13 * mm, printed)
        canvas.setStrokeColor(colors.HexColor("#000091"))
        canvas.line(MARGIN, PAGE_HEIGHT - 15 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 15 * mm)
        canvas.restoreState()

    story = _identity(file)
    story += _section(_household(file))
    story += _section(_orientation(file.panels))
    for section in printed_sections(actor=actor, person=person, panels=file.panels):
        story += _section(section)
    story += _history(file)

    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=pdf_text(f"Fiche de {person.first_name} {person.last_name.upper()}"),
        author=pdf_text(printer),
        creator="Jalon",
    ).build(story, onFirstPage=header, onLaterPages=header, canvasmaker=numbered_canvas(CONFIDENTIAL))
    return buffer.getvalue()
