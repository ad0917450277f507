"""The exits' panel on the homes of référents and managers: the follow-up in employment to do."""

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.core.text import plural


def home_panels(*, actor: Actor) -> dict:
    from jalon.exits.selectors import follow_up_counts

    if not actor.has_role(Role.REFERENT, Role.TERRITORY_MANAGER):
        return {}
    counts = follow_up_counts(actor=actor)
    parts = [
        f"{counts['overdue']} point{plural(counts['overdue'])} de suivi en retard",
        f"{counts['soon']} à faire dans les 30 jours",
        f"{counts['at_risk']} situation{plural(counts['at_risk'])} à risque",
        f"{counts['proposals']} sortie{plural(counts['proposals'])} proposée{plural(counts['proposals'])} "
        "après une clôture du droit",
    ]
    return {
        "follow_up_text": (
            ", ".join(parts) + "."
            if any(counts.values())
            else "Aucun point de suivi en emploi à faire ni aucune sortie proposée pour les personnes que vous suivez."
        )
    }
