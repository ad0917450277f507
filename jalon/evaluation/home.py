"""The evaluation calendar on the pilot's and the analyst's homes: the next evaluations and work items."""

from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor


def home_panels(*, actor: Actor) -> dict:
    from jalon.evaluation import selectors

    if not actor.acts_for_departement(Role.PROGRAMME_PILOT, Role.ANALYST):
        return {}
    programme = (
        selectors.programmes_for(actor=actor).filter(evaluation_framework__isnull=False).order_by("-end").first()
    )
    if programme is None:
        return {"evaluation": None}
    return {
        "evaluation": {
            "programme": programme,
            "upcoming": selectors.calendar_entries(programme=programme, today=timezone.localdate(), pending_only=True)[
                :6
            ],
        }
    }
