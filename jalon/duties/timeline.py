"""The procedure's steps in the carnet's timeline (contributed at start-up: the carnet does not import duties)."""

from jalon.duties.enums import Nature


def timeline_events(*, actor, notebook, event) -> list[dict]:
    from jalon.duties.models import Failure

    events = []
    failures = Failure.objects.filter(person_id=notebook.person_id).select_related("recorded_by", "decision")
    for failure in failures:
        by = failure.recorded_by.get_full_name() if failure.recorded_by else ""
        rank = failure.get_rank_display()
        events.append(
            event(
                "droits_devoirs", failure.occurred_on, f"Manquement constaté : {failure.get_duty_display()}", rank, by
            )
        )
        if failure.invited_on:
            detail = f"réponse attendue avant le {failure.answer_due_on:%d/%m/%Y}"
            events.append(
                event("droits_devoirs", failure.invited_on, "Invitation à présenter ses observations", detail)
            )
        if failure.answered_on:
            detail = f"motif légitime : {failure.legitimate_reason}" if failure.legitimate else "sans motif légitime"
            events.append(event("droits_devoirs", failure.answered_on, "Observations de la personne", detail))
        decision = getattr(failure, "decision", None)
        if decision is not None:
            title = (
                "Décision : suspension-remobilisation"
                if decision.nature == Nature.SUSPENSION
                else "Décision : suppression"
            )
            detail = (
                f"{decision.rate} % pendant {decision.months} mois, "
                f"du {decision.starts_on:%d/%m/%Y} au {decision.ends_on:%d/%m/%Y}"
            )
            events.append(event("droits_devoirs", decision.decided_on, title, detail))
            if decision.remobilised_on:
                events.append(
                    event("droits_devoirs", decision.remobilised_on, "Remobilisation : suspension reversée", "")
                )
    return events
