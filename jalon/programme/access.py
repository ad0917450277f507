"""Who reads and who edits the plan.

- The plan is read by the Département's professionals and by the members of the organisations it names (its
  signatories and contributors), in that Département only.
- Its programme pilots and administrators edit every action; the pilot and administrator of an organisation
  that pilots an action edit that action (its progress, steps, yearly review and targets).
"""

from functools import wraps

from django.http import Http404

from jalon.core.enums import Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor
from jalon.programme.enums import PartnerRole
from jalon.programme.models import ActionPartner, Signatory


PLAN_EDITORS = (Role.PROGRAMME_PILOT, Role.ADMINISTRATOR)


def may_read_plans(actor: Actor) -> bool:
    if actor.is_platform_admin or actor.is_departement_staff:
        return actor.is_platform_admin or actor.organisation is not None
    return (
        actor.organisation_id is not None and Signatory.objects.filter(organisation_id=actor.organisation_id).exists()
    )


def may_edit_plan(actor: Actor, programme) -> bool:
    return actor.is_platform_admin or (
        actor.acts_for_departement(*PLAN_EDITORS) and actor.departement_code == programme.departement_id
    )


def may_edit_action(actor: Actor, action) -> bool:
    if may_edit_plan(actor, action.programme):
        return True
    return (
        actor.has_role(*PLAN_EDITORS)
        and ActionPartner.objects.filter(
            action=action, organisation_id=actor.organisation_id, role=PartnerRole.PILOT
        ).exists()
    )


def require_plan_reader(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_read_plans(request.actor):
            raise Http404(NOT_FOUND_MESSAGE)
        return view(request, *args, **kwargs)

    wrapper.may_open = may_read_plans  # type: ignore[attr-defined]
    return wrapper


def may_set_targets(actor: Actor, programme) -> bool:
    """The indicators' targets are the Département's: its programme pilot sets them (the observatory's rule)."""
    return may_edit_plan(actor, programme) and actor.acts_for_departement(Role.PROGRAMME_PILOT)
