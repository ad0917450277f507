"""The plan's panel on a home: the programme pilot's first view of the day (actions by state, late steps)."""

from jalon.core.enums import Role
from jalon.core.scoping import Actor


def home_panels(*, actor: Actor) -> dict:
    from jalon.programme import selectors

    if not actor.acts_for_departement(Role.PROGRAMME_PILOT, Role.ADMINISTRATOR):
        return {}
    programme = selectors.programmes_for(actor=actor).order_by("-end").first()
    if programme is None:
        return {"programme": None}
    overview = selectors.plan_overview(programme=programme)
    return {
        "programme": {
            "programme": programme,
            "actions": overview["actions"],
            "by_status": [(label, count) for label, count, _value in overview["by_status"] if count],
            "late_steps": list(overview["late_steps"][:5]),
            "late_count": overview["late_count"],
        }
    }
