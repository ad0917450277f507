"""The orientation's panels on the person's file: current orientation, référents, sessions, reorientation,
interviews and delays."""

from datetime import datetime

from django.utils import timezone
from django.utils.text import capfirst


def person_file_panels(*, actor, person) -> dict:
    from jalon.orientation.delays.selectors import person_delays
    from jalon.orientation.interviews.selectors import person_interviews
    from jalon.orientation.reorientation.selectors import person_reorientations
    from jalon.orientation.selectors import current_orientation, referent_history
    from jalon.orientation.sessions.selectors import person_participations

    return {
        "orientation": current_orientation(person=person),
        "referents": list(referent_history(person=person)),
        "participations": list(person_participations(person=person)),
        "reorientation": person_reorientations(actor=actor, person=person),
        "interviews": list(person_interviews(person=person)),
        "delays": person_delays(person=person),
    }


def _day(value) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return f"{value:%d/%m/%Y}" if value else ""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def person_file_print(*, actor, person, panels: dict) -> list:
    """The orientation's panels worded for the printed file, as the screen shows them (its actions left out)."""
    from jalon.people.file_panels import FileSection

    sections = []
    delays = panels.get("delays")
    if delays is not None:
        if delays.right_requested_on:
            opened = f", ouvert le {_day(delays.right_opened_on)}" if delays.right_opened_on else ""
            lines = []
            for step in delays.steps:
                line = f"{capfirst(step.label)} — {step.start_label} : {_day(step.start_on) or '—'}"
                line += f" — réalisée le {_day(step.done_on)}" if step.done_on else " — pas encore"
                if step.days is not None:
                    line += f" — {_plural(step.days, 'jour')}{' (en cours)' if step.pending else ''}"
                line += f" — seuil {step.threshold} jours{' : dépassé' if step.exceeded else ''}"
                lines.append(line)
            intro = f"Droit demandé le {_day(delays.right_requested_on)}{opened}."
            sections.append(FileSection("Délais du parcours", lines, intro=intro))
        else:
            sections.append(
                FileSection(
                    "Délais du parcours",
                    empty="Date de demande du droit inconnue : les délais ne peuvent pas être calculés.",
                )
            )

    lines = []
    for interview in panels.get("interviews", []):
        line = f"{_day(interview.conducted_on)}"
        if interview.conducted_by:
            line += f" ({interview.conducted_by.get_full_name()})"
        line += f" — freins retenus : {', '.join(interview.obstacle_labels) or 'aucun'}"
        if interview.proposed_type:
            proposal = interview.get_proposed_type_display()
            if interview.proposed_dispositif:
                proposal += f" — {interview.proposed_dispositif}"
            line += f" — proposition : {proposal}"
            if interview.proposal_reasons:
                line += f" (proposé car : {' ; '.join(str(reason) for reason in interview.proposal_reasons)})"
        else:
            line += " — aucun critère ne s'appliquait : à l'appréciation du professionnel"
        if interview.orientation:
            decision = interview.orientation.get_orientation_type_display()
            if interview.orientation.dispositif:
                decision += f" — {interview.orientation.dispositif}"
            decision += f", {interview.orientation.organisation}, le {_day(interview.orientation.decided_on)}"
            line += f" — décision : {decision}"
        else:
            line += " — pas encore de décision"
        lines.append(line)
    sections.append(FileSection("Entretiens d'orientation", lines, empty="Aucun entretien d'orientation enregistré."))

    reorientation = panels.get("reorientation")
    if reorientation is not None:
        lines = []
        for request in reorientation.requests:
            line = f"Demandée le {_day(request.requested_on)}"
            if request.requested_by:
                line += f" par {request.requested_by.get_full_name()}"
            if request.requested_by_person:
                line += ", à la demande de la personne"
            if request.requested_dispositif:
                line += f" vers « {request.requested_dispositif} »"
            elif request.requested_type:
                line += f" vers une orientation {request.get_requested_type_display()}"
            line += f" : {request.get_status_display()} — motif : {request.reason}"
            if request.epl_meeting:
                line += f" — {request.epl_meeting}"
            if request.decided_on:
                verb = "retirée" if request.status == "retiree" else "décision"
                line += f" — {verb} le {_day(request.decided_on)} : {request.decision_reason}"
            lines.append(line)
        sections.append(FileSection("Réorientations", lines, empty="Aucune demande de réorientation."))
        lines = []
        for review in reorientation.reviews:
            line = f"{_day(review.reviewed_on)} : {review.get_typology_display()} — {review.get_consequence_display()}"
            if review.reviewed_by:
                line += f" ({review.reviewed_by.get_full_name()})"
            if review.comment:
                line += f"\n{review.comment}"
            lines.append(line)
        sections.append(FileSection("Diagnostics longue durée", lines, empty="Aucun diagnostic longue durée."))

    lines = []
    for participant in panels.get("participations", []):
        line = (
            f"{capfirst(str(participant.session))} — {participant.get_invitation_kind_display()} du "
            f"{_day(participant.invited_at)}, {participant.get_response_display()}"
        )
        if participant.session.is_cancelled:
            line += " · séance annulée"
        elif participant.attendance:
            line += f" · {participant.get_attendance_display()}"
            if participant.absence_follow_up:
                line += f" (suite : {participant.get_absence_follow_up_display()})"
        if participant.has_interview:
            line += " · entretien réalisé"
        lines.append(line)
    sections.append(FileSection("Séances d'orientation", lines, empty="Aucune invitation à une séance d'orientation."))
    return sections
