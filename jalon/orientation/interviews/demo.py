"""Demo data of the interviews area: the national orientation criteria, loaded as the Département's active set.
The interviews themselves come with the demo sessions, through `interviews_bulk_create`."""

from jalon.orientation.interviews.services import criteria_national_load, interview_bulk_record


def build(ctx) -> None:
    """Idempotent: once the national criteria are loaded and active, a re-run changes nothing. Run it after the
    dispositifs exist, so that the criteria point to them."""
    result = criteria_national_load(departement=ctx.departement)
    ctx.log(
        f"  {result['created']} critères d'orientation nationaux" if result["created"] else "  critères déjà présents"
    )


def interviews_bulk_create(rows: list[dict]) -> int:
    """Past interviews for the demo sessions, set-based. Each row: person_id, participant_id, obstacles,
    strengths, needs, proposed_type, proposed_dispositif_id, proposal_reasons, conducted_on, conducted_by_id,
    orientation_id. Participations that already have an interview are skipped."""
    return interview_bulk_record(actor_label="commande seed_demo", rows=rows)
