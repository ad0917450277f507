"""The money's panels on a home: the pilot's budget execution of the year and the lines nearly spent; an SDSEI
manager's own envelopes."""

from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor


def _year(programme, years_with_lines) -> int | None:
    """The current year while the plan runs, else the last year it has lines for."""
    today = timezone.localdate().year
    if programme.start.year <= today <= programme.end.year:
        return today
    return max(years_with_lines, default=None)


def home_panels(*, actor: Actor) -> dict:
    from jalon.programme.funding import access, selectors
    from jalon.programme.selectors import programmes_for

    pilot = actor.acts_for_departement(Role.PROGRAMME_PILOT, Role.ADMINISTRATOR)
    manager = actor.acts_for_departement(Role.TERRITORY_MANAGER)
    if not (pilot or manager) or actor.is_platform_admin:
        return {}
    programme = programmes_for(actor=actor).order_by("-end").first()
    if programme is None or not access.may_read_funding(actor, programme):
        return {"funding": None}
    lines = selectors.lines_of(programme)
    year = _year(programme, set(lines.values_list("year", flat=True)))
    if manager:
        return {
            "funding": {
                "programme": programme,
                "manager": True,
                "envelopes": selectors.envelopes_managed(actor=actor, programme=programme),
            }
        }
    parts = selectors.parts_of(lines.filter(year=year))
    rows = selectors.line_rows(parts)
    return {
        "funding": {
            "programme": programme,
            "manager": False,
            "year": year,
            "total": selectors.execution(parts=parts)["total"].figures,
            "alerts": [row for row in rows if row.figures.alert and not row.lines[0].is_closed],
        }
    }
