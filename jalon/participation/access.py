"""Who sees and who runs the users' participation bodies.

- Read: the Département's own staff (its central services read every body of the Département; an SDSEI's staff read
  the bodies that SDSEI holds). A partner organisation — its administrator included — reads nothing (decision 0016):
  the members are people served, their names stay with the Département.
- Edit (create a body, seat or release a member, answer a proposal): the programme pilot and the Département's
  administrator, who answer for the Département.
- Run a committee's meetings (create a meeting, record attendance, expenses, minutes and the proposals made): the
  editors, and the territory manager of the SDSEI that holds the committee — the meetings take place there and
  the SDSEI pays the expenses from its envelope.
Forbidden is the 404 of a page that does not exist.
"""

from functools import wraps

from django.http import Http404

from jalon.core.enums import Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor
from jalon.organisations.enums import OrganisationKind


EDITORS = (Role.PROGRAMME_PILOT, Role.ADMINISTRATOR)


def may_read_bodies(actor: Actor) -> bool:
    return actor.is_platform_admin or (actor.is_departement_staff and actor.organisation is not None)


def reads_everything(actor: Actor) -> bool:
    """A central service of the Département (not an SDSEI) reads every body of its Département."""
    return actor.is_platform_admin or (
        actor.organisation is not None and actor.organisation.kind == OrganisationKind.CONSEIL_DEPARTEMENTAL
    )


def may_edit_any(actor: Actor) -> bool:
    return actor.acts_for_departement(*EDITORS)


def may_edit(actor: Actor, body) -> bool:
    return actor.is_platform_admin or (may_edit_any(actor) and actor.departement_code == body.departement_id)


def may_run(actor: Actor, body) -> bool:
    if may_edit(actor, body):
        return True
    return (
        actor.acts_for_departement(Role.TERRITORY_MANAGER)
        and body.organisation_id == actor.organisation_id
        and body.is_committee
    )


def require_reader(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_read_bodies(request.actor):
            raise Http404(NOT_FOUND_MESSAGE)
        return view(request, *args, **kwargs)

    wrapper.may_open = may_read_bodies  # type: ignore[attr-defined]
    return wrapper


def may_report(actor: Actor) -> bool:
    """The counts go to the observatory as drafts of its entered indicators, which its pilot enters."""
    return actor.acts_for_departement(Role.PROGRAMME_PILOT)
