"""The governance panel on the pilot's home: next meetings, decisions due within 30 days or late, late bodies."""

from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor


def home_panels(*, actor: Actor) -> dict:
    from jalon.programme import selectors as plan_selectors
    from jalon.programme.governance import selectors

    if not actor.acts_for_departement(Role.PROGRAMME_PILOT, Role.ADMINISTRATOR):
        return {}
    programme = plan_selectors.programmes_for(actor=actor).order_by("-end").first()
    if programme is None:
        return {"governance": None}
    return {"governance": selectors.home_summary(programme=programme, today=timezone.localdate())}
