"""The person's carnet as a PDF they keep (ReportLab, A4, plain layout). Made on demand, never stored."""

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from jalon.core.pdf import BOLD, REGULAR, date_in_words, paragraph
from jalon.messaging.recipients import person_display_name
from jalon.notebook.person_space.selectors import PersonSpace
from jalon.notebook.person_space.texts import DUTIES, RIGHTS, RIGHTS_AND_DUTIES_TITLE, SANCTION_NOTICE


BODY = ParagraphStyle("body", fontName=REGULAR, fontSize=10.5, leading=14, spaceAfter=4)
ITEM = ParagraphStyle("item", parent=BODY, leftIndent=5 * mm, bulletIndent=0)
SUB_ITEM = ParagraphStyle("sub_item", parent=BODY, leftIndent=11 * mm, bulletIndent=6 * mm, fontSize=10)
TITLE = ParagraphStyle("title", parent=BODY, fontName=BOLD, fontSize=16, leading=20, spaceAfter=8)
HEADING = ParagraphStyle("heading", parent=BODY, fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=10)


def _p(text: str, style=BODY, bullet: str | None = None):
    return paragraph(text, style, bullet)


def _day(value) -> str:
    return date_in_words(value) if value else ""


def _with_dates(label: str, status: str, due_on, done_on) -> str:
    parts = [f"{label} — {status}"]
    if done_on:
        parts.append(f"réalisé le {_day(done_on)}")
    elif due_on:
        parts.append(f"échéance le {_day(due_on)}")
    return ", ".join(parts)


def person_space_pdf(space: PersonSpace) -> bytes:
    person = space.person
    story = [
        _p("Mon carnet de bord", TITLE),
        _p(f"{person_display_name(person)}, né(e) le {_day(person.birth_date)}"),
        _p(f"Édité le {_day(timezone.localdate())}"),
        _p("Mon référent", HEADING),
    ]
    if space.referent is not None:
        organisation = space.referent.organisation
        story.append(_p(f"{space.referent.referent.get_full_name()}, {organisation.name}"))
        contact = " — ".join(part for part in (organisation.phone, organisation.email) if part)
        if contact:
            story.append(_p(f"Contact : {contact}"))
    else:
        story.append(_p("Aucun référent ne vous a encore été désigné."))

    story.append(_p("Ma situation", HEADING))
    if space.freins:
        story += [_p(f"{frein.category.label} : {frein.get_status_display()}", ITEM, "•") for frein in space.freins]
    else:
        story.append(_p("Votre situation n'a pas encore été décrite avec votre référent."))

    story.append(_p("Mon projet professionnel", HEADING))
    project = space.project
    if project is not None:
        story.append(_p(str(project)))
        details = [
            ", ".join(project.contract_type_labels()),
            project.get_working_time_display(),
            f"jusqu'à {project.mobility_km} km" if project.mobility_km else "",
        ]
        if any(details):
            story.append(_p(" — ".join(d for d in details if d)))
        if project.strengths:
            story.append(_p(f"Mes atouts : {project.strengths}"))
    else:
        story.append(_p("Pas encore de projet professionnel enregistré."))

    story.append(_p("Mes objectifs et mes actions", HEADING))
    if not space.objectives:
        story.append(_p("Pas encore d'objectif."))
    for objective in space.objectives:
        story.append(
            _p(
                _with_dates(objective.title, objective.get_status_display(), objective.due_on, objective.done_on),
                ITEM,
                "•",
            )
        )
        story += [
            _p(_with_dates(action.title, action.get_status_display(), action.due_on, action.done_on), SUB_ITEM, "–")
            for action in objective.actions.all()
        ]

    story.append(_p("Mes prochains rendez-vous", HEADING))
    if not space.appointments:
        story.append(_p("Aucun rendez-vous prévu."))
    for appointment in space.appointments:
        when = timezone.localtime(appointment.starts_at)
        where = appointment.place or appointment.get_mode_display()
        story.append(
            _p(f"{_day(when.date())} à {when:%H:%M} — {where} — avec {appointment.organisation.name}", ITEM, "•")
        )

    story += [_p(RIGHTS_AND_DUTIES_TITLE, HEADING), _p("Vos droits :")]
    story += [_p(text, ITEM, "•") for text in RIGHTS]
    story.append(_p("Vos devoirs :"))
    story += [_p(text, ITEM, "•") for text in DUTIES]
    story += [Spacer(1, 4 * mm), _p(SANCTION_NOTICE)]

    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title="Mon carnet de bord",
        author="Jalon",
        creator="Jalon",
    ).build(story)
    return buffer.getvalue()
