"""Demo data of the interviews area: the Département's default orientation criteria. The interviews themselves
come with the demo sessions, through `interviews_bulk_create`."""

from jalon.orientation.interviews.services import criteria_default_create, interview_bulk_record


def build(ctx) -> None:
    """Idempotent: a Département that already has criteria keeps them. Run it after the dispositifs exist, so
    that the default criteria point to them."""
    created = criteria_default_create(departement=ctx.departement)
    ctx.log(f"  {len(created)} critères d'orientation" if created else "  critères d'orientation déjà présents")


def interviews_bulk_create(rows: list[dict]) -> int:
    """Past interviews for the demo sessions, set-based. Each row: person_id, participant_id, obstacles,
    strengths, needs, proposed_type, proposed_dispositif_id, proposal_reasons, conducted_on, conducted_by_id,
    orientation_id. Participations that already have an interview are skipped."""
    return interview_bulk_record(actor_label="commande seed_demo", rows=rows)
