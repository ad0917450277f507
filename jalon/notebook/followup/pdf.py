"""The printable contract (A4, ReportLab, same fonts and text handling as the letters of jalon.messaging).

Nothing is stored: the PDF is made again from the contract each time it is printed.
"""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from jalon.core.pdf import BODY_STYLE, BOLD, MARGIN, REGULAR, a4_document, date_in_words
from jalon.core.pdf import paragraph as _p


TITLE_STYLE = ParagraphStyle("title", parent=BODY_STYLE, fontName=BOLD, fontSize=15, leading=19, spaceAfter=12)
HEADING_STYLE = ParagraphStyle("heading", parent=BODY_STYLE, fontName=BOLD, fontSize=11.5, spaceBefore=8)
ITEM_STYLE = ParagraphStyle("item", parent=BODY_STYLE, leftIndent=6 * mm, spaceAfter=3)
SUB_ITEM_STYLE = ParagraphStyle("subitem", parent=BODY_STYLE, leftIndent=12 * mm, spaceAfter=2, fontSize=9.5)

# The rights and duties the contract reminds, by contract type code; other types get the RSA reminder.
RIGHTS_AND_DUTIES = {
    "cer": (
        "En tant que bénéficiaire du revenu de solidarité active (RSA), vous avez droit à un accompagnement social "
        "et professionnel adapté à vos besoins, organisé par un référent unique (article L262-27 du code de "
        "l'action sociale et des familles). Vous êtes tenu(e) de rechercher un emploi, d'entreprendre les "
        "démarches nécessaires à la création de votre propre activité ou les actions nécessaires à une meilleure "
        "insertion sociale ou professionnelle (article L262-28 du même code).",
        "Ce contrat d'engagement réciproque, conclu avec le Département, énumère les engagements réciproques en "
        "matière d'insertion sociale ou professionnelle, les actions que le Département s'engage à mettre en "
        "oeuvre et vos propres engagements (article L262-35 du code de l'action sociale et des familles).",
        "Si, sans motif légitime, les engagements de ce contrat ne sont pas respectés, le versement du RSA peut "
        "être réduit ou suspendu, après avis de l'équipe pluridisciplinaire devant laquelle vous pouvez être "
        "entendu(e) et présenter vos observations (article L262-37 du même code).",
    ),
    "ppae": (
        "Le projet personnalisé d'accès à l'emploi précise la nature et les caractéristiques de l'emploi "
        "recherché, la zone géographique et le salaire attendu, qui constituent l'offre raisonnable d'emploi "
        "(articles L5411-6-1 et L5411-6-2 du code du travail).",
        "Comme bénéficiaire du RSA, vous restez soumis(e) aux droits et devoirs de l'article L262-28 du code de "
        "l'action sociale et des familles ; le non-respect sans motif légitime de ce projet peut conduire à la "
        "réduction ou à la suspension du RSA (article L262-37 du même code).",
    ),
    "cej": (
        "Le contrat d'engagement jeune ouvre droit à un accompagnement intensif et, sous conditions, à une "
        "allocation (articles L5131-6 et suivants du code du travail). Il engage à participer assidûment aux "
        "actions prévues.",
    ),
}
DEFAULT_RIGHTS_AND_DUTIES = RIGHTS_AND_DUTIES["cer"][:1] + RIGHTS_AND_DUTIES["cer"][2:]


def _identity_lines(person) -> list[str]:
    lines = [f"{person.civility + ' ' if person.civility else ''}{person.first_name} {person.last_name.upper()}"]
    lines.append(f"Né(e) le {person.birth_date:%d/%m/%Y}")
    address = " ".join(part for part in (person.address, person.postal_code, person.city) if part)
    if address:
        lines.append(address)
    return lines


def contract_pdf(contract, *, referent=None) -> bytes:
    """The contract as a PDF: the parties (person, référent, organisation), the dates, the objectives with their
    actions, the rights and duties, and the signature blocks."""
    person = contract.notebook.person
    buffer = io.BytesIO()
    doc = a4_document(buffer, title=str(contract.contract_type), author=contract.organisation.name, creator="Jalon")
    story: list = [_p(str(contract.contract_type), TITLE_STYLE)]
    story.append(_p("Entre", HEADING_STYLE))
    story.extend(_p(line, ITEM_STYLE) for line in _identity_lines(person))
    story.append(_p("et", HEADING_STYLE))
    story.append(_p(contract.organisation.name, ITEM_STYLE))
    if referent is not None:
        story.append(_p(f"Référent(e) de parcours : {referent.get_full_name()}", ITEM_STYLE))
    story.append(_p("Durée", HEADING_STYLE))
    story.append(_p(f"Du {date_in_words(contract.starts_on)} au {date_in_words(contract.ends_on)}.", ITEM_STYLE))
    story.append(_p("Objectifs et actions", HEADING_STYLE))
    objectives = list(contract.objectives.all())
    if not objectives:
        story.append(_p("Aucun objectif n'est rattaché à ce contrat.", ITEM_STYLE))
    for objective in objectives:
        due = f" (échéance : {objective.due_on:%d/%m/%Y})" if objective.due_on else ""
        story.append(_p(f"• {objective.title}{due}", ITEM_STYLE))
        story.extend(
            _p(f"– {action.title} ({action.get_status_display()})", SUB_ITEM_STYLE)
            for action in objective.actions.all()
        )
    story.append(_p("Vos droits et vos devoirs", HEADING_STYLE))
    story.extend(_p(text) for text in RIGHTS_AND_DUTIES.get(contract.contract_type.code, DEFAULT_RIGHTS_AND_DUTIES))
    if contract.signed_on:
        story.append(_p(f"Signé le {date_in_words(contract.signed_on)}.", HEADING_STYLE))
    signer = contract.signed_by.get_full_name() if contract.signed_by else ""
    blocks = Table(
        [
            [_p("La personne", HEADING_STYLE), _p("Pour la structure", HEADING_STYLE)],
            [
                _p(f"{person.first_name} {person.last_name.upper()}\nSignature :"),
                _p(f"{signer or contract.organisation.name}\nSignature :"),
            ],
        ],
        colWidths=[(A4[0] - 2 * MARGIN) / 2] * 2,
        rowHeights=[None, 30 * mm],
    )
    blocks.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), REGULAR)]))
    story.append(KeepTogether([Spacer(1, 8 * mm), blocks]))
    doc.build(story)
    return buffer.getvalue()
