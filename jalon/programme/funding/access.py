"""Who reads and who writes the plan's money.

- Read: the Département's own staff (its central directions and its SDSEI), in that Département only. The plan's
  other readers (signatories, partners) do not see money; an operator does not see its own commitments here
  (they are the Département's accounting).
- Budget lines and their envelopes: the programme pilot and the administrator of the Département.
- Commitments and payments: the same, and an SDSEI manager on the envelopes of their own territories.
"""

from functools import wraps

from django.http import Http404

from jalon.core.enums import Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor
from jalon.programme.access import may_edit_plan


def may_read_funding(actor: Actor, programme=None) -> bool:
    if actor.is_platform_admin:
        return True
    if not actor.is_departement_staff or actor.organisation is None:
        return False
    return programme is None or actor.departement_code == programme.departement_id


def may_edit_lines(actor: Actor, programme) -> bool:
    return may_edit_plan(actor, programme)


def is_territory_manager(actor: Actor, programme) -> bool:
    return (
        not actor.is_platform_admin
        and actor.acts_for_departement(Role.TERRITORY_MANAGER)
        and actor.departement_code == programme.departement_id
    )


def manages_territory(actor: Actor, programme, territory_id) -> bool:
    """A manager acts on their territories' envelopes (a manager limited to no territory covers the whole
    Département, as everywhere in Jalon)."""
    return is_territory_manager(actor, programme) and (not actor.territory_ids or territory_id in actor.territory_ids)


def may_record_on(actor: Actor, line, envelope=None) -> bool:
    """Commitments and payments on a line, or on one of its envelopes."""
    if may_edit_lines(actor, line.programme):
        return True
    return envelope is not None and manages_territory(actor, line.programme, envelope.territory_id)


def may_record_on_some(actor: Actor, programme) -> bool:
    return may_edit_lines(actor, programme) or is_territory_manager(actor, programme)


def require_funding_reader(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_read_funding(request.actor):
            raise Http404(NOT_FOUND_MESSAGE)
        return view(request, *args, **kwargs)

    wrapper.may_open = may_read_funding  # type: ignore[attr-defined]
    return wrapper
